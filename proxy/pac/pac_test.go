package pac

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// pacFakeDNS is a resolver over a fixed table that counts its calls.
type pacFakeDNS struct {
	table map[string][]net.IP
	calls atomic.Int32
}

func (d *pacFakeDNS) resolve(ctx context.Context, host string) ([]net.IP, error) {
	d.calls.Add(1)
	if ips, ok := d.table[host]; ok {
		return ips, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// pacTestClock is Tuesday 24 November 2026, 12:00 UTC.
func pacTestClock() time.Time { return time.Date(2026, time.November, 24, 12, 0, 0, 0, time.UTC) }

func pacTestEnv() (EvalEnv, *pacFakeDNS) {
	dns := &pacFakeDNS{table: map[string][]net.IP{
		"proxy.corp":            {net.ParseIP("198.18.0.10"), net.ParseIP("fd00:198:18::10")},
		"v6only.corp":           {net.ParseIP("fd00:198:18::20")},
		"xn--bcher-kva.example": {net.ParseIP("198.18.0.30")},
	}}
	return EvalEnv{
		MyIP:    []net.IP{net.ParseIP("198.18.0.5"), net.ParseIP("fd00:198:18::5")},
		Resolve: dns.resolve,
		Now:     pacTestClock,
		Timeout: 20 * time.Second, // generous: the CI machine may be loaded
	}, dns
}

func mustParsePAC(t *testing.T, src string) *PAC {
	t.Helper()
	p, err := ParsePAC([]byte(src))
	if err != nil {
		t.Fatalf("ParsePAC: %v\n%s", err, src)
	}
	return p
}

// evalExprs evaluates JavaScript expressions inside FindProxyForURL and
// returns "type:value" for each, or "throws:Name" for what they throw.
func evalExprs(t *testing.T, env EvalEnv, exprs []string) []string {
	t.Helper()
	list, _ := json.Marshal(exprs)
	src := `var exprs = ` + string(list) + `;
function FindProxyForURL(url, host) {
  for (var i = 0; i < exprs.length; i++) {
    var r;
    try {
      var v = eval(exprs[i]);
      r = (v === null ? "null" : typeof v) + ":" + v;
    } catch (e) {
      r = "throws:" + (typeof e === "object" && e !== null ? e.name : typeof e);
    }
    alert(r);
  }
  return "DIRECT";
}`
	var out []string
	for len(exprs) > 0 {
		n := min(len(exprs), MaxAlerts)
		chunk, _ := json.Marshal(exprs[:n])
		p := mustParsePAC(t, strings.Replace(src, string(list), string(chunk), 1))
		ev, err := p.FindProxy(context.Background(), "https://api.okviz.com/", env)
		if err != nil {
			t.Fatalf("FindProxy: %v", err)
		}
		out = append(out, ev.Alerts...)
		exprs = exprs[n:]
	}
	return out
}

func TestPACHelpersInScript(t *testing.T) {
	env, _ := pacTestEnv()
	tests := []struct{ expr, want string }{
		{`isPlainHostName("www")`, "boolean:true"},
		{`isPlainHostName("www.okviz.com")`, "boolean:false"},
		{`isPlainHostName("::1")`, "boolean:false"},
		{`isPlainHostName("[::1]")`, "boolean:true"},
		{`isPlainHostName(42)`, "throws:TypeError"},
		{`isPlainHostName()`, "throws:TypeError"},
		{`dnsDomainIs("www.netscape.com", ".netscape.com")`, "boolean:true"},
		{`dnsDomainIs("www", ".netscape.com")`, "boolean:false"},
		{`dnsDomainIs("evilnetscape.com", "netscape.com")`, "boolean:true"},
		{`dnsDomainIs("WWW.NETSCAPE.COM", ".netscape.com")`, "boolean:false"},
		{`dnsDomainIs(undefined, "x")`, "throws:TypeError"},
		{`localHostOrDomainIs("www.netscape.com", "www.netscape.com")`, "boolean:true"},
		{`localHostOrDomainIs("www", "www.netscape.com")`, "boolean:true"},
		{`localHostOrDomainIs("www.mcom.com", "www.netscape.com")`, "boolean:false"},
		{`localHostOrDomainIs("home.netscape.com", "www.netscape.com")`, "boolean:false"},
		{`dnsDomainLevels("www")`, "number:0"},
		{`dnsDomainLevels("www.netscape.com")`, "number:2"},
		{`dnsDomainLevels("192.168.1.1")`, "number:3"},
		{`shExpMatch("api.okviz.com", "*.okviz.com")`, "boolean:true"},
		{`shExpMatch("a.abc.com", "(*.abc.com|abc.com)")`, "boolean:true"},
		{`shExpMatch("x", "host[0-9")`, "throws:SyntaxError"},
		{`isResolvable("proxy.corp")`, "boolean:true"},
		{`isResolvable("nxdomain.corp")`, "boolean:false"},
		{`isResolvable("v6only.corp")`, "boolean:false"}, // dnsResolve is IPv4 only
		{`dnsResolve("proxy.corp")`, "string:198.18.0.10"},
		{`dnsResolve("nxdomain.corp")`, "null:null"},
		{`dnsResolve("v6only.corp")`, "null:null"},
		{`dnsResolve(42)`, "null:null"},
		{`dnsResolve("198.18.0.99")`, "string:198.18.0.99"},
		{`dnsResolve("bücher.example")`, "string:198.18.0.30"},
		{`isInNet("proxy.corp", "198.18.0.0", "255.254.0.0")`, "boolean:true"},
		{`isInNet("198.18.0.10", "198.18.0.0", "255.255.255.0")`, "boolean:true"},
		{`isInNet("198.20.0.10", "198.18.0.0", "255.254.0.0")`, "boolean:false"},
		{`isInNet("nxdomain.corp", "0.0.0.0", "0.0.0.0")`, "boolean:false"},
		{`isInNet("198.18.0.10", "198.18.0.0/15", "255.254.0.0")`, "boolean:false"},
		{`isInNet(myIpAddress(), "198.18.0.0", "255.254.0.0")`, "boolean:true"},
		{`myIpAddress()`, "string:198.18.0.5"},
		{`myIpAddressEx()`, "string:198.18.0.5;fd00:198:18::5"},
		{`convert_addr("1.2.3.4")`, "number:16909060"},
		{`convert_addr("255.255.255.255")`, "number:-1"},
		{`isValidIpAddress("1.2.3.4")`, "boolean:true"},
		{`isValidIpAddress("1.2.3.400")`, "boolean:false"},
		{`weekdayRange("TUE")`, "boolean:true"},
		{`weekdayRange("SAT", "MON")`, "boolean:false"},
		{`dateRange(2026)`, "boolean:true"},
		{`dateRange("NOV", "GMT")`, "boolean:true"},
		{`timeRange(12)`, "boolean:true"},
		{`timeRange(22, 2)`, "boolean:false"},
		{`timeRange(1, 2, 3)`, "throws:string"},
		{`isResolvableEx("v6only.corp")`, "boolean:true"},
		{`isResolvableEx("nxdomain.corp")`, "boolean:false"},
		{`dnsResolveEx("proxy.corp")`, "string:198.18.0.10;fd00:198:18::10"},
		{`dnsResolveEx("nxdomain.corp")`, "string:"},
		{`dnsResolveEx(1)`, "null:null"},
		{`isInNetEx("198.18.0.10", "198.18.0.0/15")`, "boolean:true"},
		{`isInNetEx("proxy.corp", "198.18.0.0/15")`, "boolean:false"}, // no DNS
		{`isInNetEx(1, "10.0.0.0/8")`, "null:null"},
		{`sortIpAddressList("10.0.0.1;::1")`, "string:::1;10.0.0.1"},
		{`sortIpAddressList("x")`, "boolean:false"},
		{`sortIpAddressList()`, "null:null"},
		{`getClientVersion()`, "string:1.0"},
		{`new Date().getTime()`, fmt.Sprintf("number:%d", pacTestClock().UnixMilli())},
		// The built-ins that could allocate without bound in one call are
		// bounded; ordinary use still works.
		{`typeof Uint8Array + typeof ArrayBuffer`, "string:undefinedundefined"},
		{`"x".repeat(1e9)`, "throws:RangeError"},
		{`"ab".padEnd(1e9)`, "throws:RangeError"},
		{`"ab".padStart(1e9)`, "throws:RangeError"},
		{`new Array(4e9).join()`, "throws:RangeError"},
		{`new Array(1e6).join("xxxxxxxxxx")`, "throws:RangeError"},
		{`String(new Array(4e9))`, "throws:RangeError"},
		{`new Array(4e9).fill(0)`, "throws:RangeError"},
		{`[...new Array(4e9)]`, "throws:RangeError"},
		{`Array.from({length: 1e9})`, "throws:RangeError"},
		{`[].concat.apply([], new Array(1e6))`, "throws:RangeError"},
		{`"x".repeat(5000).replace(/x/g, "y".repeat(1000))`, "throws:RangeError"},
		{`[1, 2, 3].map(function (x) { return x * 2 }).join("-")`, "string:2-4-6"},
		{`"ab".repeat(3) + "c".padStart(3, "-")`, "string:ababab--c"},
		{`"a-b".replace("-", "+")`, "string:a+b"},
		{`"x".repeat(10000).replace("x", "y".repeat(1000)).length`, "number:10999"},
		{`"a.b.c".replaceAll(".", "-") + "a.b".replace(/\./g, "_")`, "string:a-b-ca_b"},
		{`[..."abc"].length + [...[1, 2]].length`, "number:5"},
		{`Math.max.apply(null, [1, 5, 3])`, "number:5"},
		{`Reflect.apply(Math.max, null, [1, 2])`, "number:2"},
		{`eval("1 + 1\n//# sourceMappingURL=/nonexistent/x.map")`, "number:2"},
	}
	exprs := make([]string, len(tests))
	for i, tt := range tests {
		exprs[i] = tt.expr
	}
	got := evalExprs(t, env, exprs)
	if len(got) != len(tests) {
		t.Fatalf("got %d results for %d expressions: %q", len(got), len(tests), got)
	}
	for i, tt := range tests {
		if got[i] != tt.want {
			t.Errorf("%s = %q, want %q", tt.expr, got[i], tt.want)
		}
	}
}

func TestFindProxyArguments(t *testing.T) {
	env, _ := pacTestEnv()
	p := mustParsePAC(t, `function FindProxyForURL(url, host) { alert(url); alert(host); return "DIRECT"; }`)
	tests := []struct{ in, url, host string }{
		{"https://api.okviz.com/v1/license?key=secret", "https://api.okviz.com/", "api.okviz.com"},
		{"https://API.OKVIZ.COM:8443/x", "https://api.okviz.com:8443/", "api.okviz.com"},
		{"http://intranet/path?q=1#f", "http://intranet/path?q=1", "intranet"},
		{"https://[fd00:198:18::1]/", "https://[fd00:198:18::1]/", "fd00:198:18::1"},
		// Quotes cannot break out: the arguments are values, not source text.
		{"http://intranet/it's\"q", "http://intranet/it%27s%22q", "intranet"},
	}
	for _, tt := range tests {
		ev, err := p.FindProxy(context.Background(), tt.in, env)
		if err != nil {
			t.Fatalf("FindProxy(%q): %v", tt.in, err)
		}
		if !reflect.DeepEqual(ev.Alerts, []string{tt.url, tt.host}) || ev.URL != tt.url || ev.Host != tt.host {
			t.Errorf("FindProxy(%q) saw %q (URL %q, Host %q), want %q, %q", tt.in, ev.Alerts, ev.URL, ev.Host, tt.url, tt.host)
		}
		if ev.Function != "FindProxyForURL" || ev.Result != "DIRECT" || !reflect.DeepEqual(ev.Proxies, []ProxyEntry{{Kind: ProxyDirect}}) {
			t.Errorf("FindProxy(%q) = %+v", tt.in, ev)
		}
	}
	var ue *URLError
	if _, err := p.FindProxy(context.Background(), "not a url", env); !errors.As(err, &ue) {
		t.Errorf("FindProxy(bad URL): err = %v, want a *URLError", err)
	}
}

func TestFindProxyErrors(t *testing.T) {
	env, _ := pacTestEnv()
	tests := []struct {
		name, src string
		kind      PACErrorKind
		line      int
		msg       string
	}{
		{"syntax", "function FindProxyForURL(u, h) {\n  if (h == \"x\" {\n    return \"DIRECT\";\n  }\n}", PACSyntax, 2, ""},
		{"unterminated", "function FindProxyForURL(u, h) {\n  return \"DIRECT\";\n", PACSyntax, 3, ""},
		{"empty", "  \n\t", PACSyntax, 0, "empty"},
		{"too large", "function FindProxyForURL(u, h) { return \"DIRECT\"; }" + strings.Repeat(" ", MaxPACSize), PACSyntax, 0, "1 MiB"},
		{"reference error", "function FindProxyForURL(u, h) {\n  return proxies[h];\n}", PACRuntime, 2, "ReferenceError"},
		{"type error", "function FindProxyForURL(u, h) {\n\n  return null.x;\n}", PACRuntime, 3, "TypeError"},
		{"throw string", "throw \"boom\";\nfunction FindProxyForURL(u, h) { return \"DIRECT\"; }", PACRuntime, 1, "boom"},
		{"throw odd object", "function FindProxyForURL(u, h) { throw {toString: function () { throw 1; }}; }", PACRuntime, 1, "cannot be shown"},
		{"helper misuse", "function FindProxyForURL(u, h) {\n  return isPlainHostName() ? \"DIRECT\" : \"DIRECT\";\n}", PACRuntime, 2, "Requires 1 string parameter"},
		{"timeRange arguments", "function FindProxyForURL(u, h) { return timeRange(1, 2, 3) ? \"DIRECT\" : \"DIRECT\"; }", PACRuntime, 1, "timeRange: bad number of arguments"},
		{"throwing getter", "Object.defineProperty(this, \"FindProxyForURL\", {get: function () {\n  throw new Error(\"getter\");\n}});", PACRuntime, 2, "getter"},
		{"missing", "var x = 1;", PACRuntime, 0, "FindProxyForURL is not defined"},
		{"not a function", "var FindProxyForURL = \"DIRECT\";", PACRuntime, 0, "FindProxyForURL is not defined"},
		{"ex only", "function FindProxyForURLEx(u, h) { return \"DIRECT\"; }", PACRuntime, 0, "only FindProxyForURLEx"},
		{"null", "function FindProxyForURL(u, h) { return null; }", PACResult, 0, "returned null"},
		{"undefined", "function FindProxyForURL(u, h) { }", PACResult, 0, "undefined"},
		{"number", "function FindProxyForURL(u, h) { return 42; }", PACResult, 0, `FindProxyForURL returned a number (42); it must return a string such as "PROXY host:port" or "DIRECT"`},
		{"fraction", "function FindProxyForURL(u, h) { return 4.5; }", PACResult, 0, "returned a number (4.5);"},
		{"boolean", "function FindProxyForURL(u, h) { return true; }", PACResult, 0, "returned a boolean (true);"},
		{"BigInt", "function FindProxyForURL(u, h) { return 10n; }", PACResult, 0, "returned a BigInt (10);"},
		{"symbol", "function FindProxyForURL(u, h) { return Symbol(\"x\"); }", PACResult, 0, "returned a symbol;"},
		{"array", "function FindProxyForURL(u, h) { return [\"DIRECT\"]; }", PACResult, 0, "returned an array (DIRECT);"},
		{"String object", "function FindProxyForURL(u, h) { return new String(\"DIRECT\"); }", PACResult, 0, "an object"},
		{"non-ASCII", "function FindProxyForURL(u, h) { return \"PROXY prøxy:80\"; }", PACResult, 0, "non-ASCII"},
		{"garbage", "function FindProxyForURL(u, h) { return \"PROXY a:8080 DIRECT\"; }", PACResult, 0, "separate entries"},
		{"recursion", "function f(n) { return f(n + 1); }\nfunction FindProxyForURL(u, h) { return f(0); }", PACRunaway, 1, "recursion"},
		{"recursion through built-ins", "function f() { return [1].map(f); }\nfunction FindProxyForURL(u, h) { return f(); }", PACRunaway, 1, "recursion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := evalSource(tt.src, "https://api.okviz.com/", env)
			var pe *PACError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v (%T), want a *PACError", err, err)
			}
			if pe.Kind != tt.kind || pe.Line != tt.line || !strings.Contains(pe.Error(), tt.msg) {
				t.Errorf("err = %v (kind %s, line %d); want kind %s, line %d, containing %q", pe, pe.Kind, pe.Line, tt.kind, tt.line, tt.msg)
			}
			if tt.kind != PACResult && ev.Result != "" {
				t.Errorf("Result = %q for a failed evaluation", ev.Result)
			}
			for _, goWord := range []string{"int64", "float64", "bool ", "big.Int", "goja", "interface {}"} {
				if strings.Contains(pe.Error(), goWord) {
					t.Errorf("err = %v: names a Go type (%q)", pe, goWord)
				}
			}
		})
	}
	// A bad result keeps the raw string and what the browser would use.
	ev, err := evalSource("function FindProxyForURL(u, h) { return \"PROXY a:1; BOGUS x\"; }", "https://api.okviz.com/", env)
	var re *ResultError
	if !errors.As(err, &re) || ev.Result != "PROXY a:1; BOGUS x" || !reflect.DeepEqual(re.Chromium, []ProxyEntry{{ProxyHTTP, "a", 1}}) {
		t.Errorf("bad result: ev %+v, err %v", ev, err)
	}
}

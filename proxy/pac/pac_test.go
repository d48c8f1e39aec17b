package pac

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
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
		{"number", "function FindProxyForURL(u, h) { return 42; }", PACResult, 0, "42"},
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
		})
	}
	// A bad result keeps the raw string and what the browser would use.
	ev, err := evalSource("function FindProxyForURL(u, h) { return \"PROXY a:1; BOGUS x\"; }", "https://api.okviz.com/", env)
	var re *ResultError
	if !errors.As(err, &re) || ev.Result != "PROXY a:1; BOGUS x" || !reflect.DeepEqual(re.Chromium, []ProxyEntry{{ProxyHTTP, "a", 1}}) {
		t.Errorf("bad result: ev %+v, err %v", ev, err)
	}
}

// evalSource parses and evaluates in one step (errors of either kind).
func evalSource(src, url string, env EvalEnv) (Evaluation, error) {
	p, err := ParsePAC([]byte(src))
	if err != nil {
		return Evaluation{}, err
	}
	return p.FindProxy(context.Background(), url, env)
}

func TestFindProxyEntryPoints(t *testing.T) {
	env, _ := pacTestEnv()
	p := mustParsePAC(t, `
function FindProxyForURL(url, host) { return "PROXY classic:1"; }
function FindProxyForURLEx(url, host) { return "PROXY ex:2"; }`)
	ev, err := p.FindProxy(context.Background(), "https://api.okviz.com/", env)
	if err != nil || ev.Function != "FindProxyForURL" || ev.Result != "PROXY classic:1" {
		t.Errorf("default (Chromium) = %+v, %v; want FindProxyForURL", ev, err)
	}
	env.PreferEx = true
	ev, err = p.FindProxy(context.Background(), "https://api.okviz.com/", env)
	if err != nil || ev.Function != "FindProxyForURLEx" || ev.Result != "PROXY ex:2" {
		t.Errorf("PreferEx = %+v, %v; want FindProxyForURLEx", ev, err)
	}
	ev, err = evalSource("function FindProxyForURLEx(u, h) { return \"DIRECT\"; }", "https://a/", env)
	if err != nil || ev.Function != "FindProxyForURLEx" {
		t.Errorf("PreferEx with only the Ex entry = %+v, %v", ev, err)
	}
}

func TestFindProxyGlobalScope(t *testing.T) {
	env, _ := pacTestEnv()
	// Helpers work while the script loads; each evaluation starts afresh.
	p := mustParsePAC(t, `
var me = myIpAddress();
var calls = 0;
function FindProxyForURL(url, host) {
  calls++;
  return isInNet(me, "198.18.0.0", "255.254.0.0") ? "PROXY lab:" + calls : "DIRECT";
}`)
	for i := 0; i < 2; i++ {
		ev, err := p.FindProxy(context.Background(), "https://api.okviz.com/", env)
		if err != nil || ev.Result != "PROXY lab:1" {
			t.Errorf("evaluation %d = %q, %v; want PROXY lab:1", i, ev.Result, err)
		}
	}
	env.MyIP = nil // myIpAddress() is then 127.0.0.1
	ev, err := p.FindProxy(context.Background(), "https://api.okviz.com/", env)
	if err != nil || ev.Result != "DIRECT" {
		t.Errorf("without MyIP = %q, %v; want DIRECT", ev.Result, err)
	}
}

func TestFindProxyLookups(t *testing.T) {
	env, dns := pacTestEnv()
	p := mustParsePAC(t, `
function FindProxyForURL(url, host) {
  dnsResolve("proxy.corp"); dnsResolve("proxy.corp"); isResolvable("proxy.corp");
  isInNet("proxy.corp", "10.0.0.0", "255.0.0.0"); dnsResolveEx("proxy.corp");
  dnsResolve("nxdomain.corp"); isResolvable("nxdomain.corp");
  dnsResolve("198.18.0.1");
  return "DIRECT";
}`)
	ev, err := p.FindProxy(context.Background(), "https://api.okviz.com/", env)
	if err != nil {
		t.Fatal(err)
	}
	if n := dns.calls.Load(); n != 2 {
		t.Errorf("resolver called %d times, want 2 (cached per evaluation, literals not looked up)", n)
	}
	if len(ev.Lookups) != 2 {
		t.Fatalf("Lookups = %+v, want 2", ev.Lookups)
	}
	if l := ev.Lookups[0]; l.Host != "proxy.corp" || l.Err != nil || !reflect.DeepEqual(l.Addresses, []string{"198.18.0.10", "fd00:198:18::10"}) {
		t.Errorf("Lookups[0] = %+v", l)
	}
	var dnsErr *net.DNSError
	if l := ev.Lookups[1]; l.Host != "nxdomain.corp" || !errors.As(l.Err, &dnsErr) || len(l.Addresses) != 0 {
		t.Errorf("Lookups[1] = %+v", l)
	}
}

func TestFindProxyDNSTimeout(t *testing.T) {
	env, _ := pacTestEnv()
	env.DNSTimeout = 50 * time.Millisecond
	env.Resolve = func(ctx context.Context, host string) ([]net.IP, error) {
		<-ctx.Done() // DNS that the network drops
		return nil, ctx.Err()
	}
	p := mustParsePAC(t, `function FindProxyForURL(url, host) { return isResolvable(host) ? "DIRECT" : "PROXY fallback:8080"; }`)
	ev, err := p.FindProxy(context.Background(), "https://api.okviz.com/", env)
	if err != nil || ev.Result != "PROXY fallback:8080" {
		t.Fatalf("FindProxy = %+v, %v; want the fallback proxy", ev, err)
	}
	if len(ev.Lookups) != 1 || !errors.Is(ev.Lookups[0].Err, context.DeadlineExceeded) {
		t.Errorf("Lookups = %+v, want one timed-out lookup", ev.Lookups)
	}
}

func TestFindProxyAlerts(t *testing.T) {
	env, _ := pacTestEnv()
	ev, err := evalSource(`function FindProxyForURL(u, h) {
  alert(); alert(42); alert({toString: function () { return "obj"; }}); alert("x".repeat(5000));
  for (var i = 0; i < 150; i++) alert("n" + i);
  return "DIRECT";
}`, "https://a/", env)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Alerts) != MaxAlerts || ev.AlertsDropped != 154-MaxAlerts {
		t.Fatalf("kept %d alerts, dropped %d; want %d and %d", len(ev.Alerts), ev.AlertsDropped, MaxAlerts, 154-MaxAlerts)
	}
	if ev.Alerts[0] != "undefined" || ev.Alerts[1] != "42" || ev.Alerts[2] != "obj" || len(ev.Alerts[3]) > MaxAlertLength+len("…") {
		t.Errorf("alerts = %q…", ev.Alerts[:4])
	}
	// An alert whose argument throws propagates to the script.
	_, err = evalSource(`function FindProxyForURL(u, h) { alert({toString: function () { throw new Error("no"); }}); return "DIRECT"; }`, "https://a/", env)
	var pe *PACError
	if !errors.As(err, &pe) || pe.Kind != PACRuntime || !strings.Contains(pe.Message, "no") {
		t.Errorf("throwing alert argument: %v", err)
	}
}

func TestParsePACEncodings(t *testing.T) {
	env, _ := pacTestEnv()
	script := `function FindProxyForURL(u, h) { alert("café"); return "DIRECT"; }`
	latin1 := []byte(strings.Replace(script, "é", "\xe9", 1))
	utf16le := []byte{0xFF, 0xFE}
	for _, r := range script {
		utf16le = append(utf16le, byte(r), byte(r>>8))
	}
	for name, src := range map[string][]byte{
		"utf-8":     []byte(script),
		"utf-8 BOM": append([]byte{0xEF, 0xBB, 0xBF}, script...),
		"latin-1":   latin1,
		"utf-16le":  utf16le,
	} {
		p, err := ParsePAC(src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		ev, err := p.FindProxy(context.Background(), "https://a/", env)
		if err != nil || len(ev.Alerts) != 1 || ev.Alerts[0] != "café" {
			t.Errorf("%s: alerts %q, %v; want café", name, ev.Alerts, err)
		}
	}
}

func TestFindProxyConcurrent(t *testing.T) {
	env, _ := pacTestEnv()
	p := mustParsePAC(t, `var n = 0;
function FindProxyForURL(url, host) { n++; return "PROXY " + host + ":" + n; }`)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			host := fmt.Sprintf("h%d.corp", i)
			ev, err := p.FindProxy(context.Background(), "https://"+host+"/", env)
			if err != nil || ev.Result != "PROXY "+host+":1" {
				t.Errorf("goroutine %d: %q, %v", i, ev.Result, err)
			}
		}()
	}
	wg.Wait()
}

func TestFindProxyFixtures(t *testing.T) {
	env, _ := pacTestEnv()
	corp := "PROXY proxy.corp.example:8080; PROXY proxy2.corp.example:8080; DIRECT"
	tests := []struct {
		file, url string
		myIP      string
		result    string
		kind      PACErrorKind
	}{
		{"corp.pac", "https://api.okviz.com/", "", corp, ""},
		{"corp.pac", "https://okviz.com/", "", corp, ""},
		{"corp.pac", "https://intranet/", "", "DIRECT", ""},
		{"corp.pac", "https://wiki.corp.example/", "", "DIRECT", ""},
		{"corp.pac", "https://198.18.4.4/", "", "DIRECT", ""},
		{"corp.pac", "https://www.example.org/", "198.18.7.7", "PROXY lab-proxy.corp.example:3128", ""},
		{"corp.pac", "https://www.example.org/", "192.0.2.7", "PROXY proxy.corp.example:8080", ""},
		{"dns.pac", "https://proxy.corp/", "", "DIRECT", ""},
		{"dns.pac", "https://nxdomain.corp/", "", "PROXY proxy.corp.example:8080", ""},
		{"syntax_error.pac", "https://api.okviz.com/", "", "", PACSyntax},
		{"runtime_error.pac", "https://api.okviz.com/", "", "", PACRuntime},
		{"missing_function.pac", "https://api.okviz.com/", "", "", PACRuntime},
		{"ex_only.pac", "https://api.okviz.com/", "", "", PACRuntime},
		{"bad_result.pac", "https://api.okviz.com/", "", "", PACResult},
	}
	for _, tt := range tests {
		src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pac", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		e := env
		if tt.myIP != "" {
			e.MyIP = []net.IP{net.ParseIP(tt.myIP)}
		}
		ev, err := evalSource(string(src), tt.url, e)
		var pe *PACError
		switch {
		case tt.kind == "" && (err != nil || ev.Result != tt.result):
			t.Errorf("%s %s = %q, %v; want %q", tt.file, tt.url, ev.Result, err, tt.result)
		case tt.kind != "" && (!errors.As(err, &pe) || pe.Kind != tt.kind):
			t.Errorf("%s %s: err = %v, want kind %s", tt.file, tt.url, err, tt.kind)
		}
	}
}

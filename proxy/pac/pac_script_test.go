package pac

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

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

package pac

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// FuzzFindProxy: whatever the script and URL, evaluation never panics or
// hangs, and every outcome is either a usable proxy list or a typed error.
// Seeds beyond these are in testdata/fuzz/FuzzFindProxy.
func FuzzFindProxy(f *testing.F) {
	f.Add(`function FindProxyForURL(url, host) { return "DIRECT"; }`, "https://api.okviz.com/")
	f.Add(`function FindProxyForURL(url, host) {
  if (isPlainHostName(host) || dnsDomainIs(host, ".corp")) return "DIRECT";
  if (isInNet(dnsResolve(host), "198.18.0.0", "255.254.0.0")) return "PROXY a:1";
  if (shExpMatch(url, "*okviz*") && weekdayRange("MON", "FRI") && timeRange(8, 18)) return "PROXY b:2; SOCKS5 c";
  return sortIpAddressList(myIpAddressEx()) + "";
}`, "http://intranet/x?y")
	f.Add(`var FindProxyForURL = function (u, h) { return dateRange(1, "JAN", 31, "DEC") ? "HTTPS s" : null; };`, "https://[fd00:198:18::1]:8443/")
	f.Add(`function FindProxyForURLEx(u, h) { return isInNetEx(h, "fd00::/8") ? "PROXY x" : "DIRECT"; }`, "wss://h/")
	f.Fuzz(func(t *testing.T, src, rawURL string) {
		p, err := ParsePAC([]byte(src))
		if err != nil {
			var pe *PACError
			if !errors.As(err, &pe) || pe.Kind != PACSyntax {
				t.Fatalf("ParsePAC: %v (%T), want a syntax *PACError", err, err)
			}
			return
		}
		env := EvalEnv{
			MyIP: []net.IP{net.ParseIP("198.18.0.5")},
			Resolve: func(ctx context.Context, host string) ([]net.IP, error) {
				if host == "proxy.corp" {
					return []net.IP{net.ParseIP("198.18.0.10")}, nil
				}
				return nil, errors.New("no such host")
			},
			Now:        pacTestClock,
			Timeout:    250 * time.Millisecond,
			DNSTimeout: 20 * time.Millisecond,
			MaxHeap:    64 << 20,
			PreferEx:   len(src)%2 == 0,
		}
		ev, err := p.FindProxy(context.Background(), rawURL, env)
		var pe *PACError
		var ue *URLError
		switch {
		case err == nil:
			if len(ev.Proxies) == 0 || ev.Function == "" {
				t.Fatalf("success without proxies: %+v", ev)
			}
			if !pacIsASCII(ev.Result) {
				t.Fatalf("non-ASCII result accepted: %q", ev.Result)
			}
		case errors.As(err, &pe):
			if pe.Kind != PACRuntime && pe.Kind != PACRunaway && pe.Kind != PACResult {
				t.Fatalf("evaluation error of kind %q: %v", pe.Kind, pe)
			}
		case errors.As(err, &ue):
		default:
			t.Fatalf("untyped error %v (%T)", err, err)
		}
		if len(ev.Alerts) > MaxAlerts {
			t.Fatalf("%d alerts kept", len(ev.Alerts))
		}
	})
}

// FuzzSanitizeURL: never panics; what it returns sanitises to itself.
func FuzzSanitizeURL(f *testing.F) {
	for _, s := range []string{"https://api.okviz.com/x?y#z", "http://u:p@Intranet:80/a b", "https://[::1]:443/", "https://bücher.example/", "wss://h:0/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, host, err := SanitizeURL(raw)
		if err != nil {
			var ue *URLError
			if !errors.As(err, &ue) {
				t.Fatalf("SanitizeURL(%q): %v (%T)", raw, err, err)
			}
			return
		}
		u2, host2, err := SanitizeURL(u)
		if err != nil || u2 != u || host2 != host {
			t.Fatalf("SanitizeURL(%q) = %q, %q; again: %q, %q, %v", raw, u, host, u2, host2, err)
		}
	})
}

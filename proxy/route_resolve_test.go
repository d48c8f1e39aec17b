package proxy

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/okviz/okviz-check/proxy/discover"
	"github.com/okviz/okviz-check/proxy/pac"
)

// pacServer serves PAC files by Host header on loopback; every name the
// fetcher dials lands on it.
type pacServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits []string
}

func newPACServer(t *testing.T, scripts map[string]string) *pacServer {
	s := &pacServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits = append(s.hits, r.Host+r.URL.Path)
		s.mu.Unlock()
		body, ok := scripts[r.Host+r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
		w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *pacServer) env() RouteEnv {
	addr := s.Listener.Addr().String()
	return RouteEnv{
		Fetcher: pac.PACFetcher{Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		}},
		Eval: pac.EvalEnv{Resolve: func(ctx context.Context, host string) ([]net.IP, error) {
			return nil, errors.New("no DNS in tests")
		}},
	}
}

const okvizPAC = `function FindProxyForURL(url, host) {
  if (dnsDomainIs(host, ".okviz.com")) return "PROXY p1.corp.example:8080; SOCKS5 s.corp.example; DIRECT";
  return "DIRECT";
}`

func TestResolveRouteFixed(t *testing.T) {
	d := Decision{Kind: KindFixed, Rules: discover.ProxyRules{HTTPS: []string{"http://u:pw@a.corp.example:3128", "socks5://s.corp.example:1080"}},
		Proxies: []string{"http://u:pw@a.corp.example:3128", "socks5://s.corp.example:1080"}, Bypass: []string{"*.corp.example"}}
	r, err := ResolveRoute(context.Background(), d, "https://api.okviz.com/", RouteEnv{})
	if err != nil || len(r.Proxies) != 2 || r.Proxies[0].String() != "PROXY a.corp.example:3128" || r.Proxies[1].Kind != pac.ProxySOCKS5 {
		t.Fatalf("got %+v, %v", r, err)
	}
	if r.URLs[0].User.Username() != "u" {
		t.Error("credentials dropped from the proxy URL")
	}
	r, _ = ResolveRoute(context.Background(), d, "https://x.corp.example/", RouteEnv{})
	if len(r.URLs) != 1 || r.URLs[0] != nil || r.Proxies[0].Kind != pac.ProxyDirect || r.Reason != "*.corp.example" {
		t.Errorf("bypass: %+v", r)
	}
	if _, err := ResolveRoute(context.Background(), d, "api.okviz.com", RouteEnv{}); err == nil {
		t.Error("a target that is not a URL was accepted")
	}
}

func TestResolveRoutePAC(t *testing.T) {
	srv := newPACServer(t, map[string]string{
		"pac.corp.example/good.pac":   okvizPAC,
		"pac.corp.example/syntax.pac": "function FindProxyForURL(url, host) { return ",
		"pac.corp.example/throw.pac":  `function FindProxyForURL(url, host) { throw new Error("boom"); }`,
		"pac.corp.example/bad.pac":    `function FindProxyForURL(url, host) { return "PROXY; BOGUS x; PROXY ok.corp.example:81"; }`,
		"wpad/wpad.dat":               okvizPAC,
	})
	manual := &Decision{Kind: KindFixed, Rules: discover.ProxyRules{All: []string{"http://manual.corp.example:8080"}}, Proxies: []string{"http://manual.corp.example:8080"}, From: "windows-ie-user"}
	tests := []struct {
		name     string
		d        Decision
		proxies  string // entries joined
		failures []string
		pac      string
		wantErr  error
	}{
		{"good", Decision{Kind: KindPAC, PACURL: "http://pac.corp.example/good.pac"}, "PROXY p1.corp.example:8080;SOCKS5 s.corp.example:1080;DIRECT", nil, "http://pac.corp.example/good.pac", nil},
		{"404 falls back to manual", Decision{Kind: KindPAC, PACURL: "http://pac.corp.example/missing.pac", Fallback: manual}, "PROXY manual.corp.example:8080", []string{CodePACUnreachable}, "", nil},
		{"syntax error falls back to direct", Decision{Kind: KindPAC, PACURL: "http://pac.corp.example/syntax.pac"}, "DIRECT", []string{CodePACInvalid}, "", nil},
		{"runtime error goes direct", Decision{Kind: KindPAC, PACURL: "http://pac.corp.example/throw.pac", Fallback: manual}, "DIRECT", []string{CodePACInvalid}, "http://pac.corp.example/throw.pac", nil},
		{"bad elements dropped", Decision{Kind: KindPAC, PACURL: "http://pac.corp.example/bad.pac"}, "PROXY ok.corp.example:81", []string{CodePACInvalid}, "http://pac.corp.example/bad.pac", nil},
		{"mandatory", Decision{Kind: KindPAC, PACURL: "http://pac.corp.example/missing.pac", PACMandatory: true}, "", []string{CodePACUnreachable}, "", ErrPACMandatory},
		{"wpad: dhcp URL fails, dns works", Decision{Kind: KindWPAD, PACURL: "http://dhcp.corp.example/wpad.dat", WPAD: []string{"http://dhcp.corp.example/wpad.dat", discover.WPADShortURL}},
			"PROXY p1.corp.example:8080;SOCKS5 s.corp.example:1080;DIRECT", []string{CodePACUnreachable}, discover.WPADShortURL, nil},
		{"wpad then pac then manual", Decision{Kind: KindWPAD, WPAD: []string{"http://nowpad/wpad.dat"}, Fallback: &Decision{Kind: KindPAC, PACURL: "http://pac.corp.example/missing.pac", Fallback: manual}},
			"PROXY manual.corp.example:8080", []string{CodePACUnreachable, CodePACUnreachable}, "", nil},
	}
	for _, tt := range tests {
		r, err := ResolveRoute(context.Background(), tt.d, "https://api.okviz.com/path?q=1", srv.env())
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.wantErr)
		}
		var got []string
		for _, e := range r.Proxies {
			got = append(got, e.String())
		}
		var codes []string
		for _, f := range r.Failures {
			codes = append(codes, f.Code)
		}
		if strings.Join(got, ";") != tt.proxies || strings.Join(codes, ",") != strings.Join(tt.failures, ",") || r.PACURL != tt.pac {
			t.Errorf("%s: proxies %q failures %q (%+v) pac %q", tt.name, got, codes, r.Failures, r.PACURL)
		}
		if len(r.URLs) != len(r.Proxies) {
			t.Errorf("%s: %d URLs for %d entries", tt.name, len(r.URLs), len(r.Proxies))
		}
	}
}

func TestResolveRouteImplicitBypass(t *testing.T) {
	srv := newPACServer(t, map[string]string{"pac.corp.example/good.pac": okvizPAC})
	d := Decision{Kind: KindPAC, PACURL: "http://pac.corp.example/good.pac"}
	r, err := ResolveRoute(context.Background(), d, "https://localhost:8443/", srv.env())
	if err != nil || r.Proxies[0].Kind != pac.ProxyDirect || len(srv.hits) != 0 {
		t.Errorf("localhost: %+v %v, hits %q", r, err, srv.hits)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ResolveRoute(ctx, d, "https://api.okviz.com/", srv.env()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// Auto-detect that finds nothing is what most networks without a proxy
// look like: the route is direct and nothing counts as a failure. A WPAD
// name that exists but serves no PAC file is a failure the browser falls
// back from.
func TestResolveRouteWPADFindsNothing(t *testing.T) {
	srv := newPACServer(t, map[string]string{"pac.corp.example/good.pac": okvizPAC})
	env := srv.env()
	serverDial := env.Fetcher.Dial
	env.Fetcher.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if strings.HasPrefix(addr, "nxwpad") {
			return nil, &net.DNSError{Err: "no such host", Name: "nxwpad", IsNotFound: true}
		}
		return serverDial(ctx, network, addr)
	}
	tests := []struct {
		name     string
		d        Decision
		proxies  string
		failures int
		reason   string
	}{
		{"no candidate left", Decision{Kind: KindWPAD, From: "windows-ie-user"}, "DIRECT", 0, WPADNothing},
		{"candidate name does not exist", Decision{Kind: KindWPAD, WPAD: []string{"http://nxwpad/wpad.dat"}}, "DIRECT", 0, WPADNothing},
		{"nothing found, then the PAC URL", Decision{Kind: KindWPAD, Fallback: &Decision{Kind: KindPAC, PACURL: "http://pac.corp.example/good.pac"}},
			"PROXY p1.corp.example:8080;SOCKS5 s.corp.example:1080;DIRECT", 0, ""},
		{"name exists, no PAC file", Decision{Kind: KindWPAD, WPAD: []string{"http://wpad.corp.example/wpad.dat"}}, "DIRECT", 1, "every PAC file failed, so the browser goes direct"},
	}
	for _, tt := range tests {
		r, err := ResolveRoute(context.Background(), tt.d, "https://api.okviz.com/", env)
		var got []string
		for _, e := range r.Proxies {
			got = append(got, e.String())
		}
		if err != nil || strings.Join(got, ";") != tt.proxies || len(r.Failures) != tt.failures || r.Reason != tt.reason {
			t.Errorf("%s: %q, %d failures %+v, reason %q, err %v", tt.name, got, len(r.Failures), r.Failures, r.Reason, err)
		}
	}
}

// A default Windows PC: nothing stored means auto-detect, and on a network
// without WPAD the browser goes direct without fetching anything.
func TestResolveRouteDefaultWindows(t *testing.T) {
	srv := newPACServer(t, nil)
	m := &machine{goos: "windows", reg: registry(t, "dns-suffixes.reg")}
	d := BrowserRoute(m.sources(discover.Given{}), "windows")
	r, err := ResolveRoute(context.Background(), d, "https://api.okviz.com/", srv.env())
	if err != nil || len(r.Proxies) != 1 || r.Proxies[0].Kind != pac.ProxyDirect || len(r.Failures) != 0 || r.Reason != WPADNothing {
		t.Fatalf("got %+v, %v", r, err)
	}
	if len(srv.hits) != 0 {
		t.Errorf("fetched %q although no WPAD name resolves", srv.hits)
	}
}

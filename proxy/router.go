package proxy

import (
	"context"
	"crypto/tls"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/proxy/discover"
	"github.com/okviz/okviz-check/proxy/pac"
	"github.com/okviz/okviz-check/proxy/tunnel"
)

// Setup is the proxy picture of one run: every source looked at, the route
// a browser on this machine takes, and the one command-line tools take.
type Setup struct {
	Sources []discover.Source
	Browser Decision
	CLI     Decision
	// Desktop is Power BI Desktop's route (DesktopRoute; the zero value
	// means the browser's); Firefox the route of Firefox when its profile
	// sets its own proxy, else nil.
	Desktop Decision
	Firefox *Decision
	// Client is the client whose route Router tests (Client* constants);
	// "" is the browser, whose route is Browser. Use ForClient.
	Client  string
	browser *Decision // the browser's route, when Browser is another client's
	// TLS verifies https:// proxies and PAC servers: the system roots plus
	// --ca-file, as a browser with the enterprise CA would; nil when no
	// --ca-file is given (the system roots). A function, called only when
	// a proxy or PAC server speaks TLS: loading the system roots costs tens
	// of milliseconds that an http:// proxy's check should not wait for.
	TLS func() *tls.Config
	// Credentials answer the proxy's Basic, Digest or NTLM challenge when
	// the proxy URL carries none (--proxy-user); nil means none.
	Credentials *tunnel.Credentials
	// Integrated answers Negotiate/NTLM with the OS's own credentials
	// (tunnel.SystemIntegrated: SSPI on Windows); nil means none.
	Integrated tunnel.Integrated
	// GOOS is the OS whose credential sources the remediation names;
	// "" means this one.
	GOOS string
	// MyIP is what the PAC's myIpAddress()/myIpAddressEx() return; nil
	// means this machine's addresses found as Chromium does (and as the
	// pac command does: pac.MyIPAddresses through the prober's dialer).
	MyIP []net.IP
	// PACMemo keeps the PAC files the run fetched (one download per file);
	// nil means the router's own, which nobody else reads.
	PACMemo *pac.FetchMemo
}

// Router turns the browser route into diag's per-target Route: the PAC
// file evaluated for the target (the proxy.route check), and a tunnel
// through the resulting proxy list (the proxy.connect check). Every
// network step uses p's dialer, resolver and clock and is bounded by
// timeout.
func (s Setup) Router(p *diag.Prober, timeout time.Duration) func(context.Context, diag.Target) diag.Route {
	dial := p.Dialer.DialContext
	tun := &tunnel.Tunneler{Dial: dial, UserAgent: p.UserAgent, Timeout: timeout, Now: p.Now, TLSConfig: s.TLS, Credentials: s.Credentials, Integrated: s.Integrated}
	goos := s.GOOS
	if goos == "" {
		goos = runtime.GOOS
	}
	memo := s.PACMemo
	if memo == nil {
		memo = &pac.FetchMemo{}
	}
	env := RouteEnv{
		Fetcher: pac.PACFetcher{Dial: dial, Timeout: timeout, UserAgent: p.UserAgent, Memo: memo, TLSConfig: s.TLS,
			Authorize: pacAuthorizer(s.Integrated)},
		Eval: pac.EvalEnv{
			Now: p.Now, Timeout: timeout,
			Resolve: func(ctx context.Context, host string) ([]net.IP, error) {
				addrs, err := p.Resolver.LookupIPAddr(ctx, host)
				ips := make([]net.IP, len(addrs))
				for i, a := range addrs {
					ips[i] = a.IP
				}
				return ips, err
			},
		},
	}
	var ignoredSchemes []string
	for _, src := range s.Sources {
		if src.Name == s.Browser.From {
			for _, n := range src.Notes {
				if strings.HasPrefix(n, discover.IgnoredSchemeNote) {
					ignoredSchemes = append(ignoredSchemes, n)
				}
			}
		}
	}
	var myIPOnce sync.Once
	myIP := func(ctx context.Context) []net.IP {
		myIPOnce.Do(func() {
			if s.MyIP != nil || s.Browser.Kind != KindPAC && s.Browser.Kind != KindWPAD {
				return
			}
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			s.MyIP = pac.MyIPAddresses(ctx, dial, func(ctx context.Context) ([]net.IP, error) {
				name, err := os.Hostname()
				if err != nil {
					return nil, err
				}
				return env.Eval.Resolve(ctx, name)
			})
		})
		return s.MyIP
	}
	return func(ctx context.Context, t diag.Target) diag.Route {
		start := p.Now()
		env := env
		env.Eval.MyIP = myIP(ctx)
		rt, err := ResolveRoute(ctx, s.Browser, t.URL, env)
		c := routeCheck(s, t, rt, err)
		c.DurationMS = p.Now().Sub(start).Milliseconds()
		r := diag.Route{Kind: "direct", Checks: []diag.Check{c}, FellBack: err == nil && len(rt.Failures) > 0}
		if err != nil || !hasProxy(rt) || rt.Proxies[0].Kind == pac.ProxyDirect {
			// A list that starts with DIRECT is a direct route: browsers
			// only fall back to its proxies when the direct path fails.
			return r
		}
		r.Kind = "proxy"
		r.Proxy = redact.URL(rt.URLs[0].String())
		// The first tunnel walks the failover list; later ones (the TLS
		// variant handshakes) go straight through the entry that worked.
		var mu sync.Mutex
		list := rt.URLs
		r.Tunnel = func(ctx context.Context, hostport string) (net.Conn, diag.Check) {
			mu.Lock()
			try := list
			mu.Unlock()
			conn, hops := tun.TunnelList(ctx, try, hostport)
			if conn != nil && len(hops) <= len(try) {
				mu.Lock()
				list = try[len(hops)-1 : len(hops)]
				mu.Unlock()
			}
			c := connectCheck(conn, hops, goos)
			if conn == nil {
				// The proxy came from an https:// or socks5h:// variable
				// that the browser reads as plain HTTP: say so first.
				for _, n := range ignoredSchemes {
					c.Summary += " Note: " + n + "."
				}
			}
			return conn, c
		}
		return r
	}
}

// pacAuthorizer answers a PAC server's 401 with the OS's own credentials
// only, as browsers do (tunnel.ServerAuth); the explicit credentials that
// answer proxies are never sent to a PAC server.
func pacAuthorizer(integ tunnel.Integrated) func([]string, string) (pac.Handshake, string) {
	return func(challenges []string, host string) (pac.Handshake, string) {
		h, why := tunnel.ServerAuth{Integrated: integ}.Begin(challenges, host)
		if h == nil {
			return nil, why
		}
		return h, ""
	}
}

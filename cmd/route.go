package cmd

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/proxy"
	"github.com/okviz/okviz-check/proxy/discover"
	"github.com/okviz/okviz-check/proxy/pac"
	"github.com/okviz/okviz-check/proxy/redact"
	"github.com/okviz/okviz-check/proxy/tunnel"
)

// proxySetup is the proxy picture of one run: every source looked at, the
// route a browser on this machine takes, and the one command-line tools take.
type proxySetup struct {
	sources []discover.Source
	browser proxy.Decision
	cli     proxy.Decision
	// tls verifies https:// proxies and PAC servers: the system roots plus
	// --ca-file, as a browser with the enterprise CA would; nil when no
	// --ca-file is given (the system roots).
	tls *tls.Config
}

// discoverProxies reads every proxy source, with the user's own choices
// (flags, environment, config) first.
func (a *app) discoverProxies(ctx context.Context, o *checkOptions, p *diag.Prober) proxySetup {
	sys := discover.NewOSSystem(a.env.LookupEnv)
	sys.GOOS = a.env.GOOS
	sys.LookupHost = func(ctx context.Context, host string) ([]string, error) {
		ctx, cancel := context.WithTimeout(ctx, a.global.Timeout)
		defer cancel()
		return p.Resolver.LookupHost(ctx, host)
	}
	if run := sys.RunCommand; run != nil {
		// scutil, gsettings or nmcli stuck on a dead D-Bus must not hang the run.
		sys.RunCommand = func(ctx context.Context, name string, args ...string) ([]byte, error) {
			ctx, cancel := context.WithTimeout(ctx, a.global.Timeout)
			defer cancel()
			return run(ctx, name, args...)
		}
	}
	var given discover.Given
	for _, f := range []struct {
		flag string
		set  bool
		fill func(*discover.Override)
	}{
		{"proxy", o.Proxy != "", func(ov *discover.Override) { ov.Proxy = o.Proxy }},
		{"no-proxy", o.NoProxy, func(ov *discover.Override) { ov.Direct = true }},
		{"pac", o.PAC != "", func(ov *discover.Override) { ov.PAC = o.PAC }},
	} {
		if !f.set {
			continue
		}
		origin := a.global.cfg.origin(f.flag)
		layer := &given.Flags
		if !strings.HasPrefix(origin, "--") {
			layer = &given.Config
		}
		f.fill(layer)
		if layer.Origin == "" {
			layer.Origin = origin
		}
	}
	srcs := discover.Discover(ctx, sys, given)
	ps := proxySetup{sources: srcs, browser: proxy.BrowserRoute(srcs, a.env.GOOS), cli: proxy.CLIRoute(srcs)}
	if o.CAFile != "" && ps.browser.Kind != proxy.KindDirect {
		// Only proxies and PAC servers use it; loading the system roots
		// costs tens of milliseconds. The file was checked by newProber.
		if pem, err := os.ReadFile(o.CAFile); err == nil {
			if pool, err := x509.SystemCertPool(); err == nil && pool.AppendCertsFromPEM(pem) {
				ps.tls = &tls.Config{RootCAs: pool}
			}
		}
	}
	return ps
}

// router turns the browser route into diag's per-target Route: the PAC file
// evaluated for the target, and a tunnel through the resulting proxy list.
func (a *app) router(ps proxySetup, p *diag.Prober) func(context.Context, diag.Target) diag.Route {
	timeout := a.global.Timeout
	dial := p.Dialer.DialContext
	tun := &tunnel.Tunneler{Dial: dial, UserAgent: p.UserAgent, Timeout: timeout, Now: p.Now, TLSConfig: ps.tls}
	env := proxy.RouteEnv{
		Fetcher: pac.PACFetcher{Dial: dial, Timeout: timeout, UserAgent: p.UserAgent, Memo: &pac.FetchMemo{}, TLSConfig: ps.tls},
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
	return func(ctx context.Context, t diag.Target) diag.Route {
		start := p.Now()
		rt, err := proxy.ResolveRoute(ctx, ps.browser, t.URL, env)
		c := routeCheck(ps, t, rt, err)
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
			return conn, connectCheck(conn, hops)
		}
		return r
	}
}

func hasProxy(rt proxy.Route) bool {
	for _, e := range rt.Proxies {
		if e.Kind != pac.ProxyDirect {
			return true
		}
	}
	return false
}

// routeCheck reports how the route for t was decided, and a PAC file that
// could not be used (the browser then falls back, but the admin must fix it).
func routeCheck(ps proxySetup, t diag.Target, rt proxy.Route, err error) diag.Check {
	d := &diag.RouteDetails{Browser: decisionEvidence(ps.browser), CLI: decisionEvidence(ps.cli), Reason: rt.Reason, Proxies: proxyList(rt)}
	notes := append([]string{}, proxy.Disagreements(ps.browser, ps.cli)...)
	d.Notes = append(notes, proxy.NoProxyNotes(ps.sources, t.URL)...)
	if rt.PACURL != "" {
		d.PACURL = redact.URL(rt.PACURL)
		d.PACResult = &rt.PACResult
	}
	for _, f := range rt.Failures {
		d.Failures = append(d.Failures, diag.RouteFailure{PACURL: f.PACURL, From: f.From, Code: f.Code, Error: f.Error})
	}
	switch {
	case err != nil:
		code := "proxy.pac_invalid"
		if len(rt.Failures) > 0 {
			code = rt.Failures[len(rt.Failures)-1].Code
		}
		what := "The route could not be decided"
		if errors.Is(err, proxy.ErrPACMandatory) {
			what = "The mandatory PAC file could not be used, and browsers do not fall back to direct"
		}
		return diag.NewCheck("proxy.route", code, fmt.Sprintf("%s: %v", what, err), d)
	case len(rt.Failures) > 0:
		f := rt.Failures[0]
		what := "could not be fetched"
		if f.Code == "proxy.pac_invalid" {
			what = "does not work"
		}
		return diag.NewCheck("proxy.route", f.Code,
			fmt.Sprintf("The PAC file %s (from %s) %s: %s; browsers fall back to %s %s.", redact.URL(f.PACURL), f.From, what, f.Error, routeWords(rt), f.FallbackDelay()), d)
	case rt.Decision.From == "flag" && rt.Decision.Kind == proxy.KindDirect:
		return diag.NewCheck("proxy.route", "proxy.none", "--no-proxy forces a direct connection (the machine's proxy settings are listed in the report).", d)
	case hasProxy(rt):
		who := "Browsers on this machine send"
		if rt.Decision.From == "flag" || rt.Decision.From == "config" {
			who = "okviz-check was told to send"
		}
		return diag.NewCheck("proxy.route", "proxy.ok",
			fmt.Sprintf("%s %s through %s (from %s).", who, t.Host, routeWords(rt), rt.Decision.From), d)
	}
	why := "no proxy is configured"
	if rt.Reason != "" && rt.Reason != "direct" {
		why = rt.Reason
	}
	if from := rt.Decision.From; from != "" && from != "default" {
		why += " (decided by " + from + ")"
	}
	return diag.NewCheck("proxy.route", "proxy.none", fmt.Sprintf("Browsers on this machine connect to %s directly: %s.", t.Host, why), d)
}

// proxyList is the route's failover list as the report shows it: proxies
// with credentials redacted, DIRECT entries as "direct".
func proxyList(rt proxy.Route) []string {
	list := []string{}
	for _, e := range rt.Proxies {
		list = append(list, redact.URL(e.URL()))
	}
	return list
}

// routeWords is the failover list for a sentence: "http://p:8080, then DIRECT".
func routeWords(rt proxy.Route) string {
	parts := proxyList(rt)
	if len(parts) == 0 {
		return "DIRECT"
	}
	for i, p := range parts {
		if p == "direct" {
			parts[i] = "DIRECT"
		}
	}
	return strings.Join(parts, ", then ")
}

// connectCheck turns the hops of a failover list into one check: the last
// hop decides; a dead proxy before a working one is a warning, because
// browsers wait for it on every new connection.
func connectCheck(conn net.Conn, hops []tunnel.Hop) diag.Check {
	d := &diag.TunnelDetails{Hops: hopEvidence(hops)}
	if len(hops) == 0 {
		return diag.NewCheck("proxy.connect", "proxy.unreachable", "No proxy could be tried.", d)
	}
	last := hops[len(hops)-1]
	if conn != nil {
		if len(hops) > 1 && last.Proxy == "DIRECT" {
			c := diag.NewCheck("proxy.connect", "proxy.unreachable",
				fmt.Sprintf("%s failed (%s); browsers then connect directly, which works, after waiting for the dead proxy.", hops[0].Proxy, hopWhy(hops[0])), d)
			c.Status = diag.StatusWarn
			return c
		}
		if len(hops) > 1 {
			c := diag.NewCheck("proxy.connect", "proxy.unreachable",
				fmt.Sprintf("%s failed (%s); %s works, but browsers try the dead one first on new connections.", hops[0].Proxy, hopWhy(hops[0]), last.Proxy), d)
			c.Status = diag.StatusWarn
			return c
		}
		if last.Code == tunnel.CodeNone {
			return diag.NewCheck("proxy.connect", "proxy.none", "The PAC result says DIRECT for this target.", d)
		}
		return diag.NewCheck("proxy.connect", "proxy.ok", fmt.Sprintf("%s opened a tunnel to the target.", last.Proxy), d)
	}
	code := last.Code
	if last.Proxy == "DIRECT" {
		// The list ended with DIRECT and that failed too: name every proxy.
		return diag.NewCheck("proxy.connect", "proxy.unreachable",
			fmt.Sprintf("Every proxy of the list failed (%s: %s), and so did the direct connection after it: %s.", hops[0].Proxy, hopWhy(hops[0]), hopWhy(last)), d)
	}
	if code == "" {
		code = "proxy.unreachable"
	}
	summary := map[string]string{
		"proxy.unreachable":    "The proxy %s could not be reached: %s.",
		"proxy.auth_required":  "The proxy %s wants authentication (%s).",
		"proxy.auth_failed":    "The proxy %s rejected the credentials: %s.",
		"proxy.denied":         "The proxy %s refused the tunnel: %s.",
		"proxy.protocol_error": "The proxy %s answered CONNECT with something that is not HTTP: %s.",
	}[code]
	if summary == "" {
		summary = "The proxy %s failed: %s."
	}
	return diag.NewCheck("proxy.connect", code, fmt.Sprintf(summary, last.Proxy, hopWhy(last)), d)
}

// decisionEvidence is a route as the report shows it, credentials redacted.
func decisionEvidence(d proxy.Decision) diag.RouteDecision {
	r := d.Redacted()
	e := diag.RouteDecision{
		Kind: r.Kind, Proxies: r.Proxies, PACURL: r.PACURL, PACFrom: r.PACFrom, WPAD: r.WPAD,
		PACMandatory: r.PACMandatory, Bypass: r.Bypass, BypassStyle: r.BypassStyle, BypassReversed: r.BypassReversed,
		From: r.From, Notes: r.Notes,
		Rules: diag.RouteRules{All: r.Rules.All, HTTP: r.Rules.HTTP, HTTPS: r.Rules.HTTPS, FTP: r.Rules.FTP, Fallback: r.Rules.Fallback},
	}
	if r.Fallback != nil {
		f := decisionEvidence(*r.Fallback)
		e.Fallback = &f
	}
	return e
}

// hopEvidence is the hops of a failover list as the report shows them.
func hopEvidence(hops []tunnel.Hop) []diag.ProxyHop {
	if hops == nil {
		return nil
	}
	out := make([]diag.ProxyHop, len(hops))
	for i, h := range hops {
		out[i] = diag.ProxyHop{Proxy: h.Proxy, Code: h.Code, Status: h.Status, Schemes: h.Schemes, Reason: h.Reason,
			AuthSent: h.AuthSent, Fallback: h.Fallback, DurationMS: h.DurationMS, Error: h.Error}
	}
	return out
}

// hopWhy is the short reason of one hop for a summary.
func hopWhy(h tunnel.Hop) string {
	if h.Code == tunnel.CodeAuthRequired && len(h.Schemes) > 0 {
		why := "offers " + strings.Join(h.Schemes, ", ")
		for _, sc := range h.Schemes {
			if strings.EqualFold(sc, "NTLM") || strings.EqualFold(sc, "Negotiate") {
				return why + "; browsers answer NTLM/Negotiate silently with the Windows login, tools need credentials"
			}
		}
		return why + "; give credentials in the proxy URL (http://user:pass@proxy:port)"
	}
	for _, s := range []string{h.Reason, h.Error} {
		if s != "" {
			return s
		}
	}
	if h.Status != 0 {
		return fmt.Sprintf("HTTP %d", h.Status)
	}
	return "no reason given"
}

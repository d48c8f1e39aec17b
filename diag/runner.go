package diag

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sync"
)

// Stages selects what a run probes; the subcommands differ only here.
type Stages struct {
	DNSViews bool // direct queries to each resolver and the comparison resolvers
	TCP      bool
	TLS      bool
	HTTP     bool
}

// Full returns the stages of `okviz-check check`.
func Full() Stages { return Stages{DNSViews: true, TCP: true, TLS: true, HTTP: true} }

// partialOK is the pass summary of a run that stopped before HTTP: it
// claims only what was tested.
func partialOK(st Stages) string {
	switch {
	case st.TLS:
		return "The TLS handshake succeeds with a trusted certificate (HTTP not checked by this command)."
	case st.TCP:
		return "The route to the target opens (TLS and HTTP not checked by this command)."
	}
	return "The name resolves to usable addresses (TCP, TLS and HTTP not checked by this command)."
}

// maxParallelTargets bounds how many targets are probed at once: enough to
// finish a long list in about the time of its slowest few, few enough not to
// look like a scan to an IDS or exhaust a small proxy.
const maxParallelTargets = 16

// Run probes every target, at most maxParallelTargets at a time, and returns
// the results in the order of targets.
func (p *Prober) Run(ctx context.Context, targets []Target, st Stages) []TargetResult {
	out := make([]TargetResult, len(targets))
	sem := make(chan struct{}, maxParallelTargets)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = p.Probe(ctx, t, st)
		}()
	}
	wg.Wait()
	return out
}

// Probe runs the chain for one target along its route and names the verdict.
func (p *Prober) Probe(ctx context.Context, t Target, st Stages) TargetResult {
	res, _ := p.probe(ctx, t, st)
	return res
}

// ProbeChain is Probe that also returns the certificate chain the target
// served (nil when no handshake got that far).
func (p *Prober) ProbeChain(ctx context.Context, t Target, st Stages) (TargetResult, []*x509.Certificate) {
	return p.probe(ctx, t, st)
}

func (p *Prober) probe(ctx context.Context, t Target, st Stages) (TargetResult, []*x509.Certificate) {
	route := Route{Kind: "direct"}
	if p.Route != nil && st.TCP {
		// Only connections follow the route: DNS-only runs ask this
		// machine's resolvers whatever the proxy settings say.
		route = p.Route(ctx, t)
	}
	if route.Kind == "proxy" && route.Tunnel == nil {
		route.Kind = "direct"
	}
	res := TargetResult{Target: t.URL, Host: t.Host, Port: t.Port, Route: route.Kind, Proxy: route.Proxy}
	res.Checks = append(res.Checks, route.Checks...)
	var chain []*x509.Certificate
	if route.Kind == "proxy" {
		chain = p.viaProxy(ctx, t, st, route, &res)
	} else {
		chain = p.direct(ctx, t, st, &res)
	}
	if route.FellBack && len(route.Checks) > 0 {
		settleFallback(&res.Checks[0], res.Checks[len(route.Checks):])
	}
	res.Verdict = verdict(res.Checks)
	if res.Verdict.Code == "ok" && !st.HTTP {
		res.Verdict.Summary = partialOK(st)
	}
	res.Status = res.Verdict.Status
	return res, chain
}

// settleFallback decides a fallen-back route check by the path the browser
// fell back to: a warning when that path works; a failure, naming the
// fallback's own failure, when it does not — the PAC file would have routed
// the traffic, so opening the firewall for the direct path is the wrong fix.
func settleFallback(c *Check, rest []Check) {
	if c.Status != StatusFail {
		return
	}
	v := verdict(rest)
	if v.Status == StatusFail {
		c.Summary += " The fallback fails too: " + v.Summary
		return
	}
	c.Status = StatusWarn
	c.Summary += " The fallback works, so the target is reachable, but the PAC file must be fixed."
}

// direct probes DNS → TCP → TLS → HTTP from this machine. Direct resolver
// queries and comparisons run beside the chain and join at the end.
func (p *Prober) direct(ctx context.Context, t Target, st Stages, res *TargetResult) []*x509.Certificate {
	var views []DNSView
	viewsDone := make(chan struct{})
	go func() {
		defer close(viewsDone)
		if st.DNSViews && !t.IsIP() {
			views = p.dnsViews(ctx, t)
		}
	}()
	start := p.Now()
	addrs, sys := p.dnsSystem(ctx, t)
	sys.DurationMS = p.since(start)

	var later []Check
	var chain []*x509.Certificate
	if sys.Status == StatusFail {
		later = skipFrom(st, "the name did not resolve")
	} else {
		later, chain = p.connectChain(ctx, t, st, func(ctx context.Context) (net.Conn, string, []Check) {
			conn, addr, c := p.probeTCP(ctx, t, addrs)
			return conn, addr, []Check{c}
		}, func(ctx context.Context, addr string) (net.Conn, error) {
			return p.Dialer.DialContext(ctx, "tcp", addr)
		})
	}
	<-viewsDone
	if st.DNSViews && !t.IsIP() {
		res.Checks = append(res.Checks, p.dnsChecks(t, addrs, sys, views)...)
	} else {
		res.Checks = append(res.Checks, sys)
	}
	res.Checks = append(res.Checks, later...)
	return chain
}

// viaProxy opens the tunnel and runs TLS and HTTP through it. The direct
// path is probed alongside as evidence only: behind a proxy it is expected
// to fail, and it is cut short once the proxy path has its answer.
func (p *Prober) viaProxy(ctx context.Context, t Target, st Stages, route Route, res *TargetResult) []*x509.Certificate {
	directCtx, cancelDirect := context.WithCancel(ctx)
	var evidence []Check
	done := make(chan struct{})
	go func() {
		defer close(done)
		evidence = p.directEvidence(directCtx, t, st)
	}()
	later, chain := p.connectChain(ctx, t, st, func(ctx context.Context) (net.Conn, string, []Check) {
		start := p.Now()
		conn, c := route.Tunnel(ctx, t.HostPort())
		if c.DurationMS == 0 {
			c.DurationMS = p.since(start)
		}
		return conn, route.Proxy, []Check{c}
	}, func(ctx context.Context, _ string) (net.Conn, error) {
		conn, c := route.Tunnel(ctx, t.HostPort())
		if conn == nil {
			return nil, errors.New(c.Summary)
		}
		return conn, nil
	})
	cancelDirect()
	<-done
	res.Checks = append(res.Checks, evidence...)
	res.Checks = append(res.Checks, later...)
	return chain
}

// directEvidence resolves and connects directly, marking every result as
// information: it explains the network but does not decide the verdict.
func (p *Prober) directEvidence(ctx context.Context, t Target, st Stages) []Check {
	addrs, sys := p.dnsSystem(ctx, t)
	checks := []Check{sys}
	if sys.Status != StatusFail && st.TCP {
		conn, _, c := p.probeTCP(ctx, t, addrs)
		if conn != nil {
			conn.Close()
		}
		if ctx.Err() != nil && c.Code == TCPTimeout {
			c.Summary = fmt.Sprintf("No answer yet from %s directly when the proxy route had finished; the direct path was not waited for.", t.HostPort())
		}
		checks = append(checks, c)
	}
	for i := range checks {
		checks[i].ID = "direct." + checks[i].ID
		if checks[i].Status != StatusPass {
			checks[i].Status = StatusInfo
			checks[i].Remediation = ""
		}
		const note = "direct path, probed for evidence: the route is the proxy"
		switch d := checks[i].Details.(type) {
		case *DNSSystemDetails:
			c := *d
			c.Note = note
			checks[i].Details = &c
		case *TCPDetails:
			c := *d
			c.Note = note
			checks[i].Details = &c
		}
	}
	return checks
}

// connectChain runs connect → TLS → HTTP (+ clock, captive portal), given
// how to connect and how to open another connection on the same path.
func (p *Prober) connectChain(ctx context.Context, t Target, st Stages,
	connect func(context.Context) (net.Conn, string, []Check),
	redialAddr func(context.Context, string) (net.Conn, error),
) ([]Check, []*x509.Certificate) {
	if !st.TCP {
		return nil, nil
	}
	conn, addr, checks := connect(ctx)
	if conn == nil {
		return append(checks, skipAfterConnect(st, "no connection could be opened")...), nil
	}
	if !st.TLS {
		conn.Close()
		return checks, nil
	}
	redial := func(ctx context.Context) (net.Conn, error) { return redialAddr(ctx, addr) }
	tr := p.probeTLS(ctx, t, conn, redial)
	checks = append(checks, tr.Check)
	if tr.Conn == nil {
		conn.Close()
	} else {
		defer tr.Conn.Close()
	}
	if portal := portalSuspect(tr.Check.Code); portal && addr != "" {
		if ip, _, err := net.SplitHostPort(addr); err == nil && net.ParseIP(ip) != nil {
			if c, ok := p.portalCheck(ctx, t, ip); ok {
				checks = append(checks, c)
			}
		}
	}
	if !st.HTTP {
		return checks, tr.Chain
	}
	if tr.Conn == nil {
		return append(checks, SkipCheck(CheckHTTPGet, "no TLS connection to send the request over")), tr.Chain
	}
	f := httpFacts{trusted: tlsTrusted(tr.Check), code: tr.Check.Code}
	hc, answer := p.probeHTTP(ctx, t, tr.Conn, f)
	checks = append(checks, hc)
	if cc, _, ok := clockCheck(answer, f.trusted); ok {
		checks = append(checks, cc)
	}
	return checks, tr.Chain
}

// tlsTrusted says whether the TLS check verified the chain with the
// system's verifier (publicly trusted, or inspection by a CA this machine trusts).
func tlsTrusted(c Check) bool {
	switch c.Code {
	case TLSOK, TLSExpiringSoon:
		return true
	case TLSIntercepted:
		return c.Status != StatusFail
	}
	return false
}

// portalSuspect lists the TLS outcomes a captive portal produces.
func portalSuspect(code Code) bool {
	switch code {
	case TLSHostnameMismatch, TLSUntrusted, TLSProtocolError:
		return true
	}
	return false
}

func skipFrom(st Stages, why string) []Check {
	var out []Check
	if st.TCP {
		out = append(out, SkipCheck(CheckTCPConnect, why))
	}
	return append(out, skipAfterConnect(st, why)...)
}

func skipAfterConnect(st Stages, why string) []Check {
	var out []Check
	if st.TLS {
		out = append(out, SkipCheck(CheckTLSHandshake, why))
	}
	if st.HTTP {
		out = append(out, SkipCheck(CheckHTTPGet, why))
	}
	return out
}

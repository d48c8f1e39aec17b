package diag

import (
	"context"
	"crypto/x509"
	"fmt"
	"sync"
)

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
	if p.Route != nil && st.connects() {
		route = p.Route(ctx, t)
	}
	if route.Kind == "proxy" && route.Tunnel == nil {
		route.Kind = "direct"
	}
	res := TargetResult{Target: t.URL, Host: t.Host, Port: t.Port, Route: route.Kind, Proxy: route.Proxy}
	pt := &Path{Target: t, Route: route, Checks: append([]Check{}, route.Checks...)}

	// Behind a proxy the direct path is probed alongside as evidence only:
	// it is expected to fail, and it is cut short once the proxy path has
	// its answer.
	var evidence []Check
	directCtx, cancelDirect := context.WithCancel(ctx)
	defer cancelDirect()
	done := make(chan struct{})
	if route.Kind == "proxy" {
		pt.have = NeedAddrs
		go func() {
			defer close(done)
			evidence = p.directEvidence(directCtx, t, st)
		}()
	} else {
		close(done)
	}

	for _, s := range st {
		if pt.have < s.Needs {
			for _, id := range s.Skips {
				pt.Checks = append(pt.Checks, SkipCheck(id, pt.why))
			}
			continue
		}
		s.Run(ctx, p, pt)
	}
	for _, join := range pt.after {
		join()
	}
	if pt.conn != nil {
		pt.conn.Close()
	}
	if pt.tls.Conn != nil {
		pt.tls.Conn.Close()
	}
	cancelDirect()
	<-done
	n := len(route.Checks)
	res.Checks = append(append(pt.Checks[:n:n], evidence...), pt.Checks[n:]...)

	if route.Kind != "proxy" {
		settlePrivate(t.Host, res.Checks)
	}
	if route.FellBack && n > 0 {
		settleFallback(&res.Checks[0], res.Checks[n:])
	}
	res.Verdict = verdictIn(st.order(), res.Checks)
	if sum := st.partialOK(); res.Verdict.Code == OK && sum != "" {
		res.Verdict.Summary = sum
	}
	res.Status = res.Verdict.Status
	return res, pt.chain()
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

// directEvidence resolves and connects directly, marking every result as
// information: it explains the network but does not decide the verdict.
func (p *Prober) directEvidence(ctx context.Context, t Target, st Stages) []Check {
	addrs, sys := p.dnsSystem(ctx, t)
	checks := []Check{sys}
	if sys.Status != StatusFail && st.connects() {
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

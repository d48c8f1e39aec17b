package diag

import (
	"context"
	"crypto/x509"
	"fmt"
	"sync"
	"time"
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
	defer p.observe(Event{Target: t.URL, Done: true})
	// cut tracks what the run's end (ctx done) may have changed: which
	// stage produced each check, and the stages that ended after ctx did.
	cut := cutStages{owner: map[string]string{}, cut: map[string]bool{}}
	route := Route{Kind: "direct"}
	if p.Route != nil && st.connects() {
		p.observe(Event{Target: t.URL, Stage: "proxy"})
		route = p.Route(ctx, t)
		cut.ended(ctx, "proxy", route.Checks)
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

	var joinOwner []string // the stage each of pt.after belongs to
	for _, s := range st {
		switch {
		case Ended(ctx):
			// The run ended before this stage could start.
			for _, id := range s.Skips {
				pt.Checks = append(pt.Checks, UnfinishedCheck(id))
			}
			cut.cut[s.Name] = true
		case pt.have < s.Needs:
			for _, id := range s.Skips {
				pt.Checks = append(pt.Checks, SkipCheck(id, pt.why))
			}
			// Skipped because a stage the run's end cut short stopped the path.
			cut.cut[s.Name] = cut.any()
		default:
			p.observe(Event{Target: t.URL, Stage: s.Name})
			s.Run(ctx, p, pt)
			cut.ended(ctx, s.Name, pt.Checks)
		}
		for len(joinOwner) < len(pt.after) {
			joinOwner = append(joinOwner, s.Name)
		}
	}
	for i, join := range pt.after {
		join()
		cut.ended(ctx, joinOwner[i], pt.Checks)
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
	left := cut.mark(res.Checks)
	res.Verdict = verdictIn(st.order(), res.Checks)
	if sum := st.partialOK(); res.Verdict.Code == OK && sum != "" {
		res.Verdict.Summary = sum
	}
	if left && res.Verdict.Status != StatusFail {
		// What did not finish could still fail: no pass, no warning as
		// the last word. A failure that finished is a finding all the same.
		res.Verdict = Verdict{Code: CodeUnfinished, Status: StatusSkip,
			Summary: "The run ended (interrupted, or out of time) before the checks of this target finished: the finished ones are shown; run again for a verdict."}
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

// cutStages tells, for one target, which checks the run's end may have cut
// short. A stage is cut when the run's context was done by the time its
// Run (or its join) returned, or when it was skipped because a cut stage
// stopped the path; checks are assigned to the stage that first produced
// their id (a proxy route's tcp stage produces proxy.connect, the tls stage
// http.portal).
type cutStages struct {
	owner map[string]string // check id → the stage that produced it
	cut   map[string]bool
}

// ended notes the stage's new checks and whether the run had ended by now.
func (c *cutStages) ended(ctx context.Context, stage string, checks []Check) {
	for _, ch := range checks {
		if _, ok := c.owner[ch.ID]; !ok {
			c.owner[ch.ID] = stage
		}
	}
	if Ended(ctx) {
		c.cut[stage] = true
	}
}

// Ended says whether the run's context has ended: cancelled, or past its
// deadline. The deadline is read on the real clock because a connection's
// deadline set from it fires on that clock, sometimes a moment before the
// context's own timer marks it done; a check that failed that way must
// count as cut short, not as a timeout of the network.
func Ended(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

func (c *cutStages) any() bool {
	for _, v := range c.cut {
		if v {
			return true
		}
	}
	return false
}

// mark makes every check of a cut stage unfinished, but passes and
// information: a pass is a fact whenever it came, while a failure or a
// warning may be the interrupt's own doing (a cancelled dial reads like a
// timeout). It reports whether any check is unfinished.
func (c *cutStages) mark(checks []Check) bool {
	left := false
	for i, ch := range checks {
		if ch.Code == CodeUnfinished {
			left = true
			continue
		}
		if !c.cut[c.owner[ch.ID]] || ch.Status == StatusPass || ch.Status == StatusInfo {
			continue
		}
		checks[i] = unfinished(ch)
		left = true
	}
	return left
}

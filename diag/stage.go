package diag

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"slices"
	"time"
)

// Need is what a stage cannot run without: each stage of the path leaves
// the next one more (addresses, then a connection, then a TLS session,
// then an HTTP answer).
type Need int

// What the stages leave each other, in the order of the path.
const (
	NeedNothing Need = iota
	NeedAddrs        // the name resolved (a proxy route starts here: the proxy resolves)
	NeedConn         // a connection toward the target is open
	NeedTLS          // a TLS session with the target
	NeedAnswer       // an HTTP answer
)

// Stage is one step of the path a request takes to a target. The runner
// calls Run when what the stage Needs is there, and otherwise reports its
// Skips as skipped checks with the reason the path stopped. A command is a
// list of stages (Stages); the verdict walks stages in that order.
type Stage struct {
	// Name is the stage as problem codes spell it: dns, tcp, tls, http, clock.
	Name  string
	Needs Need
	// Skips are the ids of the checks the stage reports when it cannot run.
	Skips []string
	// Run probes, reading what earlier stages left in the path and adding
	// its checks and what it learned.
	Run func(ctx context.Context, p *Prober, pt *Path)
}

// Stages is a command's list of stages, in path order.
type Stages []Stage

// The stages of the path, and the lists the commands use.
var (
	// StageDNS resolves the name with the system resolver, as applications
	// do, and names a failure by the configured resolvers' direct answers.
	StageDNS = dnsStage(false)
	// StageDNSViews also asks each configured resolver and the comparison
	// resolvers directly, and compares their answers.
	StageDNSViews = dnsStage(true)
	// StageTCP connects to every address, or opens the tunnel through the
	// route's proxy.
	StageTCP = Stage{Name: "tcp", Needs: NeedAddrs, Skips: []string{CheckTCPConnect}, Run: runTCP}
	// StageTLS runs the handshake and judges the chain (and looks for a
	// captive portal when the TLS answer points to one).
	StageTLS = Stage{Name: "tls", Needs: NeedConn, Skips: []string{CheckTLSHandshake}, Run: runTLS}
	// StageHTTP sends one GET over the TLS session.
	StageHTTP = Stage{Name: "http", Needs: NeedTLS, Skips: []string{CheckHTTPGet}, Run: runHTTP}
	// StageClock compares the local clock with the answer's Date.
	StageClock = Stage{Name: "clock", Needs: NeedAnswer, Run: runClock}
	// StageHost reads what on this PC itself can block the path (Windows
	// Firewall's outbound policy), whatever the path did.
	StageHost = Stage{Name: "host", Run: runHost}
)

// Full returns the stages of `okviz-check check`.
func Full() Stages {
	return Stages{StageDNSViews, StageTCP, StageTLS, StageHTTP, StageClock, StageHost}
}

// connects says whether the list opens connections, so that the route
// matters: DNS-only runs ask this machine's resolvers whatever the proxy
// settings say.
func (st Stages) connects() bool {
	for _, s := range st {
		if s.Needs >= NeedAddrs {
			return true
		}
	}
	return false
}

// order is the verdict's stage order: the proxy (how the route was
// decided, the tunnel), then the list's stages, then the path's other
// stages (a captive portal found by the TLS stage is an http finding).
func (st Stages) order() []string {
	out := []string{"proxy"}
	for _, s := range st {
		out = append(out, s.Name)
	}
	for _, name := range []string{"dns", "tcp", "tls", "http", "clock", "host"} {
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// partialOK is the pass summary of a run whose list ends before HTTP: it
// claims only what was tested; "" when the list reaches HTTP.
func (st Stages) partialOK() string {
	last := ""
	for _, s := range st {
		switch s.Name {
		case "http", "clock":
			return ""
		case "tls", "tcp":
			last = s.Name
		}
	}
	switch last {
	case "tls":
		return "The TLS handshake succeeds with a trusted certificate (HTTP not checked by this command)."
	case "tcp":
		return "The route to the target opens (TLS and HTTP not checked by this command)."
	}
	return "The name resolves to usable addresses (TCP, TLS and HTTP not checked by this command)."
}

// Path is what the stages learn about one target along its route, each
// reading what the earlier ones left.
type Path struct {
	Target Target
	Route  Route
	Checks []Check

	addrs  []net.IP // what the name resolved to (direct route)
	conn   net.Conn // the open connection, until TLS takes it
	addr   string   // where conn goes: an address, or the proxy
	redial func(context.Context) (net.Conn, error)
	tls    TLSResult // the handshake, once TLS ran
	answer *httpAnswer
	// trusted says the answer came over a verified session (for the clock).
	trusted bool

	have  Need     // the furthest input available to the next stage
	why   string   // why the path stopped, for the stages that cannot run
	after []func() // joins run once every stage ran
}

// stop records why the stages after this one have no input.
func (pt *Path) stop(why string) { pt.why = why }

// chain is the served certificate chain, nil when no handshake got that far.
func (pt *Path) chain() []*x509.Certificate { return pt.tls.Chain }

// dnsStage resolves the target and, beside the rest of the path, asks the
// configured resolvers directly, so that a failed lookup is named by their
// answers (a filter's NXDOMAIN is not a timeout); the system check is
// replaced by the refined one once every stage ran. With views it also
// asks the extra and comparison resolvers, settles doubtful disagreements
// by TLS, and adds the dns.servers and dns.compare checks.
func dnsStage(views bool) Stage {
	return Stage{Name: "dns", Run: func(ctx context.Context, p *Prober, pt *Path) {
		if pt.Route.Kind == "proxy" {
			return // the proxy resolves; the direct path is evidence of its own
		}
		t := pt.Target
		direct := !t.IsIP()
		var (
			vs       []DNSView
			addrs    []net.IP
			sys      Check
			done     = make(chan struct{})
			resolved = make(chan struct{})
		)
		// Settling by TLS fits in the DNS stage's own budget: a resolver
		// that answered fast leaves time for a handshake, one that answered
		// at the deadline leaves none.
		deadline := time.Now().Add(p.dnsTimeout())
		var settle func(*DNSView)
		if views {
			settle = func(v *DNSView) {
				<-resolved
				sd, _ := sys.Details.(*DNSSystemDetails)
				if sys.Code != DNSOK || sd == nil {
					return
				}
				if a := parseAddrs(sd.Addresses); doubtful(*v, a, sd.CanonicalName) {
					v.TLS = p.settleByTLS(ctx, t, settleAddr(parseAddrs(v.Addrs)), deadline)
				}
			}
		}
		go func() {
			defer close(done)
			if direct {
				vs = p.dnsViews(ctx, t, !views, settle)
			}
		}()
		start := p.Now()
		addrs, sys = p.dnsSystem(ctx, t)
		sys.DurationMS = p.since(start)
		close(resolved)
		at := len(pt.Checks)
		pt.Checks = append(pt.Checks, sys)
		if sys.Status == StatusFail {
			pt.stop("the name did not resolve")
		} else {
			pt.addrs, pt.have = addrs, NeedAddrs
		}
		pt.after = append(pt.after, func() {
			<-done
			if !direct {
				return
			}
			checks := p.dnsChecks(t, addrs, sys, vs)
			if !views {
				checks = checks[:1] // the refined dns.system only
			}
			rest := append([]Check(nil), pt.Checks[at+1:]...)
			pt.Checks = append(append(pt.Checks[:at], checks...), rest...)
		})
	}}
}

func runTCP(ctx context.Context, p *Prober, pt *Path) {
	t := pt.Target
	var conn net.Conn
	var c Check
	if pt.Route.Kind == "proxy" {
		start := p.Now()
		conn, c = pt.Route.Tunnel(ctx, t.HostPort())
		if c.DurationMS == 0 {
			c.DurationMS = p.since(start)
		}
		pt.addr = pt.Route.Proxy
		pt.redial = func(ctx context.Context) (net.Conn, error) {
			conn, c := pt.Route.Tunnel(ctx, t.HostPort())
			if conn == nil {
				return nil, errors.New(c.Summary)
			}
			return conn, nil
		}
	} else {
		// TLS starts on the first address that connects; the others are
		// still measured (tcp.ipv6_broken), and the check is complete
		// once they ended, before the verdict.
		r := p.startTCP(ctx, pt.addrs, t.Port)
		var addr string
		conn, addr = r.first()
		pt.addr = addr
		pt.redial = func(ctx context.Context) (net.Conn, error) { return p.Dialer.DialContext(ctx, "tcp", addr) }
		if conn == nil {
			c = r.finish(t)
		} else {
			c = Check{ID: CheckTCPConnect, Status: StatusSkip, Summary: "measuring the other addresses"}
			pt.after = append(pt.after, func() {
				for i := range pt.Checks {
					if pt.Checks[i].ID == CheckTCPConnect {
						pt.Checks[i] = r.finish(t)
					}
				}
			})
		}
	}
	pt.Checks = append(pt.Checks, c)
	if conn == nil {
		pt.stop("no connection could be opened")
		return
	}
	pt.conn, pt.have = conn, NeedConn
}

func runTLS(ctx context.Context, p *Prober, pt *Path) {
	t := pt.Target
	tr := p.probeTLS(ctx, t, pt.conn, pt.redial)
	if tr.Conn == nil {
		pt.conn.Close()
	}
	pt.conn = nil
	pt.tls = tr
	pt.Checks = append(pt.Checks, tr.Check)
	if portalSuspect(tr.Check.Code) && pt.addr != "" {
		if ip, _, err := net.SplitHostPort(pt.addr); err == nil && net.ParseIP(ip) != nil {
			if c, ok := p.portalCheck(ctx, t, ip); ok {
				pt.Checks = append(pt.Checks, c)
			}
		}
	}
	if tr.Conn == nil {
		pt.stop("no TLS connection to send the request over")
		return
	}
	pt.have = NeedTLS
}

func runHTTP(ctx context.Context, p *Prober, pt *Path) {
	f := httpFacts{trusted: tlsTrusted(pt.tls.Check), code: pt.tls.Check.Code}
	hc, answer := p.probeHTTP(ctx, pt.Target, pt.tls.Conn, f)
	pt.Checks = append(pt.Checks, hc)
	pt.answer, pt.trusted = answer, f.trusted
	if answer != nil {
		pt.have = NeedAnswer
	}
}

func runHost(ctx context.Context, p *Prober, pt *Path) {
	if p.HostChecks != nil {
		pt.Checks = append(pt.Checks, p.HostChecks(ctx)...)
	}
	if p.DefenderEvents != nil {
		// Read once per run; matched against each target's host and the
		// addresses it resolved to.
		if evs, skip := p.DefenderEvents(ctx); skip != "" {
			pt.Checks = append(pt.Checks, SkipCheck(CheckHostDefender, skip))
		} else {
			pt.Checks = append(pt.Checks, defenderCheck(evs, pt.Target.Host, pt.addrs, pathFailed(pt.Checks)))
		}
	}
}

func runClock(_ context.Context, _ *Prober, pt *Path) {
	if cc, _, ok := clockCheck(pt.answer, pt.trusted); ok {
		pt.Checks = append(pt.Checks, cc)
	}
}

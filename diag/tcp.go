package diag

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"
)

// TCPDetails is the evidence of tcp.connect: every address tried.
type TCPDetails struct {
	Attempts  []TCPAttempt `json:"attempts"`
	Connected string       `json:"connected,omitempty"` // the address the later stages use
	Note      string       `json:"note,omitempty"`      // direct-path evidence beside a proxy route
	Port      int          `json:"port"`
}

func (*TCPDetails) CheckDetails() {}

// TCPAttempt is the outcome of one connection attempt to one address.
type TCPAttempt struct {
	Address string `json:"address"`
	Family  string `json:"family"` // ipv4 or ipv6
	Result  string `json:"result"` // ok, timeout, refused, unreachable, local_firewall, reset, other
	Error   string `json:"error,omitempty"`
	// ICMP is the ICMP error that failed the connect, when the dialer could
	// read it (Windows' TCP_ICMP_ERROR_INFO).
	ICMP       string `json:"icmp,omitempty"`
	DurationMS int64  `json:"duration_ms"`
	conn       net.Conn
}

// probeTCP connects to every address at once and returns the connection
// the later stages would use (see tcpRace.first) with the check, once
// every attempt has ended. The direct-path evidence beside a proxy route
// uses it; the TCP stage runs the race itself, so that TLS need not wait.
func (p *Prober) probeTCP(ctx context.Context, t Target, addrs []net.IP) (net.Conn, string, Check) {
	r := p.startTCP(ctx, addrs, t.Port)
	conn, addr := r.first()
	return conn, addr, r.finish(t)
}

// preferredDelay is how long a connection to a later address waits for
// the addresses before it in resolver order (RFC 8305's Connection Attempt
// Delay): the preferred family wins when both work, as in browsers, and a
// black-holed one costs TLS at most this long, not a timeout.
const preferredDelay = 250 * time.Millisecond

// tcpRace is one connection attempt to every address of a target, all
// started at once and each on its own (no fallback hides a broken family).
// The first address that connects carries the path at once (Happy
// Eyeballs), while the others are still measured within the timeout for
// the check.
type tcpRace struct {
	p        *Prober
	start    time.Time
	attempts []TCPAttempt // an attempt has ended once it has a Result
	results  chan tcpResult
	pending  int
	chosen   int // the attempt whose connection the path uses, or -1
}

type tcpResult struct {
	i int
	a TCPAttempt
}

// startTCP starts one attempt per address.
func (p *Prober) startTCP(ctx context.Context, addrs []net.IP, port int) *tcpRace {
	r := &tcpRace{p: p, start: p.Now(), attempts: make([]TCPAttempt, len(addrs)),
		results: make(chan tcpResult, len(addrs)), pending: len(addrs), chosen: -1}
	for i, ip := range addrs {
		go func() { r.results <- tcpResult{i, p.dialOne(ctx, ip, port)} }()
	}
	return r
}

// receive records the next attempt to end.
func (r *tcpRace) receive(res tcpResult) {
	r.attempts[res.i] = res.a
	r.pending--
}

// first waits for the connection the path uses: the first address in
// resolver order that connected once every address before it has failed,
// or preferredDelay after a later one connected. It returns nil when
// every address failed.
func (r *tcpRace) first() (net.Conn, string) {
	var grace <-chan time.Time
	for {
		ok, decided := -1, true
		for i, a := range r.attempts {
			if a.Result == "ok" {
				ok = i
				break
			}
			decided = decided && a.Result != ""
		}
		switch {
		case ok >= 0 && decided:
			return r.choose(ok)
		case ok >= 0 && grace == nil:
			t := time.NewTimer(preferredDelay)
			defer t.Stop()
			grace = t.C
		case ok < 0 && r.pending == 0:
			return nil, ""
		}
		select {
		case res := <-r.results:
			r.receive(res)
		case <-grace:
			return r.choose(ok)
		}
	}
}

func (r *tcpRace) choose(i int) (net.Conn, string) {
	r.chosen = i
	a := &r.attempts[i]
	conn := a.conn
	a.conn = nil
	return conn, a.Address
}

// finish waits for the attempts still running (each ends within the
// timeout), closes every connection the path does not use, and returns
// the tcp.connect check.
func (r *tcpRace) finish(t Target) Check {
	for r.pending > 0 {
		r.receive(<-r.results)
	}
	chosen := ""
	if r.chosen >= 0 {
		chosen = r.attempts[r.chosen].Address
	}
	for i := range r.attempts {
		if a := &r.attempts[i]; a.conn != nil {
			a.conn.Close()
			a.conn = nil
		}
	}
	c := tcpCheck(t, r.attempts, chosen)
	c.DurationMS = r.p.since(r.start)
	return c
}

func (p *Prober) dialOne(ctx context.Context, ip net.IP, port int) TCPAttempt {
	addr := net.JoinHostPort(ip.String(), strconv.Itoa(port))
	a := TCPAttempt{Address: addr, Family: family(ip)}
	outer := ctx
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	p.logf("tcp: connecting to %s", addr)
	start := p.Now()
	conn, err := p.Dialer.DialContext(ctx, "tcp", addr)
	a.DurationMS = p.since(start)
	if err != nil {
		a.Result = classifyNetErr(err)
		a.Error = err.Error()
		if ie := icmpOf(err); ie != nil {
			a.Result, a.ICMP = failUnreachable, ie.describe()
		}
		// Refused and unreachable fail at once; a re-probe (Windows) can then
		// read which ICMP error it was, at the cost of one more connect. A
		// timeout is not re-probed: the dial already failed on ICMP errors,
		// so none came, and another try would double the wait.
		if a.ICMP == "" && p.ICMPProbe != nil && (a.Result == failRefused || a.Result == failUnreachable) {
			rctx, rcancel := context.WithTimeout(outer, p.Timeout)
			if info := p.ICMPProbe(rctx, ip, port); info != "" {
				a.Result, a.ICMP = failUnreachable, info
			}
			rcancel()
		}
		if ctx.Err() != nil && a.Result == failOther {
			a.Result = failTimeout
		}
	} else {
		a.Result, a.conn = "ok", conn
	}
	p.logf("tcp: %s: %s after %d ms", addr, a.Result, a.DurationMS)
	return a
}

func family(ip net.IP) string {
	if ip.To4() != nil {
		return "ipv4"
	}
	return "ipv6"
}

// tcpCheck turns the attempts into one check. A target is reachable when
// any address works; IPv6 failing where IPv4 works is a warning because
// applications may stall on it before falling back.
func tcpCheck(t Target, attempts []TCPAttempt, chosen string) Check {
	details := &TCPDetails{Attempts: attempts, Port: t.Port, Connected: chosen}
	if chosen != "" {
		var v4ok, v6bad []string
		for _, a := range attempts {
			if a.Family == "ipv4" && a.Result == "ok" {
				v4ok = append(v4ok, a.Address)
			}
			if a.Family == "ipv6" && a.Result != "ok" {
				v6bad = append(v6bad, a.Address)
			}
		}
		if len(v4ok) > 0 && len(v6bad) > 0 {
			return newCheck(CheckTCPConnect, TCPIPv6Broken,
				fmt.Sprintf("IPv4 to %s works but IPv6 fails (%s): applications may wait before falling back.", t.HostPort(), v6bad[0]), details)
		}
		return newCheck(CheckTCPConnect, TCPOK, fmt.Sprintf("TCP to %s opens (%s).", t.HostPort(), chosen), details)
	}
	kind := dominantFailure(attempts)
	code := map[string]Code{
		failTimeout: TCPTimeout, failRefused: TCPRefused, failReset: TCPRefused,
		failUnreachable: TCPUnreachable, failLocal: TCPLocalFirewall,
	}[kind]
	if code == "" {
		code = TCPUnreachable
	}
	if kind != failTimeout && kind != failRefused && kind != failReset && kind != failUnreachable && kind != failLocal {
		// Not one of the kinds the codes name: say what happened.
		return newCheck(CheckTCPConnect, code, fmt.Sprintf("TCP connections to %s fail: %s.", t.HostPort(), firstError(attempts)), details)
	}
	summary := map[Code]string{
		TCPTimeout:       "No answer to TCP connections to %s: a firewall silently drops them.",
		TCPRefused:       "TCP connections to %s are refused (reset): a firewall rejects them or nothing listens.",
		TCPUnreachable:   "TCP connections to %s fail with unreachable / administratively prohibited / no route.",
		TCPLocalFirewall: "The local firewall or security software denied TCP connections to %s.",
	}[code]
	sum := fmt.Sprintf(summary, t.HostPort())
	if code == TCPUnreachable {
		for _, a := range attempts {
			if a.ICMP != "" {
				sum = fmt.Sprintf("TCP connections to %s fail with %s.", t.HostPort(), a.ICMP)
				break
			}
		}
	}
	return newCheck(CheckTCPConnect, code, sum, details)
}

// dominantFailure picks the failure kind to report when every address
// failed: IPv4's kind wins (IPv6 often fails for unrelated routing reasons),
// and among equals the first address's.
func dominantFailure(attempts []TCPAttempt) string {
	for _, fam := range []string{"ipv4", "ipv6"} {
		for _, a := range attempts {
			if a.Family == fam {
				return a.Result
			}
		}
	}
	return failOther
}

func firstError(attempts []TCPAttempt) string {
	for _, a := range attempts {
		if a.Error != "" {
			return a.Error
		}
	}
	return "no address to try"
}

package diag

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
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
	Address    string `json:"address"`
	Family     string `json:"family"` // ipv4 or ipv6
	Result     string `json:"result"` // ok, timeout, refused, unreachable, local_firewall, reset, other
	Error      string `json:"error,omitempty"`
	DurationMS int64  `json:"duration_ms"`
	conn       net.Conn
}

// probeTCP connects to every address at once, each on its own (no Happy
// Eyeballs hiding a broken family), and keeps the first working connection
// in resolver order for the TLS step; the others are closed.
func (p *Prober) probeTCP(ctx context.Context, t Target, addrs []net.IP) (net.Conn, string, Check) {
	start := p.Now()
	attempts := make([]TCPAttempt, len(addrs))
	var wg sync.WaitGroup
	for i, ip := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			attempts[i] = p.dialOne(ctx, ip, t.Port)
		}()
	}
	wg.Wait()

	var conn net.Conn
	var chosen string
	for i := range attempts {
		a := &attempts[i]
		if a.conn == nil {
			continue
		}
		if conn == nil {
			conn, chosen = a.conn, a.Address
		} else {
			a.conn.Close()
		}
		a.conn = nil
	}
	c := tcpCheck(t, attempts, chosen)
	c.DurationMS = p.since(start)
	return conn, chosen, c
}

func (p *Prober) dialOne(ctx context.Context, ip net.IP, port int) TCPAttempt {
	addr := net.JoinHostPort(ip.String(), strconv.Itoa(port))
	a := TCPAttempt{Address: addr, Family: family(ip)}
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	p.logf("tcp: connecting to %s", addr)
	start := p.Now()
	conn, err := p.Dialer.DialContext(ctx, "tcp", addr)
	a.DurationMS = p.since(start)
	if err != nil {
		a.Result = classifyNetErr(err)
		a.Error = err.Error()
		if ctx.Err() != nil && a.Result == failOther {
			a.Result = failTimeout
		}
		return a
	}
	a.Result, a.conn = "ok", conn
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
	return newCheck(CheckTCPConnect, code, fmt.Sprintf(summary, t.HostPort()), details)
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

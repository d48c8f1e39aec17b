package diag

import (
	"context"
	"crypto/x509"
	"net"
	"time"
)

// Dialer opens network connections; net.Dialer satisfies it, and tests
// inject one that drops, resets or stalls.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Route is how traffic for one target leaves this machine, as decided by
// the proxy package (cmd wires it in; diag does not import proxy).
type Route struct {
	Kind   string  // "direct" or "proxy"
	Proxy  string  // the proxy URL, credentials redacted, when Kind is "proxy"
	Checks []Check // discovery evidence: where the route came from, PAC errors
	// Tunnel opens a connection to hostport through the proxy (HTTP CONNECT
	// or SOCKS), following a failover list the way a browser does. The check
	// (id CheckProxyConnect) reports every hop; conn is nil when it failed.
	Tunnel func(ctx context.Context, hostport string) (net.Conn, Check)
	// FellBack marks Checks[0] as a failure the browser recovers from by
	// falling back (a PAC file it could not use): it stays a failure only
	// when the fallback path fails too, and is a warning otherwise.
	FellBack bool
}

// Prober runs the probes. Every field that touches the outside world is
// injected so tests can replace it; the zero value is not usable, see
// NewProber for defaults.
type Prober struct {
	Dialer   Dialer        // direct TCP/UDP connections
	Resolver *net.Resolver // the system resolver, as applications see it
	Now      func() time.Time
	Timeout  time.Duration // bound of each network operation

	Nameservers      []string // resolvers configured on this machine ("ip" or "ip:port")
	ExtraNameservers []string // --dns-server
	Compare          []string // comparison resolvers: "ip", "ip:port" or "https://" DoH URL
	// SearchDomains are this machine's DNS search domains: names under them
	// are the local DNS's own, never sinkholed and never "private for a
	// public name".
	SearchDomains []string
	// NRPT is Windows' Name Resolution Policy Table: a name under one of
	// its namespaces is resolved by that rule's servers, not Nameservers.
	NRPT []NRPTRule

	SystemRoots *x509.CertPool // nil: the OS verifier (what browsers use), plus CAFile roots
	ExtraRoots  *x509.CertPool // --ca-file, added to the system verification
	PublicRoots *x509.CertPool // the public web's roots, for interception detection

	UserAgent  string
	NeutralSNI string // control SNI for the SNI-filtering test

	// Route decides the path for a target; nil means always direct.
	Route func(ctx context.Context, t Target) Route
	// HostChecks reads what on this PC can block the path (Windows Firewall's
	// outbound policy); nil where there is nothing to read (tests, other OSes).
	HostChecks func(ctx context.Context) []Check
	// DefenderEvents reads Defender Network Protection's recent events
	// (Windows), or says why they could not be read; nil where there is
	// nothing to read (tests, other OSes).
	DefenderEvents func(ctx context.Context) ([]DefenderEvent, string)
	// ICMPProbe reconnects once to an address whose connect was refused or
	// unreachable and returns the ICMP error that failed it, or "" (Windows;
	// nil elsewhere and in tests).
	ICMPProbe func(ctx context.Context, ip net.IP, port int) string
	// Logf receives --verbose lines (each connection as it is made); may be nil.
	Logf func(format string, args ...any)
	// Observe hears each target enter each stage and finish (a progress
	// line listens); may be nil. Targets are probed concurrently, so it is
	// called from several goroutines at once.
	Observe func(Event)
}

// Event is one step of the runner: Target (its URL) entered Stage, or,
// with Done, has finished every stage.
type Event struct {
	Target string
	Stage  string
	Done   bool
}

func (p *Prober) observe(e Event) {
	if p.Observe != nil {
		p.Observe(e)
	}
}

// NewProber returns a Prober with real network, system resolver and clock.
func NewProber(timeout time.Duration) *Prober {
	return &Prober{
		Dialer:         newDialer(),
		Resolver:       &net.Resolver{Dial: boundedDial},
		Now:            time.Now,
		Timeout:        timeout,
		UserAgent:      "okviz-check/dev",
		NeutralSNI:     "example.com",
		HostChecks:     hostChecks(),
		DefenderEvents: defenderEvents(),
		ICMPProbe:      newICMPProbe(),
	}
}

func (p *Prober) logf(format string, args ...any) {
	if p.Logf != nil {
		p.Logf(format, args...)
	}
}

// since returns the elapsed milliseconds since start on the prober's clock.
func (p *Prober) since(start time.Time) int64 { return p.Now().Sub(start).Milliseconds() }

// boundedDial is the system resolver's dial (where Go's own resolver runs):
// Go only sets its own deadline on these connections, so a lookup abandoned
// at our deadline would keep reading for resolv.conf's timeout; ending the
// connection with the context makes the lookup end with it.
func boundedDial(ctx context.Context, network, address string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, address)
	if err == nil {
		context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	}
	return c, err
}

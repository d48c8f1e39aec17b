package diag

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/internal/netclass/netclasstest"
)

// fakeDialer answers each address with a scripted error, or dials for real.
type fakeDialer struct {
	errs map[string]error // by host; "block" means wait for the context
	real net.Dialer
}

func (d *fakeDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, _ := net.SplitHostPort(addr)
	if err, ok := d.errs[host]; ok {
		if err == nil {
			<-ctx.Done()
			return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
		}
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	return d.real.DialContext(ctx, network, addr)
}

func tcpProber(d Dialer) *Prober {
	p := NewProber(300 * time.Millisecond)
	p.Dialer = d
	return p
}

func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

func TestProbeTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	openPort := ln.Addr().(*net.TCPAddr).Port
	v4 := net.ParseIP("127.0.0.1")
	v6 := net.ParseIP("fd00:198:18::1")
	unreach := &os.SyscallError{Syscall: "connect", Err: netclasstest.HostUnreach}
	tests := []struct {
		name  string
		port  int
		addrs []net.IP
		errs  map[string]error
		code  Code
		conn  bool
	}{
		{"open", openPort, []net.IP{v4}, nil, "tcp.ok", true},
		{"refused by a reset", closedPort(t), []net.IP{v4}, nil, "tcp.refused", false},
		{"silently dropped", openPort, []net.IP{v4}, map[string]error{"127.0.0.1": nil}, "tcp.timeout", false},
		{"icmp prohibited", openPort, []net.IP{v4}, map[string]error{"127.0.0.1": unreach}, "tcp.unreachable", false},
		{"local firewall", openPort, []net.IP{v4}, map[string]error{"127.0.0.1": &os.SyscallError{Syscall: "connect", Err: netclasstest.LocalFirewall}}, "tcp.local_firewall", false},
		{"ipv6 broken, ipv4 fine", openPort, []net.IP{v6, v4}, map[string]error{"fd00:198:18::1": unreach}, "tcp.ipv6_broken", true},
		{"only ipv6, failing", openPort, []net.IP{v6}, map[string]error{"fd00:198:18::1": unreach}, "tcp.unreachable", false},
		{"ipv4 failure decides over ipv6", openPort, []net.IP{v6, v4}, map[string]error{"fd00:198:18::1": unreach, "127.0.0.1": nil}, "tcp.timeout", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tcpProber(&fakeDialer{errs: tt.errs})
			tg := Target{Host: "okviz.test", Port: tt.port}
			conn, addr, c := p.probeTCP(context.Background(), tg, tt.addrs)
			if conn != nil {
				defer conn.Close()
			}
			if c.Code != tt.code {
				t.Fatalf("code = %s (%s), want %s", c.Code, c.Summary, tt.code)
			}
			if (conn != nil) != tt.conn {
				t.Fatalf("connection = %v, want %v", conn != nil, tt.conn)
			}
			if tt.conn && addr == "" {
				t.Fatal("no chosen address reported")
			}
			if len(c.Details.(*TCPDetails).Attempts) != len(tt.addrs) {
				t.Fatal("every address must be reported")
			}
		})
	}
}

// blackHole is a dialer whose dials never connect: they end with the context.
type blackHole struct{}

func (blackHole) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestProbeTCPConcurrent shows every address is tried at once, so black-holed
// addresses cost one timeout, not one each.
func TestProbeTCPConcurrent(t *testing.T) {
	d := &peakDialer{next: blackHole{}}
	p := tcpProber(d)
	addrs := []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("127.0.0.2"), net.ParseIP("::1")}
	_, _, c := p.probeTCP(context.Background(), Target{Host: "x", Port: 443}, addrs)
	if c.Code != "tcp.timeout" {
		t.Fatalf("code = %s", c.Code)
	}
	if d.peak != len(addrs) {
		t.Fatalf("%d dials in flight at most, want all %d at once", d.peak, len(addrs))
	}
}

func TestClassifyNetErr(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{context.DeadlineExceeded, failTimeout},
		{os.ErrDeadlineExceeded, failTimeout},
		{&os.SyscallError{Err: netclasstest.Refused}, failRefused},
		{&os.SyscallError{Err: netclasstest.Reset}, failReset},
		{&os.SyscallError{Err: netclasstest.NetUnreach}, failUnreachable},
		{errors.New("x: EOF wrapped"), failOther},
	}
	for _, tt := range tests {
		if got := classifyNetErr(tt.err); got != tt.want {
			t.Errorf("classifyNetErr(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

// heldDialer keeps dials to held pending until release is closed or the
// context ends, recording whether release came first; every other address
// is dialled at to (a loopback server).
type heldDialer struct {
	held, to string
	release  <-chan struct{}
	released atomic.Bool
	real     net.Dialer
}

func (d *heldDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if host, _, _ := net.SplitHostPort(addr); host == d.held {
		select {
		case <-d.release:
			d.released.Store(true)
			return nil, &net.OpError{Op: "dial", Net: network, Err: os.ErrDeadlineExceeded}
		case <-ctx.Done():
			return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
		}
	}
	return d.real.DialContext(ctx, network, d.to)
}

// resolvedTo is a DNS stage that hands the path fixed addresses.
func resolvedTo(addrs ...string) Stage {
	return Stage{Name: "dns", Run: func(_ context.Context, _ *Prober, pt *Path) {
		for _, a := range addrs {
			pt.addrs = append(pt.addrs, net.ParseIP(a))
		}
		pt.have = NeedAddrs
	}}
}

// TestTLSStartsOnFirstAddress: a black-holed IPv6 address does not hold
// TLS back. The IPv6 dial is released only by the ClientHello reaching
// the IPv4 server, so the run shows TLS ran while that attempt was still
// pending, and the attempt is still measured for tcp.ipv6_broken.
func TestTLSStartsOnFirstAddress(t *testing.T) {
	ca := certgen.Must(certgen.NewCA("Happy Eyeballs Test CA"))
	leaf := certgen.Must(ca.Leaf([]string{tlsTestHost}))
	hello := make(chan struct{})
	var once sync.Once
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})}
	go srv.Serve(tls.NewListener(ln, &tls.Config{GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
		once.Do(func() { close(hello) })
		return &leaf.TLS, nil
	}}))
	t.Cleanup(func() { srv.Close() })

	d := &heldDialer{held: "2001:db8::10", to: ln.Addr().String(), release: hello}
	p := testProber(time.Now, ca.Pool(), nil, ca.Pool())
	p.Timeout = 5 * time.Second // were TLS held back, the IPv6 dial would end only then, and fail the test
	p.Dialer = d
	res := p.Probe(context.Background(), dnsTarget(t, "https://"+tlsTestHost+"/"),
		Stages{resolvedTo("2001:db8::10", "198.51.100.10"), StageTCP, StageTLS, StageHTTP})

	if !d.released.Load() {
		t.Error("the IPv6 attempt ended before any ClientHello: TLS waited for it")
	}
	tc := checkByID(t, res.Checks, CheckTCPConnect)
	td := tc.Details.(*TCPDetails)
	if tc.Code != TCPIPv6Broken || td.Connected != "198.51.100.10:443" || len(td.Attempts) != 2 || td.Attempts[0].Result != failTimeout {
		t.Errorf("tcp.connect = %s (%s), details %+v", tc.Code, tc.Summary, td)
	}
	if c := checkByID(t, res.Checks, CheckTLSHandshake); c.Code != TLSOK {
		t.Errorf("tls.handshake = %s (%s)", c.Code, c.Summary)
	}
	if res.Verdict.Code != TCPIPv6Broken {
		t.Errorf("verdict %s (%s)\n%s", res.Verdict.Code, res.Verdict.Summary, checkList(res.Checks))
	}
}

// orderedDialer connects every address to one loopback listener; the
// dial to first is answered only after the dial to second connected.
type orderedDialer struct {
	first, second, to string
	secondDone        chan struct{}
	real              net.Dialer
}

func (d *orderedDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, _ := net.SplitHostPort(addr)
	if host == d.first {
		<-d.secondDone
	}
	c, err := d.real.DialContext(ctx, network, d.to)
	if host == d.second {
		close(d.secondDone)
	}
	return c, err
}

// TestProbeTCPPrefersResolverOrder: when both families connect, the path
// takes the resolver's first address even if a later one connected first
// (within preferredDelay), so the same run gives the same address.
func TestProbeTCPPrefersResolverOrder(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	d := &orderedDialer{first: "2001:db8::10", second: "198.51.100.10", to: ln.Addr().String(), secondDone: make(chan struct{})}
	p := tcpProber(d)
	conn, addr, c := p.probeTCP(context.Background(), Target{Host: "x", Port: 443}, []net.IP{net.ParseIP(d.first), net.ParseIP(d.second)})
	if conn == nil {
		t.Fatalf("no connection: %s", c.Summary)
	}
	conn.Close()
	if addr != "[2001:db8::10]:443" || c.Code != TCPOK {
		t.Errorf("chose %s (%s: %s), want the resolver's first address", addr, c.Code, c.Summary)
	}
}

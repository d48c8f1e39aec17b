package diag

import (
	"context"
	"errors"
	"net"
	"os"
	"testing"
	"time"

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

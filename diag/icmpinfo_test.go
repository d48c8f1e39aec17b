package diag

import (
	"context"
	"encoding/binary"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/netclass/netclasstest"
)

// icmpInfoBytes lays out an ICMP_ERROR_INFO as Microsoft documents it
// (ws2ipdef.h; learn.microsoft.com "ICMP_ERROR_INFO structure" and
// "SOCKADDR_INET union"): a 28-byte SOCKADDR_INET (family little-endian,
// port in network order, IPv4 at 4 or flow info then IPv6 at 8, scope id
// at 24), the IPPROTO enum as a 4-byte little-endian int at 28, type at
// 32, code at 33, two bytes of padding.
func icmpInfoBytes(family uint16, addr []byte, proto int32, typ, code uint8) []byte {
	b := make([]byte, icmpErrorInfoLen)
	binary.LittleEndian.PutUint16(b[0:], family)
	binary.BigEndian.PutUint16(b[2:], 443)
	if family == winAFInet {
		copy(b[4:8], addr)
	} else {
		copy(b[8:24], addr)
		binary.LittleEndian.PutUint32(b[24:], 7) // scope id
	}
	binary.LittleEndian.PutUint32(b[28:], uint32(proto))
	b[32], b[33] = typ, code
	return b
}

func TestParseICMPErrorInfo(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want string // "" for an error
	}{
		{"IPv4 administratively prohibited", icmpInfoBytes(winAFInet, []byte{198, 18, 0, 1}, 1, 3, 13), "ICMP type 3 code 13 (administratively prohibited) from 198.18.0.1"},
		{"IPv4 host unreachable", icmpInfoBytes(winAFInet, []byte{10, 0, 0, 254}, 1, 3, 1), "ICMP type 3 code 1 (host unreachable) from 10.0.0.254"},
		{"IPv6 reject route", icmpInfoBytes(winAFInet6, net.ParseIP("fd00:198:18::1"), 58, 1, 6), "ICMPv6 type 1 code 6 (reject route to destination) from fd00:198:18::1"},
		{"unknown code", icmpInfoBytes(winAFInet, []byte{192, 0, 2, 9}, 1, 3, 99), "ICMP type 3 code 99 from 192.0.2.9"},
		{"padding cut", icmpInfoBytes(winAFInet, []byte{192, 0, 2, 9}, 1, 3, 3)[:34], "ICMP type 3 code 3 (port unreachable) from 192.0.2.9"},
		{"too short", make([]byte, 20), ""},
		{"unknown family", icmpInfoBytes(99, nil, 1, 3, 13), ""},
		{"not ICMP", icmpInfoBytes(winAFInet, []byte{192, 0, 2, 9}, 6, 3, 13), ""},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		e, err := parseICMPErrorInfo(tt.b)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("%s: parsed %+v, want an error", tt.name, e)
		case tt.want != "" && (err != nil || e.describe() != tt.want):
			t.Errorf("%s: %v %v, want %q", tt.name, e, err, tt.want)
		}
	}
}

// icmpDialer fails every connect with an ICMP error, as a dialer that
// reads TCP_ICMP_ERROR_INFO reports it.
type icmpDialer struct{ info []byte }

func (d icmpDialer) DialContext(context.Context, string, string) (net.Conn, error) {
	e, err := parseICMPErrorInfo(d.info)
	if err != nil {
		return nil, err
	}
	e.err = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.EHOSTUNREACH}
	return nil, e
}

// TestTCPReportsICMPError: a connect failed by an ICMP error names it in
// tcp.unreachable's summary and in the attempt.
func TestTCPReportsICMPError(t *testing.T) {
	p := &Prober{Dialer: icmpDialer{icmpInfoBytes(winAFInet, []byte{198, 18, 0, 1}, 1, 3, 13)}, Now: time.Now, Timeout: dnsTestTimeout}
	tg := dnsTarget(t, "192.0.2.1")
	_, _, c := p.probeTCP(context.Background(), tg, []net.IP{net.ParseIP("192.0.2.1")})
	want := "ICMP type 3 code 13 (administratively prohibited) from 198.18.0.1"
	if c.Code != TCPUnreachable || !strings.Contains(c.Summary, want) {
		t.Errorf("tcp.connect = %s %q, want tcp.unreachable naming %q", c.Code, c.Summary, want)
	}
	if a := c.Details.(*TCPDetails).Attempts[0]; a.ICMP != want || a.Result != failUnreachable {
		t.Errorf("attempt = %+v", a)
	}
}

// refusingDialer fails every connect the way a reset does.
type refusingDialer struct{}

func (refusingDialer) DialContext(context.Context, string, string) (net.Conn, error) {
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: netclasstest.Refused}}
}

// TestTCPReprobesForICMP: a refused connect is probed once more (Windows'
// raw re-probe, faked here with the parser's own bytes); the ICMP error it
// reads makes it tcp.unreachable naming it. A re-probe that reads nothing
// leaves the refusal as it was.
func TestTCPReprobesForICMP(t *testing.T) {
	info := icmpInfoBytes(winAFInet, []byte{198, 18, 0, 1}, 1, 3, 13)
	var asked []string
	probe := func(ctx context.Context, ip net.IP, port int) string {
		asked = append(asked, net.JoinHostPort(ip.String(), strconv.Itoa(port)))
		if ctx.Err() != nil {
			t.Error("re-probe given an ended context")
		}
		e, err := parseICMPErrorInfo(info)
		if err != nil {
			return ""
		}
		return e.describe()
	}
	p := &Prober{Dialer: refusingDialer{}, Now: time.Now, Timeout: dnsTestTimeout, ICMPProbe: probe}
	tg := dnsTarget(t, "192.0.2.1")
	_, _, c := p.probeTCP(context.Background(), tg, []net.IP{net.ParseIP("192.0.2.1")})
	want := "ICMP type 3 code 13 (administratively prohibited) from 198.18.0.1"
	if c.Code != TCPUnreachable || !strings.Contains(c.Summary, want) || len(asked) != 1 || asked[0] != net.JoinHostPort("192.0.2.1", strconv.Itoa(tg.Port)) {
		t.Errorf("tcp.connect = %s %q (re-probed %v), want tcp.unreachable naming %q", c.Code, c.Summary, asked, want)
	}
	info = nil // the re-probe reads nothing: silence
	if _, _, c := p.probeTCP(context.Background(), tg, []net.IP{net.ParseIP("192.0.2.1")}); c.Code != TCPRefused {
		t.Errorf("nothing read: %s %q", c.Code, c.Summary)
	}
}

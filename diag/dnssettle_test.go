package diag

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/internal/fakedns"
)

// settleHost is a name under the test's search domain: not public, so
// loopback answers are neither sinkholes nor private-address notes, and
// the test can give each resolver its own loopback network.
const settleHost = "api.corp.test"

// tlsOn serves leaf over TLS on ip:port (port 0 picks one) until the test
// ends, completing handshakes and nothing more, and returns the port.
func tlsOn(t *testing.T, ip string, port int, leaf *certgen.Leaf) int {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		// 127.0.0.0/8 is loopback on Linux and Windows; elsewhere only
		// 127.0.0.1 may be configured.
		t.Skipf("cannot listen on %s (this OS configures only part of 127.0.0.0/8): %v", ip, err)
	}
	t.Cleanup(func() { l.Close() })
	tl := tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{leaf.TLS}})
	go func() {
		for {
			c, err := tl.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.(*tls.Conn).Handshake()
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// TestDNSSettledByTLS: the system resolver and another one answer in
// different networks with nothing in common. A handshake with the other
// answer's address, naming the host, settles it: a certificate valid for
// the host means the same service on another node (agree, and the summary
// says so); another certificate, or no handshake, leaves dns.mismatch with
// the proof. Summary, status and the view's agrees_with_system tell one story.
func TestDNSSettledByTLS(t *testing.T) {
	ca := certgen.Must(certgen.NewCA("Settle Test Root"))
	good := certgen.Must(ca.Leaf([]string{settleHost}))
	other := certgen.Must(ca.Leaf([]string{"portal.corp.test"}))
	port := tlsOn(t, "127.0.1.1", 0, good)
	tlsOn(t, "127.0.2.1", port, other)
	// 127.0.3.1: nothing listens, the connection is refused.

	tests := []struct {
		name, addr string
		code       Code
		status     Status
		agrees     bool
		result     string
		summaryHas string
	}{
		{"serves the host", "127.0.1.1", DNSOK, StatusPass, true, settleServes, "same service on another node (settled by TLS)"},
		{"another certificate", "127.0.2.1", DNSMismatch, StatusWarn, false, settleOther, "does not serve " + settleHost},
		{"no handshake", "127.0.3.1", DNSMismatch, StatusWarn, false, settleNone, "TLS could not settle it"},
	}
	for _, role := range []string{roleExtra, roleCompare} {
		for _, tt := range tests {
			t.Run(role+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				sysFS := fakedns.Start(t, map[string]fakedns.Record{settleHost: {A: []string{"127.0.0.1"}}})
				otherFS := fakedns.Start(t, map[string]fakedns.Record{settleHost: {A: []string{tt.addr}}})
				p := dnsTestProber(sysFS, sysFS.Addr)
				p.SearchDomains = []string{"corp.test"}
				p.SystemRoots, p.PublicRoots = ca.Pool(), x509.NewCertPool()
				id := CheckDNSServers
				if role == roleCompare {
					p.Compare, id = []string{otherFS.Addr}, CheckDNSCompare
				} else {
					p.ExtraNameservers = []string{otherFS.Addr}
				}
				checks := p.dnsOnly(context.Background(), dnsTarget(t, net.JoinHostPort(settleHost, strconv.Itoa(port))))
				c := checkByID(t, checks, id)
				if c.Code != tt.code || c.Status != tt.status || !strings.Contains(c.Summary, tt.summaryHas) {
					t.Errorf("%s = %s/%s %q, want %s/%s with %q", id, c.Code, c.Status, c.Summary, tt.code, tt.status, tt.summaryHas)
				}
				var v *DNSView
				for i, w := range viewsOf(t, c) {
					if w.Server == otherFS.Addr {
						v = &viewsOf(t, c)[i]
					}
				}
				if v == nil {
					t.Fatalf("no view of %s in %+v", otherFS.Addr, viewsOf(t, c))
				}
				if v.Agrees != tt.agrees || v.TLS == nil || v.TLS.Result != tt.result || v.TLS.Address != tt.addr {
					t.Errorf("view agrees=%v tls=%+v, want agrees=%v result %s at %s", v.Agrees, v.TLS, tt.agrees, tt.result, tt.addr)
				}
				if dis := c.Details.(*DNSViewsDetails).Disagreeing; (len(dis) > 0) == tt.agrees {
					t.Errorf("disagreeing = %q while the view agrees=%v", dis, tt.agrees)
				}
			})
		}
	}
}

// TestDNSSettleOnlyWhenDoubtful: answers that share a network need no
// handshake, and a sinkholed system answer is never "settled" into
// agreement by the real service's certificate.
func TestDNSSettleOnlyWhenDoubtful(t *testing.T) {
	tests := []struct {
		name string
		v    DNSView
		sys  []string
		want bool
	}{
		{"other network", DNSView{Code: DNSOK, Addrs: []string{"198.51.100.1"}}, []string{"192.0.2.1"}, true},
		{"same /24", DNSView{Code: DNSOK, Addrs: []string{"192.0.2.9"}}, []string{"192.0.2.1"}, false},
		{"same address", DNSView{Code: DNSOK, Addrs: []string{"192.0.2.1"}}, []string{"192.0.2.1"}, false},
		{"through the system's canonical name", DNSView{Code: DNSOK, Addrs: []string{"198.51.100.1"}, CNAMEs: []string{"E.cdn.example"}},
			[]string{"192.0.2.1"}, false},
		{"a filtered answer", DNSView{Code: DNSSinkhole, Addrs: []string{"0.0.0.0"}}, []string{"192.0.2.1"}, false},
		{"no system address", DNSView{Code: DNSOK, Addrs: []string{"198.51.100.1"}}, nil, false},
		{"no answer", DNSView{Code: DNSTimeout}, []string{"192.0.2.1"}, false},
	}
	for _, tt := range tests {
		if got := doubtful(tt.v, parseAddrs(tt.sys), "e.cdn.example"); got != tt.want {
			t.Errorf("%s: doubtful = %v, want %v", tt.name, got, tt.want)
		}
	}
}

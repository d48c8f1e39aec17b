package diag

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/internal/fakedns"
)

// mapDialer sends connections to the addresses in to (a lab-free stand-in
// for a private network: every stand-in listens on 127.0.0.1), dials
// loopback itself (the fake DNS server), and refuses every other address,
// as a host with nothing listening would.
type mapDialer struct {
	net.Dialer
	to map[string]string
}

func (d *mapDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if real, ok := d.to[addr]; ok {
		return d.Dialer.DialContext(ctx, network, real)
	}
	if host, _, err := net.SplitHostPort(addr); err == nil && net.ParseIP(host).IsLoopback() {
		return d.Dialer.DialContext(ctx, network, addr)
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: &netErrno{syscall.ECONNREFUSED}}
}

// netErrno wraps an errno the way the OS returns it in a dial error.
type netErrno struct{ errno syscall.Errno }

func (e *netErrno) Error() string { return "connect: " + e.errno.Error() }
func (e *netErrno) Unwrap() error { return e.errno }

// startHTTPS serves handler over TLS with a leaf for names, signed by ca.
func startHTTPS(t *testing.T, ca *certgen.CA, names []string, handler http.HandlerFunc) string {
	t.Helper()
	leaf := certgen.Must(ca.Leaf(names))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: handler}
	go srv.Serve(tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{leaf.TLS}}))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// TestProbePrivateAddress: a public name that resolves to a private
// address is probed on; the connection decides between a working path, a
// redirect (dns.redirected) and the failing layer's own code.
func TestProbePrivateAddress(t *testing.T) {
	const host = "api.okviz.example"
	ca := certgen.Must(certgen.NewCA("Private Path Root"))
	ok := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }
	service := startHTTPS(t, ca, []string{host}, ok)
	other := startHTTPS(t, ca, []string{"intranet-gateway.example"}, ok)
	// The filter's block page names the host with the company's own CA,
	// which this machine trusts and the public web does not: its answer is
	// not the genuine service's.
	filterCA := certgen.Must(certgen.NewCA("Contoso Web Filter CA"))
	blockPage := startHTTPS(t, filterCA, []string{host}, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte("<html><title>Access denied</title>This site is blocked by the web filter.</html>"))
	})
	tests := []struct {
		name       string
		addr       string // what the DNS answers
		serve      string // who listens at addr:443 ("" = refused)
		verdict    Code
		system     Code
		summaryHas []string // in the verdict's summary
		product    string
	}{
		{name: "split horizon that works", addr: "10.20.30.40", serve: service, verdict: OK, system: DNSOK},
		{name: "Zscaler synthetic address that works", addr: "100.64.3.4", serve: service, verdict: OK, system: DNSOK,
			product: "Zscaler Client Connector (ZPA synthetic address)"},
		{name: "certificate for another name", addr: "10.20.30.41", serve: other, verdict: DNSRedirected, system: DNSRedirected,
			summaryHas: []string{"10.20.30.41", "the DNS server 127.0.0.1", "does not name " + host}},
		{name: "block page on a private address", addr: "192.168.7.7", serve: blockPage, verdict: DNSRedirected, system: DNSRedirected,
			summaryHas: []string{"192.168.7.7", "block page"}},
		{name: "nothing listens", addr: "172.16.9.9", verdict: TCPRefused, system: DNSOK,
			summaryHas: []string{"refused", "resolved to 172.16.9.9: a private address (RFC 1918)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := fakedns.Start(t, map[string]fakedns.Record{host: {A: []string{tt.addr}}})
			p := hostileProber(ca, dnsTestTimeout)
			p.ExtraRoots = ca.Pool()
			p.ExtraRoots.AddCert(filterCA.Cert)
			p.Resolver = fs.Resolver()
			p.Nameservers = []string{fs.Addr}
			to := map[string]string{}
			if tt.serve != "" {
				to[net.JoinHostPort(tt.addr, "443")] = tt.serve
			}
			p.Dialer = &mapDialer{to: to}
			res := p.Probe(context.Background(), dnsTarget(t, "https://"+host+"/"), Full())
			if res.Verdict.Code != tt.verdict {
				t.Fatalf("verdict %s (%s), want %s; checks:\n%s", res.Verdict.Code, res.Verdict.Summary, tt.verdict, checkList(res.Checks))
			}
			for _, s := range tt.summaryHas {
				if !strings.Contains(res.Verdict.Summary, s) {
					t.Errorf("verdict summary %q lacks %q", res.Verdict.Summary, s)
				}
			}
			sys := checkByID(t, res.Checks, CheckDNSSystem)
			if sys.Code != tt.system || sys.Status != Lookup(tt.system).Status {
				t.Errorf("dns.system = %s/%s (%s), want %s", sys.Code, sys.Status, sys.Summary, tt.system)
			}
			d := sys.Details.(*DNSSystemDetails)
			if d.Private == nil || d.Private.Addresses[0] != tt.addr || d.Private.Product != tt.product {
				t.Errorf("private details = %+v, want %s named %q", d.Private, tt.addr, tt.product)
			}
			if !strings.Contains(sys.Summary, tt.addr) {
				t.Errorf("dns.system summary %q does not name %s", sys.Summary, tt.addr)
			}
			for _, c := range res.Checks {
				if c.Code == CodeSkipped && c.ID == CheckTCPConnect {
					t.Errorf("%s skipped although its input exists: %s", c.ID, c.Summary)
				}
			}
			if tt.system == DNSRedirected {
				r := d.Redirected
				if r == nil || r.Address != tt.addr || !strings.Contains(r.Resolver, fs.Addr) || r.Proof == "" {
					t.Errorf("redirect details = %+v", r)
				}
				if !strings.HasPrefix(res.Verdict.Remediation, "DNS team") {
					t.Errorf("remediation %q does not name the DNS team", res.Verdict.Remediation)
				}
			}
		})
	}
}

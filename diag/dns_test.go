package diag

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/internal/fakedns"
	"github.com/okviz/okviz-check/internal/wine"
	"golang.org/x/net/dns/dnsmessage"
)

// dnsTestTimeout bounds each DNS operation in these tests: long enough for
// loopback, short enough that black-hole cases end quickly.
const dnsTestTimeout = 500 * time.Millisecond

// dnsTestProber resolves "as the system" through sys and queries the given
// resolvers directly; everything stays on 127.0.0.1.
// checkResolverAddress runs the resolver parser the probes use on s.
func checkResolverAddress(s string) error {
	_, err := parseDNSServer(s)
	return err
}

// dnsOnly runs what the dns command runs (the StageDNSViews stage list)
// through the runner, as production does, and returns the checks.
func (p *Prober) dnsOnly(ctx context.Context, t Target) []Check {
	return p.Probe(ctx, t, Stages{StageDNSViews}).Checks
}

func dnsTestProber(sys *fakedns.Server, nameservers ...string) *Prober {
	return &Prober{
		Dialer:      loopbackDialer{},
		Resolver:    sys.Resolver(),
		Now:         time.Now,
		Timeout:     dnsTestTimeout,
		Nameservers: nameservers,
		UserAgent:   "okviz-check/test",
	}
}

// loopbackDialer dials loopback addresses only: a test's other addresses
// (documentation ranges in fake answers, which the DNS stage may try to
// settle by TLS) are refused here and never leave the machine.
type loopbackDialer struct{}

func (loopbackDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

func dnsTarget(t testing.TB, host string) Target {
	t.Helper()
	tg, err := ParseTarget(host)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func checkByID(t testing.TB, checks []Check, id string) Check {
	t.Helper()
	for _, c := range checks {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no %s check in %+v", id, checks)
	return Check{}
}

func viewsOf(t testing.TB, c Check) []DNSView {
	t.Helper()
	d, ok := c.Details.(*DNSViewsDetails)
	if !ok {
		t.Fatalf("%s details have no views: %#v", c.ID, c.Details)
	}
	return d.Views
}

// echoLoop answers a query with a packet whose answer name points at
// itself, keeping the query's ID and question.
func echoLoop(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	return loopMsg(binary.BigEndian.Uint16(q))
}

func TestDNSOnlyFakeServer(t *testing.T) {
	ok := fakedns.Record{A: []string{"192.0.2.10"}, AAAA: []string{"2001:db8::10"}}
	tests := []struct {
		name       string
		host       string
		rec        fakedns.Record
		system     Code   // code of dns.system
		servers    Code   // code of dns.servers
		summaryHas string // in dns.system's summary
		check      func(t *testing.T, sys Check, v DNSView, fs *fakedns.Server)
	}{
		{name: "addresses", rec: ok, system: "dns.ok", servers: "dns.ok", summaryHas: "resolves to 192.0.2.10 and 2001:db8::10",
			check: func(t *testing.T, sys Check, v DNSView, _ *fakedns.Server) {
				if !slices.Equal(v.Addrs, []string{"192.0.2.10", "2001:db8::10"}) || v.Rcode != "NOERROR" || v.TTL != 60 || v.Transport != "udp" {
					t.Errorf("view = %+v", v)
				}
				if !v.Agrees {
					t.Error("view does not agree with the system")
				}
			}},
		{name: "CNAME chain", rec: fakedns.Record{CNAME: []string{"edge.cdn.example", "e1.cdn.example"}, A: []string{"192.0.2.11"}, TTL: 45},
			system: "dns.ok", servers: "dns.ok", summaryHas: "(canonical name ",
			check: func(t *testing.T, sys Check, v DNSView, _ *fakedns.Server) {
				// Go's own resolver reports the first CNAME target or the
				// last, depending on the order of the answers it reads.
				if cn := sys.Details.(*DNSSystemDetails).CanonicalName; !slices.Contains(v.CNAMEs, cn) {
					t.Errorf("canonical name %q is not on the chain %q", cn, v.CNAMEs)
				}
				if !slices.Equal(v.CNAMEs, []string{"edge.cdn.example", "e1.cdn.example"}) || v.TTL != 45 {
					t.Errorf("chain, ttl = %q, %d", v.CNAMEs, v.TTL)
				}
			}},
		{name: "NXDOMAIN with SOA", rec: fakedns.Record{Rcode: dns.RcodeNameError, SOA: true},
			system: "dns.nxdomain", servers: "dns.nxdomain", summaryHas: "does not exist (NXDOMAIN)",
			check: func(t *testing.T, sys Check, v DNSView, _ *fakedns.Server) {
				if !v.SOA || v.Rcode != "NXDOMAIN" {
					t.Errorf("view = %+v", v)
				}
			}},
		{name: "NXDOMAIN without SOA", rec: fakedns.Record{Rcode: dns.RcodeNameError},
			system: "dns.nxdomain", servers: "dns.nxdomain", summaryHas: "without the zone's SOA record"},
		{name: "NXDOMAIN with EDE Blocked", rec: fakedns.Record{Rcode: dns.RcodeNameError, SOA: true, EDE: &fakedns.EDE{Code: 15, Text: "policy"}},
			system: "dns.nxdomain", servers: "dns.nxdomain", summaryHas: "extended error Blocked",
			check: func(t *testing.T, sys Check, v DNSView, _ *fakedns.Server) {
				if len(v.ExtendedErrors) != 1 || v.ExtendedErrors[0] != (DNSExtendedError{15, "Blocked", "policy"}) {
					t.Errorf("EDE = %+v", v.ExtendedErrors)
				}
			}},
		{name: "no data", rec: fakedns.Record{SOA: true}, system: "dns.no_address", servers: "dns.no_address", summaryHas: "no A or AAAA record"},
		{name: "SERVFAIL", rec: fakedns.Record{Rcode: dns.RcodeServerFailure}, system: "dns.servfail", servers: "dns.servfail", summaryHas: "(SERVFAIL)"},
		{name: "REFUSED", rec: fakedns.Record{Rcode: dns.RcodeRefused}, system: "dns.refused", servers: "dns.refused", summaryHas: "(REFUSED)"},
		{name: "never answers", rec: fakedns.Record{Drop: true}, system: "dns.timeout", servers: "dns.timeout", summaryHas: "did not answer",
			check: func(t *testing.T, sys Check, v DNSView, _ *fakedns.Server) {
				if v.ErrKind != failTimeout || v.Rcode != "" || v.Err == "" {
					t.Errorf("view = %+v", v)
				}
			}},
		{name: "truncated over UDP", rec: fakedns.Record{A: []string{"192.0.2.12"}, TruncateUDP: true}, system: "dns.ok", servers: "dns.ok",
			check: func(t *testing.T, sys Check, v DNSView, fs *fakedns.Server) {
				if v.Transport != "tcp" || !slices.Equal(v.Addrs, []string{"192.0.2.12"}) {
					t.Errorf("view = %+v", v)
				}
				for _, q := range v.Queries {
					if !q.Truncated || q.Transport != "tcp" {
						t.Errorf("query = %+v, want truncated and retried over TCP", q)
					}
				}
				tcp := 0
				for _, q := range fs.QueriesFor(wireHost) {
					if q.Net == "tcp" {
						tcp++
					}
				}
				if tcp < 2 {
					t.Errorf("the server saw %d TCP queries, want the retries of A and AAAA at least", tcp)
				}
			}},
		{name: "decoys before the answer", rec: fakedns.Record{A: []string{"192.0.2.13"}, Decoys: 3}, system: "dns.ok", servers: "dns.ok",
			check: func(t *testing.T, sys Check, v DNSView, _ *fakedns.Server) {
				for _, q := range v.Queries {
					if q.Ignored != 3 || q.Err != "" {
						t.Errorf("query = %+v, want 3 ignored packets and an answer", q)
					}
				}
				if !slices.Equal(v.Addrs, []string{"192.0.2.13"}) {
					t.Errorf("addrs = %q", v.Addrs)
				}
			}},
		{name: "compression loop", rec: fakedns.Record{Raw: echoLoop}, system: "dns.servfail", servers: "dns.servfail",
			check: func(t *testing.T, sys Check, v DNSView, _ *fakedns.Server) {
				if v.Queries[0].Type != "A" || !strings.Contains(v.Queries[0].Err, "malformed answer") || v.ErrKind != kindMalformed {
					t.Errorf("view = %+v", v)
				}
			}},
		{name: "sinkhole 0.0.0.0", rec: fakedns.Record{A: []string{"0.0.0.0"}, AAAA: []string{"::"}}, system: "dns.sinkhole", servers: "dns.ok",
			summaryHas: "resolves to 0.0.0.0 — a DNS filter sinkholes it",
			check: func(t *testing.T, sys Check, v DNSView, _ *fakedns.Server) {
				if v.Code != "dns.sinkhole" {
					t.Errorf("view code = %s", v.Code)
				}
			}},
		{name: "Umbrella block page", rec: fakedns.Record{A: []string{"146.112.61.106"}}, system: "dns.sinkhole", servers: "dns.ok",
			summaryHas: "a Cisco Umbrella block page"},
		{name: "loopback", rec: fakedns.Record{A: []string{"127.0.0.1"}}, system: "dns.sinkhole", servers: "dns.ok", summaryHas: "127.0.0.1"},
		{name: "private address for a public name", rec: fakedns.Record{A: []string{"10.1.2.3"}, AAAA: []string{"fd00::3"}},
			system: "dns.ok", servers: "dns.ok", summaryHas: "10.1.2.3 is a private address (RFC 1918), usually split-horizon DNS"},
		{name: "localhost is no sinkhole", host: "localhost", rec: fakedns.Record{A: []string{"127.0.0.1"}, AAAA: []string{"::1"}},
			system: "dns.ok", servers: "dns.ok", summaryHas: "resolves to 127.0.0.1"},
		{name: "single label at 0.0.0.0 is its own answer", host: "printer", rec: fakedns.Record{A: []string{"0.0.0.0"}},
			system: "dns.ok", servers: "dns.ok"},
		{name: "private address for an intranet name", host: "portal.corp", rec: fakedns.Record{A: []string{"10.1.2.3"}},
			system: "dns.ok", servers: "dns.ok"},
		{name: "public and private addresses", rec: fakedns.Record{A: []string{"192.0.2.14"}, AAAA: []string{"fd00::14"}},
			system: "dns.ok", servers: "dns.ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			host := tt.host
			if host == "" {
				host = wireHost
			}
			fs := fakedns.Start(t, map[string]fakedns.Record{host: tt.rec})
			p := dnsTestProber(fs, fs.Addr)
			checks := p.dnsOnly(context.Background(), dnsTarget(t, host))
			if len(checks) != 2 {
				t.Fatalf("got %d checks, want dns.system and dns.servers: %+v", len(checks), checks)
			}
			sys, srv := checks[0], checks[1]
			if sys.ID != "dns.system" || srv.ID != "dns.servers" {
				t.Fatalf("check order: %s, %s", sys.ID, srv.ID)
			}
			if sys.Code != tt.system || sys.Status != Lookup(tt.system).Status {
				t.Errorf("dns.system = %s/%s (%s), want %s", sys.Code, sys.Status, sys.Summary, tt.system)
			}
			if srv.Code != tt.servers {
				t.Errorf("dns.servers = %s (%s), want %s", srv.Code, srv.Summary, tt.servers)
			}
			if !strings.Contains(sys.Summary, tt.summaryHas) || !strings.Contains(sys.Summary, host) {
				t.Errorf("summary %q does not name %s and %q", sys.Summary, host, tt.summaryHas)
			}
			if sys.Status != StatusPass && sys.Remediation == "" {
				t.Error("a failing check has no remediation")
			}
			views := viewsOf(t, srv)
			if len(views) != 1 || views[0].Server != fs.Addr || views[0].Role != roleConfigured {
				t.Fatalf("views = %+v", views)
			}
			if tt.check != nil {
				tt.check(t, sys, views[0], fs)
			}
		})
	}
}

func TestDNSAddressLiteral(t *testing.T) {
	fs := fakedns.Start(t, nil)
	p := dnsTestProber(fs, fs.Addr)
	p.Compare = []string{fs.Addr}
	for _, host := range []string{"192.0.2.1", "[2001:db8::1]"} {
		checks := p.dnsOnly(context.Background(), dnsTarget(t, host))
		if len(checks) != 1 || checks[0].ID != "dns.system" || checks[0].Code != "dns.ok" {
			t.Errorf("%s: %+v", host, checks)
		}
	}
	if q := fs.Queries(); len(q) != 0 {
		t.Errorf("address literals caused queries: %+v", q)
	}
}

func TestDNSUnavailable(t *testing.T) {
	fs := fakedns.Start(t, map[string]fakedns.Record{wireHost: {Drop: true}})
	p := dnsTestProber(fs) // no configured resolver
	checks := p.dnsOnly(context.Background(), dnsTarget(t, wireHost))
	if c := checkByID(t, checks, "dns.system"); c.Code != "dns.unavailable" || c.Status != StatusFail {
		t.Errorf("dns.system = %s/%s: %s", c.Code, c.Status, c.Summary)
	}
	if c := checkByID(t, checks, "dns.servers"); c.Status != StatusSkip {
		t.Errorf("dns.servers = %+v, want a skip", c)
	}

	// A definite "no such host" came from somewhere: keep it.
	fs.Set(wireHost, fakedns.Record{Rcode: dns.RcodeNameError, SOA: true})
	if c := checkByID(t, p.dnsOnly(context.Background(), dnsTarget(t, wireHost)), "dns.system"); c.Code != "dns.nxdomain" {
		t.Errorf("dns.system = %s: %s", c.Code, c.Summary)
	}
}

// TestDNSServers has the system resolver ask one fake server while the
// configured list also holds another that answers differently.
func TestDNSServers(t *testing.T) {
	real := fakedns.Record{CNAME: []string{"e1.cdn.example"}, A: []string{"192.0.2.20"}}
	tests := []struct {
		name          string
		sys, other    fakedns.Record
		system        Code
		servers       Code
		summaryHas    string // in the summary of the check that explains it
		explainedByID string
	}{
		{name: "agree", sys: real, other: real, system: "dns.ok", servers: "dns.ok"},
		{name: "CDN rotation through the same name", sys: real,
			other: fakedns.Record{CNAME: []string{"e1.cdn.example"}, A: []string{"192.0.2.21"}}, system: "dns.ok", servers: "dns.ok"},
		{name: "other addresses", sys: real, other: fakedns.Record{A: []string{"203.0.113.5"}},
			system: "dns.ok", servers: "dns.mismatch", summaryHas: "answers 203.0.113.5", explainedByID: "dns.servers"},
		{name: "another address of the same /24, no CNAME", sys: real, other: fakedns.Record{A: []string{"192.0.2.99"}},
			system: "dns.ok", servers: "dns.ok"},
		{name: "one server does not answer", sys: real, other: fakedns.Record{Drop: true},
			system: "dns.ok", servers: "dns.timeout", summaryHas: "did not answer in time for", explainedByID: "dns.servers"},
		{name: "one server says NXDOMAIN", sys: real, other: fakedns.Record{Rcode: dns.RcodeNameError, SOA: true},
			system: "dns.ok", servers: "dns.mismatch", summaryHas: "answers NXDOMAIN", explainedByID: "dns.servers"},
		{name: "one server sinkholes", sys: fakedns.Record{A: []string{"0.0.0.0"}}, other: real,
			system: "dns.sinkhole", servers: "dns.mismatch", summaryHas: "a DNS filter sinkholes it", explainedByID: "dns.system"},
		{name: "system fails, servers answer", sys: fakedns.Record{Rcode: dns.RcodeNameError, SOA: true}, other: real,
			system: "dns.nxdomain", servers: "dns.mismatch", summaryHas: "the local resolver stack", explainedByID: "dns.servers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sysFS := fakedns.Start(t, map[string]fakedns.Record{wireHost: tt.sys})
			otherFS := fakedns.Start(t, map[string]fakedns.Record{wireHost: tt.other})
			p := dnsTestProber(sysFS, sysFS.Addr)
			p.ExtraNameservers = []string{otherFS.Addr}
			checks := p.dnsOnly(context.Background(), dnsTarget(t, wireHost))
			sys, srv := checkByID(t, checks, "dns.system"), checkByID(t, checks, "dns.servers")
			if sys.Code != tt.system || srv.Code != tt.servers {
				t.Fatalf("codes = %s, %s (%s | %s), want %s, %s", sys.Code, srv.Code, sys.Summary, srv.Summary, tt.system, tt.servers)
			}
			if tt.explainedByID != "" {
				if c := checkByID(t, checks, tt.explainedByID); !strings.Contains(c.Summary, tt.summaryHas) {
					t.Errorf("%s summary %q lacks %q", c.ID, c.Summary, tt.summaryHas)
				}
			}
			views := viewsOf(t, srv)
			if len(views) != 2 || views[1].Role != roleExtra || views[1].Server != otherFS.Addr {
				t.Fatalf("views = %+v", views)
			}
			dis := srv.Details.(*DNSViewsDetails).Disagreeing
			if want := tt.servers == "dns.mismatch"; want != slices.Contains(dis, otherFS.Addr) || slices.Contains(dis, sysFS.Addr) {
				t.Errorf("disagreeing = %q", dis)
			}
		})
	}
}

// TestDNSLocalOverride: applications get a sinkhole answer that no DNS
// server gives, as with a hosts-file entry or an endpoint agent.
func TestDNSLocalOverride(t *testing.T) {
	local := fakedns.Start(t, map[string]fakedns.Record{wireHost: {A: []string{"127.0.0.1"}}})
	server := fakedns.Start(t, map[string]fakedns.Record{wireHost: {A: []string{"192.0.2.70"}}})
	p := dnsTestProber(local, server.Addr)
	checks := p.dnsOnly(context.Background(), dnsTarget(t, wireHost))
	sys := checkByID(t, checks, "dns.system")
	want := "api.okviz.example resolves to 127.0.0.1 on this machine while its DNS servers answer 192.0.2.70 — a hosts-file entry or local security software overrides it"
	if sys.Code != "dns.sinkhole" || sys.Summary != want {
		t.Errorf("dns.system = %s %q", sys.Code, sys.Summary)
	}
	if srv := checkByID(t, checks, "dns.servers"); srv.Code != "dns.mismatch" {
		t.Errorf("dns.servers = %s %q", srv.Code, srv.Summary)
	}
}

func TestDNSCompare(t *testing.T) {
	x := fakedns.Record{A: []string{"192.0.2.30"}}
	tests := []struct {
		name       string
		sys, cmp   fakedns.Record
		code       Code
		status     Status
		summaryHas string
	}{
		{name: "same answer", sys: x, cmp: x, code: "dns.ok", status: StatusPass, summaryHas: "agree"},
		{name: "CDN: other addresses through the same name",
			sys:  fakedns.Record{CNAME: []string{"a.cdn.example"}, A: []string{"192.0.2.31"}},
			cmp:  fakedns.Record{CNAME: []string{"a.cdn.example"}, A: []string{"198.51.100.31"}},
			code: "dns.ok", status: StatusPass},
		{name: "other network, no CNAME anywhere", sys: x, cmp: fakedns.Record{A: []string{"198.51.100.32"}},
			code: "dns.mismatch", status: StatusWarn, summaryHas: "answers 198.51.100.32 (TLS could not settle it: no TCP connection to 198.51.100.32:443 (refused)) while this machine gets 192.0.2.30"},
		{name: "CDN rotating within one /24", sys: x, cmp: fakedns.Record{A: []string{"192.0.2.77"}},
			code: "dns.ok", status: StatusPass, summaryHas: "agree"},
		{name: "CDN rotating within one IPv6 /48", sys: fakedns.Record{AAAA: []string{"2001:db8:5:1::1"}},
			cmp: fakedns.Record{AAAA: []string{"2001:db8:5:ffff::9"}}, code: "dns.ok", status: StatusPass, summaryHas: "agree"},
		{name: "neighbouring IPv6 /48s are other networks", sys: fakedns.Record{AAAA: []string{"2001:db8:5::1"}},
			cmp: fakedns.Record{AAAA: []string{"2001:db8:6::1"}}, code: "dns.mismatch", status: StatusWarn},
		{name: "local answer skips the public CNAME", sys: x,
			cmp:  fakedns.Record{CNAME: []string{"e.cdn.example"}, A: []string{"198.51.100.33"}},
			code: "dns.mismatch", status: StatusWarn, summaryHas: "answers 198.51.100.33 (via e.cdn.example) (TLS could not settle it: no TCP connection to 198.51.100.33:443 (refused)) while this machine gets 192.0.2.30"},
		{name: "different CNAME chains",
			sys:  fakedns.Record{CNAME: []string{"x.cdn-a.example"}, A: []string{"192.0.2.34"}},
			cmp:  fakedns.Record{CNAME: []string{"y.cdn-b.example"}, A: []string{"198.51.100.34"}},
			code: "dns.mismatch", status: StatusWarn},
		{name: "NXDOMAIN here, exists publicly", sys: fakedns.Record{Rcode: dns.RcodeNameError}, cmp: x,
			code: "dns.mismatch", status: StatusWarn, summaryHas: "told it does not exist"},
		{name: "sinkhole here, real answer publicly", sys: fakedns.Record{A: []string{"0.0.0.0"}}, cmp: x,
			code: "dns.mismatch", status: StatusWarn},
		{name: "exists here, NXDOMAIN publicly", sys: x, cmp: fakedns.Record{Rcode: dns.RcodeNameError, SOA: true},
			code: "dns.mismatch", status: StatusWarn, summaryHas: "answers NXDOMAIN"},
		{name: "local resolvers fail, public works", sys: fakedns.Record{Rcode: dns.RcodeServerFailure}, cmp: x,
			code: "dns.ok", status: StatusPass, summaryHas: "only the local resolvers fail"},
		{name: "the comparison resolver filters", sys: x, cmp: fakedns.Record{A: []string{"0.0.0.0"}},
			code: "dns.ok", status: StatusInfo, summaryHas: "answers 0.0.0.0: that resolver's own filtering"},
		{name: "comparison resolver unreachable", sys: x, cmp: fakedns.Record{Drop: true},
			code: "dns.ok", status: StatusInfo, summaryHas: "No comparison resolver answered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sysFS := fakedns.Start(t, map[string]fakedns.Record{wireHost: tt.sys})
			cmpFS := fakedns.Start(t, map[string]fakedns.Record{wireHost: tt.cmp})
			p := dnsTestProber(sysFS, sysFS.Addr)
			p.Compare = []string{cmpFS.Addr}
			checks := p.dnsOnly(context.Background(), dnsTarget(t, wireHost))
			if len(checks) != 3 || checks[2].ID != "dns.compare" {
				t.Fatalf("checks = %+v", checks)
			}
			c := checks[2]
			if c.Code != tt.code || c.Status != tt.status || !strings.Contains(c.Summary, tt.summaryHas) {
				t.Errorf("dns.compare = %s/%s %q, want %s/%s with %q", c.Code, c.Status, c.Summary, tt.code, tt.status, tt.summaryHas)
			}
			vs := viewsOf(t, c)
			if len(vs) != 1 || vs[0].Role != roleCompare {
				t.Fatalf("views = %+v", vs)
			}
			// The summary, the status and the view tell one story.
			agrees := strings.Contains(c.Summary, "agree with")
			if vs[0].Agrees != agrees || agrees && c.Status != StatusPass || c.Code == DNSMismatch && vs[0].Agrees {
				t.Errorf("check %s/%s %q but the view says agrees_with_system=%v", c.Code, c.Status, c.Summary, vs[0].Agrees)
			}
		})
	}
}

func TestDNSNoCompareCheckWithoutComparisonResolvers(t *testing.T) {
	fs := fakedns.Start(t, map[string]fakedns.Record{wireHost: {A: []string{"192.0.2.40"}}})
	checks := dnsTestProber(fs, fs.Addr).dnsOnly(context.Background(), dnsTarget(t, wireHost))
	for _, c := range checks {
		if c.ID == "dns.compare" {
			t.Errorf("dns.compare without comparison resolvers: %+v", c)
		}
	}
}

// quietTLSServer is an httptest TLS server that does not log the
// handshakes a test makes fail on purpose.
func quietTLSServer(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// tlsServerWith serves h over TLS with leaf, quietly.
func tlsServerWith(t *testing.T, h http.Handler, leaf *certgen.Leaf) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf.TLS}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// refusingAddr is a loopback UDP port where nothing listens: a query
// there is refused (ICMP port unreachable).
func refusingAddr(t *testing.T) string {
	t.Helper()
	wine.Skip(t, "UDP sockets cannot be opened (WSAIoctl SIO_UDP_CONNRESET fails with WSAEOPNOTSUPP 10045)")
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := c.LocalAddr().String()
	c.Close()
	return addr
}

// TestDNSRefusingResolver: a resolver that refuses the connection has its
// own outcome and code everywhere (dns.unreachable, "refused the
// connection"), never the wording of a timeout.
func TestDNSRefusingResolver(t *testing.T) {
	t.Run("the only resolver", func(t *testing.T) {
		refusing := refusingAddr(t)
		p := &Prober{
			Dialer: &net.Dialer{}, Now: time.Now, Timeout: dnsTestTimeout, Nameservers: []string{refusing},
			Resolver: &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, network, refusing)
			}},
		}
		checks := p.dnsOnly(context.Background(), dnsTarget(t, wireHost))
		sys, srv := checkByID(t, checks, "dns.system"), checkByID(t, checks, "dns.servers")
		if sys.Code != DNSUnreachable || srv.Code != DNSUnreachable {
			t.Fatalf("dns.system %s (%s), dns.servers %s (%s); want dns.unreachable for both", sys.Code, sys.Summary, srv.Code, srv.Summary)
		}
		for _, c := range []Check{sys, srv} {
			if !strings.Contains(c.Summary, "refused the connection") || strings.Contains(c.Summary, "in time") {
				t.Errorf("%s summary %q does not say the connection was refused", c.ID, c.Summary)
			}
		}
		if got := sys.Details.(*DNSSystemDetails).ResolverRcodes[refusing]; got != failRefused {
			t.Errorf("resolver_rcodes[%s] = %q, want %q", refusing, got, failRefused)
		}
		if v := viewsOf(t, srv)[0]; v.Code != DNSUnreachable || v.ErrKind != failRefused || v.Agrees {
			t.Errorf("view = %+v", v)
		}
	})
	t.Run("beside a working one", func(t *testing.T) {
		fs := fakedns.Start(t, map[string]fakedns.Record{wireHost: {A: []string{"192.0.2.80"}}})
		refusing, silent := refusingAddr(t), fakedns.Start(t, map[string]fakedns.Record{wireHost: {Drop: true}})
		p := dnsTestProber(fs, fs.Addr, refusing, silent.Addr)
		srv := checkByID(t, p.dnsOnly(context.Background(), dnsTarget(t, wireHost)), "dns.servers")
		want := "The DNS servers " + refusing + " refused the connection and " + silent.Addr + " did not answer in time for " + wireHost
		if srv.Code != DNSUnreachable || srv.Status != StatusWarn || !strings.HasPrefix(srv.Summary, want) {
			t.Errorf("dns.servers = %s/%s %q, want dns.unreachable/warn starting %q", srv.Code, srv.Status, srv.Summary, want)
		}
	})
}

func TestDNSCompareDoH(t *testing.T) {
	sysFS := fakedns.Start(t, map[string]fakedns.Record{wireHost: {A: []string{"192.0.2.50"}}})
	cmpFS := fakedns.Start(t, map[string]fakedns.Record{wireHost: {CNAME: []string{"e.cdn.example"}, A: []string{"192.0.2.50"}, AAAA: []string{"2001:db8::50"}}})
	doh := quietTLSServer(t, cmpFS)
	forbidden := quietTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "blocked by policy", http.StatusForbidden)
	}))
	failing := quietTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream down", http.StatusServiceUnavailable)
	}))
	roots := x509.NewCertPool()
	roots.AddCert(doh.Certificate())
	roots.AddCert(forbidden.Certificate())
	roots.AddCert(failing.Certificate())
	// A DoH server behind TLS inspection, and one whose certificate names
	// another host (both listen on 127.0.0.1, the URL's host).
	zscaler := certgen.Must(certgen.NewCA("Zscaler Root CA", certgen.Organization("Zscaler Inc.")))
	intercepted := tlsServerWith(t, cmpFS, certgen.Must(zscaler.Leaf([]string{"127.0.0.1"})))
	local := certgen.Must(certgen.NewCA("DoH Test Root"))
	roots.AddCert(local.Cert)
	otherName := tlsServerWith(t, cmpFS, certgen.Must(local.Leaf([]string{"dns.other.example"})))
	withZscaler := roots.Clone()
	withZscaler.AddCert(zscaler.Cert)

	tests := []struct {
		name      string
		url       string
		roots     *x509.CertPool
		kind      string // error kind, "" for an answer
		code      Code   // the view's code, when it got no answer
		status    int    // the view's http_status
		says      string // in the dns.compare summary
		errHas    string // in the view's error
		addrs     []string
		cmpStatus Status
	}{
		{name: "answers", url: doh.URL + "/dns-query", roots: roots, addrs: []string{"192.0.2.50", "2001:db8::50"}, cmpStatus: StatusPass},
		{name: "HTTP 403", url: forbidden.URL + "/dns-query", roots: roots, kind: kindHTTP, code: HTTPBlocked, status: 403, cmpStatus: StatusInfo,
			says: "answered HTTP 403 instead of DNS"},
		{name: "HTTP 503", url: failing.URL + "/dns-query", roots: roots, kind: kindHTTP, code: DNSServFail, status: 503, cmpStatus: StatusInfo},
		{name: "untrusted certificate", url: doh.URL + "/dns-query", roots: x509.NewCertPool(), kind: "tls_untrusted", code: TLSUntrusted, cmpStatus: StatusInfo,
			says: "its certificate is not trusted"},
		{name: "interception this machine does not trust", url: intercepted.URL + "/dns-query", roots: roots, kind: "tls_intercepted", code: TLSIntercepted,
			cmpStatus: StatusInfo, says: "intercepted", errHas: "Zscaler"},
		{name: "certificate for another name", url: otherName.URL + "/dns-query", roots: roots, kind: "tls_hostname_mismatch", code: TLSHostnameMismatch,
			cmpStatus: StatusInfo, says: "for another name"},
		{name: "interception this machine trusts", url: intercepted.URL + "/dns-query", roots: withZscaler,
			addrs: []string{"192.0.2.50", "2001:db8::50"}, cmpStatus: StatusPass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := dnsTestProber(sysFS, sysFS.Addr)
			p.Compare = []string{tt.url}
			p.SystemRoots = tt.roots
			c := checkByID(t, p.dnsOnly(context.Background(), dnsTarget(t, wireHost)), "dns.compare")
			vs := viewsOf(t, c)
			if len(vs) != 1 {
				t.Fatalf("views = %+v", vs)
			}
			v := vs[0]
			if v.Transport != "doh" || v.ErrKind != tt.kind || !slices.Equal(v.Addrs, tt.addrs) && tt.addrs != nil {
				t.Errorf("view = %+v", v)
			}
			if tt.code != "" && (v.Code != tt.code || v.Agrees) || v.HTTPStatus != tt.status || !strings.Contains(v.Err, tt.errHas) {
				t.Errorf("view code %s, http_status %d, agrees %v, error %q; want %s, %d, false, with %q", v.Code, v.HTTPStatus, v.Agrees, v.Err, tt.code, tt.status, tt.errHas)
			}
			if c.Status != tt.cmpStatus || !strings.Contains(c.Summary, tt.says) {
				t.Errorf("dns.compare = %s %q, want %s saying %q", c.Status, c.Summary, tt.cmpStatus, tt.says)
			}
		})
	}
	if n := len(cmpFS.QueriesFor(wireHost)); n < 2 {
		t.Errorf("the DoH server saw %d queries", n)
	}
}

func TestDNSViewsConcurrentAndOrdered(t *testing.T) {
	a := fakedns.Start(t, map[string]fakedns.Record{wireHost: {A: []string{"192.0.2.60"}}})
	b := fakedns.Start(t, map[string]fakedns.Record{wireHost: {Drop: true}})
	c := fakedns.Start(t, map[string]fakedns.Record{wireHost: {A: []string{"192.0.2.61"}}})
	p := dnsTestProber(a, a.Addr, b.Addr, a.Addr) // the duplicate is queried once
	p.ExtraNameservers = []string{c.Addr}
	p.Compare = []string{b.Addr, "not-an-address"}
	views := p.dnsViews(context.Background(), dnsTarget(t, wireHost), false, nil)
	type sr struct {
		server, role string
		code         Code
	}
	var got []sr
	for _, v := range views {
		got = append(got, sr{v.Server, v.Role, v.Code})
	}
	want := []sr{
		{a.Addr, roleConfigured, "dns.ok"}, {b.Addr, roleConfigured, "dns.timeout"},
		{c.Addr, roleExtra, "dns.ok"}, {b.Addr, roleCompare, "dns.timeout"}, {"not-an-address", roleCompare, "dns.timeout"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("views = %+v\nwant %+v", got, want)
	}
	if v := views[4]; v.ErrKind != kindConfig || !strings.Contains(v.Err, "not an IP address") {
		t.Errorf("bad resolver view = %+v", v)
	}
}

func TestDNSViewsCanceled(t *testing.T) {
	fs := fakedns.Start(t, map[string]fakedns.Record{wireHost: {Drop: true}})
	p := dnsTestProber(fs, fs.Addr)
	p.Timeout = time.Hour // only the cancellation can end this
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	views := p.dnsViews(ctx, dnsTarget(t, wireHost), false, nil)
	if len(views) != 1 || views[0].ErrKind != "canceled" {
		t.Errorf("views = %+v", views)
	}
}

func TestDNSViewJSON(t *testing.T) {
	fs := fakedns.Start(t, map[string]fakedns.Record{wireHost: {Rcode: dns.RcodeRefused}})
	views := dnsTestProber(fs, fs.Addr).dnsViews(context.Background(), dnsTarget(t, wireHost), false, nil)
	b, err := json.Marshal(views)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"addresses":[]`, `"cname_chain":[]`, `"extended_errors":[]`, `"rcode":"REFUSED"`, `"role":"configured"`, `"code":"dns.refused"`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s: %s", want, s)
		}
	}
	if strings.Contains(s, "null") {
		t.Errorf("JSON has a null: %s", s)
	}
}

func TestParseDNSServer(t *testing.T) {
	tests := []struct {
		in, addr string // addr "" means an error
	}{
		{"192.0.2.53", "192.0.2.53:53"},
		{"192.0.2.53:5353", "192.0.2.53:5353"},
		{"2001:db8::53", "[2001:db8::53]:53"},
		{"[2001:db8::53]:853", "[2001:db8::53]:853"},
		{"fe80::1%eth0", "[fe80::1%eth0]:53"},
		{"https://doh.example/dns-query", ""}, // DoH: valid, no address
		{"dns.example", ""},
		{"dns.example:53", ""},
		{"192.0.2.53:0", ""},
		{"192.0.2.53:99999", ""},
		{"http://doh.example/dns-query", ""},
		{"https:///dns-query", ""},
		{"", ""},
	}
	for _, tt := range tests {
		s, err := parseDNSServer(tt.in)
		valid := tt.addr != "" || strings.HasPrefix(tt.in, "https://doh.")
		if (err == nil) != valid || s.addr != tt.addr {
			t.Errorf("parseDNSServer(%q) = %+v, %v", tt.in, s, err)
		}
		if (checkResolverAddress(tt.in) == nil) != valid {
			t.Errorf("checkResolverAddress(%q) disagrees", tt.in)
		}
	}
}

func TestSinkholeOf(t *testing.T) {
	tests := []struct {
		addrs   string
		public  bool
		kind    string
		product string
	}{
		{"192.0.2.1", true, "", ""},
		{"0.0.0.0", true, "unspecified", ""},
		{":: 192.0.2.1", true, "unspecified", ""},
		{"::ffff:0.0.0.0", true, "unspecified", ""},
		{"127.0.0.1", true, "loopback", ""},
		{"::1", false, "", ""},
		{"127.0.0.1", false, "", ""},
		{"0.0.0.0", false, "", ""},
		{"146.112.61.104", true, "block_page", "Cisco Umbrella"},
		{"146.112.61.110", true, "block_page", "Cisco Umbrella"},
		{"146.112.61.111", true, "", ""},
		{"94.140.14.35", true, "block_page", "AdGuard DNS"},
		{"10.0.0.1 192.168.1.1", true, "", ""}, // private answers are probed on
		{"169.254.1.1", true, "", ""},
		{"fe80::1 fd00::1", true, "", ""},
		{"10.0.0.1", false, "", ""},
		{"10.0.0.1 192.0.2.1", true, "", ""},
		{"198.18.0.10", true, "", ""}, // the lab range is not a sinkhole
		{"100.64.0.1", true, "", ""},
	}
	for _, tt := range tests {
		var addrs []netip.Addr
		for _, s := range strings.Fields(tt.addrs) {
			addrs = append(addrs, netip.MustParseAddr(s))
		}
		got := sinkholeOf(addrs, tt.public)
		if got.kind != tt.kind || got.product != tt.product {
			t.Errorf("sinkholeOf(%s, public=%v) = %+v, want %s %s", tt.addrs, tt.public, got, tt.kind, tt.product)
		}
	}
}

func TestIsPublicName(t *testing.T) {
	for host, want := range map[string]bool{
		"api.okviz.example": true, "API.OKVIZ.EXAMPLE.": true, "intranet": false, "portal.corp": false,
		"nas.local": false, "router.home.arpa": false, "x.internal": false, "192.0.2.1": false, "::1": false,
		"localhost": false, "app.localhost": false,
		// under a search domain: the local DNS's own name
		"wiki.ad.okviz.example": false, "ad.okviz.example": false, "www.okviz.example": true,
	} {
		if got := isPublicName(host, "ad.okviz.example."); got != want {
			t.Errorf("isPublicName(%q, search ad.okviz.example) = %v", host, got)
		}
	}
}

func BenchmarkParseAnswer(b *testing.B) {
	msg := wireMsg(b, 7, dns.TypeA, 0, []string{
		wireHost + ". 60 IN CNAME a.cdn.example.", "a.cdn.example. 60 IN CNAME b.cdn.example.",
		"b.cdn.example. 20 IN A 192.0.2.1", "b.cdn.example. 20 IN A 192.0.2.2",
	}, nil, func(*dns.OPT) {})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseAnswer(msg, 7, wireHost, dnsmessage.TypeA); err != nil {
			b.Fatal(err)
		}
	}
}

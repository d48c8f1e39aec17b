package diag

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/okviz/okviz-check/internal/fakedns"
)

// Values as VPN clients write them: Tailscale's net/dns/manager_windows.go
// (github.com/tailscale/tailscale, 2020) writes "Name" as the namespaces with
// a leading dot and "GenericDNSServers" as the servers joined by "; ",
// with ConfigOptions 0x8; Add-DnsClientNrptRule writes the same values.
func TestNRPTParse(t *testing.T) {
	if got, want := parseNRPTServers("100.100.100.100; fd7a:115c:a1e0::53"), []string{"100.100.100.100", "fd7a:115c:a1e0::53"}; !slices.Equal(got, want) {
		t.Errorf("servers = %q, want %q", got, want)
	}
	if got := parseNRPTServers(" ;garbage; 10.0.0.1,10.0.0.1 https://x/"); !slices.Equal(got, []string{"10.0.0.1"}) {
		t.Errorf("servers = %q", got)
	}
	rules := []NRPTRule{
		{Namespaces: []string{".example.ts.net", ".corp.example"}, Servers: []string{"100.100.100.100"}, Store: "local"},
		{Namespaces: []string{".eu.corp.example"}, Servers: []string{"10.1.0.53"}, Store: "group policy"},
		{Namespaces: []string{"intranet.okviz.example"}, Servers: []string{"10.2.0.53"}, Store: "local"},
	}
	for _, tt := range []struct {
		host, ns, server string
	}{
		{"git.corp.example", ".corp.example", "100.100.100.100"},
		{"corp.example.", ".corp.example", "100.100.100.100"},
		{"bi.EU.corp.example", ".eu.corp.example", "10.1.0.53"}, // the longest namespace wins
		{"intranet.okviz.example", "intranet.okviz.example", "10.2.0.53"},
		{"www.intranet.okviz.example", "", ""}, // a full name is not a suffix
		{"api.okviz.com", "", ""},
		{"notcorp.example", "", ""},
	} {
		m := nrptFor(rules, tt.host)
		if tt.ns == "" {
			if m != nil {
				t.Errorf("%s: matched %+v", tt.host, m)
			}
			continue
		}
		if m == nil || m.Namespace != tt.ns || m.Servers[0] != tt.server {
			t.Errorf("%s: %+v, want %s via %s", tt.host, m, tt.ns, tt.server)
		}
	}
	if m := nrptFor([]NRPTRule{{Namespaces: []string{"."}, Servers: []string{"127.0.0.1"}}}, "anything.example"); m == nil || m.Namespace != "." {
		t.Errorf("catch-all: %+v", m)
	}
}

// TestNRPTAttribution: a name under an NRPT namespace is resolved by that
// rule's servers; a failed lookup is named by their answer and says so.
func TestNRPTAttribution(t *testing.T) {
	const host = "bi.corp.example"
	system := fakedns.Start(t, map[string]fakedns.Record{host: {Drop: true}})
	adapter := fakedns.Start(t, map[string]fakedns.Record{host: {A: []string{"192.0.2.7"}}})
	vpn := fakedns.Start(t, map[string]fakedns.Record{host: {Rcode: dns.RcodeNameError, SOA: true}})
	p := dnsTestProber(system, adapter.Addr)
	p.NRPT = []NRPTRule{{Namespaces: []string{".corp.example"}, Servers: []string{vpn.Addr}, Store: "group policy"}}
	res := p.Probe(context.Background(), dnsTarget(t, host), Stages{StageDNS})
	sys := checkByID(t, res.Checks, CheckDNSSystem)
	d := sys.Details.(*DNSSystemDetails)
	if sys.Code != DNSNXDomain || d.ResolverRcodes[vpn.Addr] != "NXDOMAIN" || d.ResolverRcodes[adapter.Addr] != "" {
		t.Errorf("dns.system = %s %q, rcodes %v", sys.Code, sys.Summary, d.ResolverRcodes)
	}
	if d.NRPT == nil || d.NRPT.Namespace != ".corp.example" || !strings.Contains(sys.Summary, "NRPT namespace .corp.example") ||
		!slices.Equal(d.ConfiguredResolvers, []string{vpn.Addr}) {
		t.Errorf("dns.system %q, details %+v", sys.Summary, d)
	}
	if len(adapter.QueriesFor(host)) != 0 {
		t.Errorf("the adapter's resolver was asked for a name under the NRPT namespace")
	}
}

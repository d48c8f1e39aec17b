package cmd

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/fakedns"
)

// TestProbeCommandsRefineDNS runs each probing command's own stage list:
// the system lookup times out while the resolver configured on the machine,
// asked directly, says NXDOMAIN without the zone's SOA (a DNS filter's
// answer). Every command names the failure by that answer, not as a
// timeout; only check and dns add the per-resolver checks.
func TestProbeCommandsRefineDNS(t *testing.T) {
	const host = "filtered.okviz.example"
	for name, pc := range probeCommands {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			system := fakedns.Start(t, map[string]fakedns.Record{host: {Drop: true}})
			configured := fakedns.Start(t, map[string]fakedns.Record{host: {Rcode: dns.RcodeNameError}})
			p := &diag.Prober{
				Dialer:      &net.Dialer{}, // nothing is dialled: the name never resolves
				Resolver:    system.Resolver(),
				Now:         time.Now,
				Timeout:     500 * time.Millisecond,
				Nameservers: []string{configured.Addr},
				UserAgent:   "okviz-check/test",
			}
			target, err := diag.ParseTarget(host)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res := p.Probe(ctx, target, pc.stages)
			var sys *diag.Check
			servers := false
			for i, c := range res.Checks {
				switch c.ID {
				case diag.CheckDNSSystem:
					sys = &res.Checks[i]
				case diag.CheckDNSServers:
					servers = true
				}
			}
			if sys == nil {
				t.Fatalf("no dns.system in %+v", res.Checks)
			}
			if sys.Code != diag.DNSNXDomain || !strings.Contains(sys.Summary, "typical of a DNS filter") {
				t.Errorf("dns.system = %s %q, want dns.nxdomain named by %s's answer", sys.Code, sys.Summary, configured.Addr)
			}
			if d, ok := sys.Details.(*diag.DNSSystemDetails); !ok || d.ResolverRcodes[configured.Addr] != "NXDOMAIN" {
				t.Errorf("dns.system details = %#v, want %s's NXDOMAIN", sys.Details, configured.Addr)
			}
			if res.Verdict.Code != diag.DNSNXDomain {
				t.Errorf("verdict = %s %q", res.Verdict.Code, res.Verdict.Summary)
			}
			if want := name == "check" || name == "dns"; servers != want {
				t.Errorf("dns.servers present = %v, want %v", servers, want)
			}
		})
	}
}

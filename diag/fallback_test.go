package diag

import (
	"context"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/internal/certgen"
)

// A PAC file the browser cannot use is a warning when the path it falls
// back to works, and stays the verdict when that path fails too.
func TestProbeFallbackRoute(t *testing.T) {
	ca := certgen.Must(certgen.NewCA("Fallback Root"))
	leaf := certgen.Must(ca.Leaf([]string{"127.0.0.1"}))
	tests := []struct {
		name    string
		addr    func(t *testing.T) string
		status  Status
		summary string
	}{
		{"fallback works", func(t *testing.T) string { return startHealthyOrigin(t, leaf, false).addr }, StatusWarn, "The fallback works"},
		{"fallback fails too", func(t *testing.T) string { return closedAddr(t) }, StatusFail, "The fallback fails too: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := loopbackTarget(t, tt.addr(t), "/")
			p := hostileProber(ca, hostileTimeout)
			pac := newCheck("proxy.route", "proxy.pac_unreachable", "The PAC file http://pac.test/p.pac could not be fetched; browsers fall back to DIRECT.", nil)
			p.Route = func(context.Context, Target) Route {
				return Route{Kind: "direct", Checks: []Check{pac}, FellBack: true}
			}
			res := probeWithin(t, p, tg, Full(), hangLimit(hostileTimeout))
			if res.Verdict.Code != "proxy.pac_unreachable" || res.Verdict.Status != tt.status || res.Status != tt.status {
				t.Fatalf("verdict %s %s, status %s; checks:\n%s", res.Verdict.Code, res.Verdict.Status, res.Status, checkList(res.Checks))
			}
			if c := res.Checks[0]; c.Status != tt.status || !strings.Contains(c.Summary, tt.summary) {
				t.Errorf("route check %s %q, want %s with %q", c.Status, c.Summary, tt.status, tt.summary)
			}
			if tt.status == StatusFail && !strings.Contains(res.Verdict.Summary, "tcp") && !strings.Contains(res.Verdict.Summary, "refused") {
				t.Errorf("the verdict does not name the direct failure: %q", res.Verdict.Summary)
			}
		})
	}
}

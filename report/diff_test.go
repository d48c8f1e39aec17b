package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/diag"
)

// saved writes r as --format json does and reads it back, as a support
// engineer gets it.
func saved(t *testing.T, r *Report) *Report {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, r, FormatJSON, Options{}); err != nil {
		t.Fatal(err)
	}
	back, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func TestDiff(t *testing.T) {
	before := saved(t, fixedReport())
	if got := Diff(before, saved(t, fixedReport())); len(got) != 0 {
		t.Fatalf("the same report differs from itself: %+v", got)
	}
	after := saved(t, fixedReport())
	// The DNS filter was opened: the verdict changes, the skipped checks ran.
	after.Targets[1].Verdict = diag.Verdict{Code: diag.OK, Status: diag.StatusPass}
	after.Targets[1].Checks[0].Code, after.Targets[1].Checks[0].Status = diag.DNSOK, diag.StatusPass
	after.Targets[1].Checks[0].Details.(*diag.DNSSystemDetails).Addresses = []string{"198.18.1.20"}
	// The CDN answers in another order (no change) and a new certificate.
	sys := after.Targets[2].Checks[0].Details.(*diag.DNSSystemDetails)
	sys.Addresses[0], sys.Addresses[1] = sys.Addresses[1], sys.Addresses[0]
	after.Targets[2].Checks[3].Details.(*diag.TLSDetails).Chain[0].SHA256 = "new"
	// A target is gone.
	after.Targets = after.Targets[:3]

	want := []string{
		"https://cdn.okviz.com/ tls.handshake certificate",
		"https://files.okviz.com:8443/  target",
		"https://license.okviz.com/  verdict",
		"https://license.okviz.com/ dns.system check",
		"https://license.okviz.com/ dns.system addresses",
	}
	got := Diff(before, after)
	var keys []string
	for _, c := range got {
		keys = append(keys, c.Target+" "+c.Check+" "+c.What)
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(keys, "\n"), w) {
			t.Errorf("no change %q in:\n%s", w, strings.Join(keys, "\n"))
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d changes, want %d:\n%s", len(got), len(want), strings.Join(keys, "\n"))
	}
	var out bytes.Buffer
	if err := WriteDiff(&out, got); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"https://license.okviz.com/\n",
		"  verdict: dns.nxdomain [fail] → ok [pass]\n",
		"  dns.system addresses: (absent) → 198.18.1.20\n",
		"https://files.okviz.com:8443/\n  target: http.blocked [fail] → (absent)\n",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("the diff lacks %q:\n%s", line, out.String())
		}
	}
}

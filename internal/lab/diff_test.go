package lab_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/lab"
	"github.com/okviz/okviz-check/report"
)

// TestReportDiffLab: the support workflow on real runs. The Direct client
// checks the good origin and saves the report; then its firewall drops
// the origin's TCP (both families, a silent drop as a perimeter firewall
// does) and a second run saves another. okviz-check report diff of the
// two files exits 1 and names the changed verdict and the TCP check's
// new code, in text and in JSON; a report compared with itself exits 0.
func TestReportDiffLab(t *testing.T) {
	lab.Require(t)
	l, bin := startLabCLI(t)
	ctx := ctxTimeout(t, 2*time.Minute)
	dir := t.TempDir()
	before, after := filepath.Join(dir, "before.json"), filepath.Join(dir, "after.json")
	check := func(save string, wantExit int) {
		t.Helper()
		argv := append([]string{bin, "check", lab.HostGood, "--timeout", "2s", "--dns-compare", "none", "-q", "--save", save}, l.TrustArgs()...)
		if res := l.Run(ctx, l.Direct, argv...); res.ExitCode != wantExit {
			t.Fatalf("check --save %s: exit %d, want %d\n%s", filepath.Base(save), res.ExitCode, wantExit, res)
		}
	}
	check(before, 0)
	firewallOrigin(ctx, t, l.Direct, lab.HostGood, "-p", "tcp", "--dport", "443", "-j", "DROP")
	check(after, 1)

	text := l.Run(ctx, l.Direct, bin, "report", "diff", before, after)
	if text.ExitCode != 1 || !strings.Contains(string(text.Stdout), "tcp.timeout") {
		t.Fatalf("report diff: exit %d, want 1 and tcp.timeout named\n%s", text.ExitCode, text)
	}
	js := l.Run(ctx, l.Direct, bin, "report", "diff", before, after, "-o", "json")
	var out struct {
		Changes []report.Change `json:"changes"`
	}
	if err := json.Unmarshal(js.Stdout, &out); err != nil || js.ExitCode != 1 {
		t.Fatalf("report diff -o json: exit %d, %v\n%s", js.ExitCode, err, js)
	}
	seen := map[string]report.Change{}
	for _, c := range out.Changes {
		seen[c.What+" "+c.Check] = c
	}
	if c, ok := seen["verdict "]; !ok || !strings.HasPrefix(c.Old, "ok ") || !strings.HasPrefix(c.New, "tcp.timeout ") {
		t.Errorf("verdict change %+v (found %v), want ok → tcp.timeout", c, ok)
	}
	if c, ok := seen["check tcp.connect"]; !ok || !strings.Contains(c.New, "tcp.timeout") {
		t.Errorf("tcp.connect change %+v (found %v), want its new code tcp.timeout", c, ok)
	}
	if same := l.Run(ctx, l.Direct, bin, "report", "diff", after, after); same.ExitCode != 0 {
		t.Errorf("a report against itself: exit %d, want 0\n%s", same.ExitCode, same)
	}
}

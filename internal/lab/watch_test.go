package lab_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/lab"
	"github.com/okviz/okviz-check/report"
)

// TestWatchLab: with the Direct client's firewall resetting every second
// TCP connection to the good origin (iptables' statistic match, per
// address family), okviz-check watch reports the tcp layer at one half
// with tcp.refused seen from the second run to the last, TLS and HTTP
// counted only in the runs that connected, and exit 1. The counter only
// advances on a new SYN: a run that reused a connection would break the
// alternation.
func TestWatchLab(t *testing.T) {
	lab.Require(t)
	l, bin := startLabCLI(t)
	ctx := ctxTimeout(t, 2*time.Minute)
	firewallOrigin(ctx, t, l.Direct, lab.HostGood, "-p", "tcp", "--syn", "--dport", "443",
		"-m", "statistic", "--mode", "nth", "--every", "2", "--packet", "1", "-j", "REJECT", "--reject-with", "tcp-reset")
	argv := append([]string{bin, "watch", lab.HostGood, "--count", "6", "--interval", "10ms", "-o", "json", "--dns-compare", "none"}, l.TrustArgs()...)
	res := l.Run(ctx, l.Direct, argv...)
	if res.ExitCode != 1 {
		t.Fatalf("exit %d, want 1\n%s", res.ExitCode, res)
	}
	var w report.Watch
	if err := json.Unmarshal(res.Stdout, &w); err != nil || len(w.Targets) != 1 {
		t.Fatalf("not a watch summary: %v\n%s", err, res)
	}
	layers := map[string]report.LayerSummary{}
	for _, ls := range w.Targets[0].Layers {
		layers[ls.Layer] = ls
	}
	tcp := layers["tcp"]
	if w.Runs != 6 || w.Targets[0].Failures != 3 || tcp.Runs != 6 || tcp.Failures != 3 || len(tcp.Codes) != 1 {
		t.Fatalf("runs %d, target failures %d, tcp %+v\n%s", w.Runs, w.Targets[0].Failures, tcp, res)
	}
	if c := tcp.Codes[0]; c.Code != "tcp.refused" || c.Count != 3 || c.FirstRun != 2 || c.LastRun != 6 {
		t.Errorf("tcp code %+v, want tcp.refused in runs 2, 4, 6", c)
	}
	for _, name := range []string{"dns", "tls", "http"} {
		ls := layers[name]
		want := 3 // TLS and HTTP are skipped when TCP failed
		if name == "dns" {
			want = 6
		}
		if ls.Runs != want || ls.Failures != 0 || ls.LatencyMS == nil {
			t.Errorf("%s: %+v, want %d runs without failure", name, ls, want)
		}
	}
}

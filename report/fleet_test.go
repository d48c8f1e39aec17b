package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/okviz/okviz-check/diag"
)

// TestPrometheusParses reads --format prometheus with Prometheus's own
// text-format parser: every family is a gauge with help, and the values say
// what the report says.
func TestPrometheusParses(t *testing.T) {
	r := fixedReport()
	out := render(t, r, FormatPrometheus, Options{})
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(out))
	if err != nil {
		t.Fatalf("Prometheus rejects the output: %v\n%s", err, out)
	}
	for name, f := range families {
		if f.GetHelp() == "" || f.GetType().String() != "GAUGE" {
			t.Errorf("%s: help %q, type %s", name, f.GetHelp(), f.GetType())
		}
	}
	up := map[string]float64{}
	for _, m := range families["okviz_check_target_up"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "target" {
				up[l.GetValue()] = m.GetGauge().GetValue()
			}
		}
	}
	for _, tr := range r.Targets {
		want := 1.0
		if tr.Status == diag.StatusFail {
			want = 0
		}
		if got, ok := up[tr.Target]; !ok || got != want {
			t.Errorf("okviz_check_target_up{target=%q} = %v (present %v), want %v", tr.Target, got, ok, want)
		}
	}
	checks := 0
	for _, tr := range r.Targets {
		checks += len(tr.Checks)
	}
	if n := len(families["okviz_check_check_status"].GetMetric()); n != checks {
		t.Errorf("%d check series, want %d", n, checks)
	}
	if strings.Contains(out, "s3cret") {
		t.Error("a proxy password reached the metrics")
	}
}

// TestPrometheusHostileLabels: label values from the network cannot break
// the format or smuggle a series in.
// TestPrometheusInterrupted: an interrupted run says so in its own gauge,
// so an alert on okviz_check_target_up == 0 can tell "unreachable" from
// "the run was cut short".
func TestPrometheusInterrupted(t *testing.T) {
	for _, interrupted := range []bool{false, true} {
		r := fixedReport()
		r.Interrupted = interrupted
		parser := expfmt.NewTextParser(model.UTF8Validation)
		families, err := parser.TextToMetricFamilies(strings.NewReader(render(t, r, FormatPrometheus, Options{})))
		if err != nil {
			t.Fatal(err)
		}
		m := families["okviz_check_last_run_interrupted"].GetMetric()
		want := 0.0
		if interrupted {
			want = 1
		}
		if len(m) != 1 || m[0].GetGauge().GetValue() != want {
			t.Errorf("interrupted %v: okviz_check_last_run_interrupted %v, want one series of %v", interrupted, m, want)
		}
	}
}

func TestPrometheusHostileLabels(t *testing.T) {
	nasty := "a\"b\\c\nfake_metric 1\x1b[2J\xff"
	r := &Report{Targets: []diag.TargetResult{{Target: nasty, Host: "h", Port: 443, Status: diag.StatusFail, Route: "direct",
		Verdict: diag.Verdict{Code: diag.Code(nasty), Status: diag.StatusFail},
		Checks:  []diag.Check{{ID: nasty, Status: diag.StatusFail, Code: diag.Code(nasty)}}}}}
	out := render(t, r, FormatPrometheus, Options{})
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(out))
	if err != nil {
		t.Fatalf("Prometheus rejects the output: %v\n%s", err, out)
	}
	if _, ok := families["fake_metric"]; ok || strings.Contains(out, "\x1b") {
		t.Errorf("a label value escaped its quotes:\n%s", out)
	}
}

// TestJSONLines: one JSON object per target per line, each with the run's
// context and the target's verdict, credentials masked.
func TestJSONLines(t *testing.T) {
	r := fixedReport()
	out := render(t, r, FormatJSONL, Options{})
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var line struct {
			SchemaVersion int               `json:"schema_version"`
			Tool          Tool              `json:"tool"`
			Target        string            `json:"target"`
			Verdict       diag.Verdict      `json:"verdict"`
			Checks        []json.RawMessage `json:"checks"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %d is not JSON: %v", n+1, err)
		}
		tr := r.Targets[n]
		if line.SchemaVersion != SchemaVersion || line.Tool.Name != "okviz-check" || line.Target != tr.Target ||
			line.Verdict.Code != tr.Verdict.Code || len(line.Checks) != len(tr.Checks) {
			t.Errorf("line %d: %+v", n+1, line)
		}
		n++
	}
	if n != len(r.Targets) {
		t.Errorf("%d lines for %d targets", n, len(r.Targets))
	}
	if bytes.Contains([]byte(out), []byte("s3cret")) {
		t.Error("a proxy password reached the JSON lines")
	}
}

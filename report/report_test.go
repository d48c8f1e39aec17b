package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/diag"
)

func TestOverall(t *testing.T) {
	tr := func(s diag.Status) diag.TargetResult { return diag.TargetResult{Status: s} }
	cases := []struct {
		name    string
		targets []diag.TargetResult
		want    diag.Status
	}{
		{"no targets", nil, diag.StatusPass},
		{"all pass", []diag.TargetResult{tr(diag.StatusPass), tr(diag.StatusPass)}, diag.StatusPass},
		{"warn wins over pass", []diag.TargetResult{tr(diag.StatusPass), tr(diag.StatusWarn)}, diag.StatusWarn},
		{"fail wins over warn", []diag.TargetResult{tr(diag.StatusWarn), tr(diag.StatusFail), tr(diag.StatusPass)}, diag.StatusFail},
		{"fail first", []diag.TargetResult{tr(diag.StatusFail), tr(diag.StatusWarn)}, diag.StatusFail},
		{"info counts as pass", []diag.TargetResult{tr(diag.StatusInfo), tr(diag.StatusPass)}, diag.StatusPass},
		{"unfinished wins over warn", []diag.TargetResult{tr(diag.StatusWarn), tr(diag.StatusSkip), tr(diag.StatusPass)}, diag.StatusSkip},
		{"fail wins over unfinished", []diag.TargetResult{tr(diag.StatusSkip), tr(diag.StatusFail)}, diag.StatusFail},
		{"fixture", fixedReport().Targets, diag.StatusFail},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Overall(tc.targets); got != tc.want {
				t.Errorf("Overall = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	var buf bytes.Buffer
	err := Render(&buf, fixedReport(), "yaml", Options{})
	if err == nil || !strings.Contains(err.Error(), `"yaml"`) {
		t.Errorf("unknown format: err = %v, want one naming the format", err)
	}
	if buf.Len() != 0 {
		t.Errorf("unknown format wrote %q", buf.String())
	}
	if err := Render(&buf, nil, FormatJSON, Options{}); err == nil {
		t.Error("nil report: no error")
	}
	for _, f := range FormatNames() {
		w := &failingWriter{room: 100}
		if err := Render(w, fixedReport(), f, Options{}); !errors.Is(err, errWrite) {
			t.Errorf("%s: write error not returned: %v", f, err)
		}
	}
}

var errWrite = errors.New("disk full")

// failingWriter takes room bytes, then fails like a full disk.
type failingWriter struct{ room int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.room {
		n := w.room
		w.room = 0
		return n, errWrite
	}
	w.room -= len(p)
	return len(p), nil
}

// TestJSONShape checks the contract points a script relies on: arrays are
// [] and details {} even when the caller left them nil, started_at is UTC,
// the version and status are filled in, and the caller's report is unchanged.
func TestJSONShape(t *testing.T) {
	r := &Report{
		Tool:      Tool{Name: "okviz-check", Version: "dev"},
		StartedAt: time.Date(2026, 1, 2, 4, 5, 6, 789e6, time.FixedZone("X", -5*3600)),
		System:    System{OS: "linux", Arch: "arm64"},
		Targets: []diag.TargetResult{{
			Target: "https://api.okviz.com/", Host: "api.okviz.com", Port: 443, Status: diag.StatusWarn, Route: "direct",
			Verdict: diag.Verdict{Code: "clock.skew", Status: diag.StatusWarn, Summary: "s"},
			Checks:  []diag.Check{{ID: "clock", Status: diag.StatusWarn, Code: "clock.skew"}},
		}, {
			Target: "https://b.okviz.com/", Host: "b.okviz.com", Port: 443, Status: diag.StatusPass, Route: "direct",
			Verdict: diag.Verdict{Code: "ok", Status: diag.StatusPass},
		}},
	}
	before := fmtReport(t, r)
	var buf bytes.Buffer
	if err := Render(&buf, r, FormatJSON, Options{}); err != nil {
		t.Fatal(err)
	}
	if after := fmtReport(t, r); after != before {
		t.Errorf("Render changed the caller's report:\n%s\n%s", before, after)
	}
	if !bytes.HasSuffix(buf.Bytes(), []byte("}\n")) {
		t.Errorf("no trailing newline: %q", buf.String())
	}
	out := buf.String()
	for _, want := range []string{
		`"schema_version": 2`, `"started_at": "2026-01-02T09:05:06Z"`, `"status": "warn"`,
		`"sources": []`, `"checks": []`, `"details": {}`, `"commit": ""`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "null") {
		t.Errorf("JSON has null:\n%s", out)
	}
	// It reads back into the same types.
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Status != diag.StatusWarn || len(back.Targets) != 2 || back.Targets[0].Checks[0].Code != "clock.skew" {
		t.Errorf("round trip lost data: %+v", back)
	}
}

func fmtReport(t *testing.T, r *Report) string {
	t.Helper()
	type plain Report // the raw fields, without MarshalJSON's normalising
	b, err := json.Marshal(plain(*r))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestJSONKeepsData: JSON is data, so network strings keep their bytes
// (escaped by the encoder), except that URL credentials are masked.
func TestJSONKeepsData(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, fixedReport(), FormatJSON, Options{}); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	var d *diag.HTTPDetails
	for _, c := range back.Targets[3].Checks {
		if c.ID == diag.CheckHTTPGet {
			d, _ = c.Details.(*diag.HTTPDetails)
		}
	}
	if d == nil {
		t.Fatal("no http.get details read back")
	}
	got := d.Server
	if got != hostileServer {
		t.Errorf("server header = %q, want it kept as %q", got, hostileServer)
	}
	if bytes.ContainsAny(buf.Bytes(), "\x1b\x07\x00") {
		t.Error("JSON output carries raw control bytes")
	}
	if bytes.Contains(buf.Bytes(), []byte("s3cret")) {
		t.Error("JSON output carries a proxy password")
	}
}

// TestFormatsRegistry: every registered format renders an empty report, is
// found whatever the case of its name, has help, a golden file and a place
// in the README's list of formats.
func TestFormatsRegistry(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Formats() {
		if err := Render(&bytes.Buffer{}, &Report{}, f.Name, Options{}); err != nil {
			t.Errorf("%s of an empty report: %v", f.Name, err)
		}
		if g, ok := LookupFormat(strings.ToUpper(f.Name)); !ok || g.Name != f.Name {
			t.Errorf("%s: not found by its upper-case name", f.Name)
		}
		if f.Help == "" {
			t.Errorf("%s: no help line", f.Name)
		}
		if _, err := os.Stat(filepath.Join("testdata", f.Name+".golden")); err != nil {
			t.Errorf("%s: no golden file: %v", f.Name, err)
		}
		if !strings.Contains(string(readme), "`--format "+f.Name+"`") {
			t.Errorf("%s: the README does not document `--format %s`", f.Name, f.Name)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	r := fixedReport()
	for _, f := range FormatNames() {
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				if err := Render(io.Discard, r, f, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestInterruptedRendering: text and Markdown say the run was interrupted
// and count the unfinished target; a finished report says neither.
func TestInterruptedRendering(t *testing.T) {
	r := fixedReport()
	r.Targets = append(r.Targets, diag.TargetResult{
		Target: "https://late.okviz.com/", Host: "late.okviz.com", Port: 443, Status: diag.StatusSkip, Route: "direct",
		Verdict: diag.Verdict{Code: diag.CodeUnfinished, Status: diag.StatusSkip, Summary: "not yet"},
		Checks:  []diag.Check{diag.UnfinishedCheck(diag.CheckTCPConnect)},
	})
	for _, f := range []string{FormatText, FormatMarkdown} {
		plain := render(t, fixedReport(), f, Options{})
		if strings.Contains(plain, "Interrupted") || strings.Contains(plain, "not finished") {
			t.Errorf("%s of a finished run speaks of an interruption:\n%s", f, plain)
		}
		r.Interrupted = false
		if out := render(t, r, f, Options{}); strings.Contains(out, "Interrupted") {
			t.Errorf("%s: Interrupted without the flag", f)
		}
		r.Interrupted = true
		out := render(t, r, f, Options{})
		if !strings.Contains(out, "Interrupted:") || !strings.Contains(out, "1 not finished") || !strings.Contains(out, "unfinished") {
			t.Errorf("%s of an interrupted run:\n%s", f, out)
		}
	}
}

// TestInterruptedJSONLines: each line of an interrupted run says so; a
// finished run's lines do not carry the field.
func TestInterruptedJSONLines(t *testing.T) {
	r := fixedReport()
	if out := render(t, r, FormatJSONL, Options{}); strings.Contains(out, `"interrupted"`) {
		t.Errorf("a finished run's lines mention interrupted")
	}
	r.Interrupted = true
	out := render(t, r, FormatJSONL, Options{})
	if n := strings.Count(out, `"interrupted":true`); n != len(r.Targets) {
		t.Errorf("%d of %d lines say interrupted", n, len(r.Targets))
	}
}

package cmd

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/diag"
)

func TestShowProgress(t *testing.T) {
	env := func(ci string) func(string) string {
		return func(k string) string {
			if k == "CI" {
				return ci
			}
			return ""
		}
	}
	cases := []struct {
		mode                 string
		tty                  bool
		ci                   string
		quiet, verbose, want bool
	}{
		{"auto", true, "", false, false, true},
		{"auto", false, "", false, false, false},    // a pipe or a file
		{"auto", true, "true", false, false, false}, // CI
		{"auto", true, "1", false, false, false},    // CI, any value
		{"auto", true, "", true, false, false},      // -q
		{"auto", true, "", false, true, false},      // -v logs on stderr
		{"always", false, "true", true, true, true}, // asked for
		{"never", true, "", false, false, false},
	}
	for _, c := range cases {
		if got := showProgress(c.mode, c.tty, env(c.ci), c.quiet, c.verbose); got != c.want {
			t.Errorf("showProgress(%s, tty %v, CI=%q, quiet %v, verbose %v) = %v, want %v", c.mode, c.tty, c.ci, c.quiet, c.verbose, got, c.want)
		}
	}
}

// TestProgressLine: the line names each unfinished target's stage, is
// redrawn in place, and is blanked by stop; nothing is written after.
func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := startProgress(&buf, 0)
	a, b := "https://api.okviz.com/", "https://files.okviz.com:8443/"
	p.observe(diag.Event{Target: a, Stage: "dns"})
	p.observe(diag.Event{Target: b, Stage: "dns"})
	p.observe(diag.Event{Target: a, Stage: "tls"})
	p.observe(diag.Event{Target: b, Done: true})
	out := buf.String()
	for _, want := range []string{"api.okviz.com dns · files.okviz.com:8443 dns", "api.okviz.com tls (1 done)"} {
		if !strings.Contains(out, want) {
			t.Errorf("line never showed %q:\n%q", want, out)
		}
	}
	if strings.Contains(out, "\n") {
		t.Errorf("the line must be redrawn in place, not scrolled: %q", out)
	}
	p.stop()
	out = buf.String()
	last := out[strings.LastIndex(out[:len(out)-1], "\r"):]
	if strings.Trim(last, "\r ") != "" || !strings.HasSuffix(out, "\r") {
		t.Errorf("stop does not blank the line: ends %q", last)
	}
	n := buf.Len()
	p.observe(diag.Event{Target: a, Stage: "http"})
	if buf.Len() != n {
		t.Errorf("wrote after stop: %q", buf.String()[n:])
	}
}

// TestProgressDelay: with a delay, a run over before it shows nothing.
func TestProgressDelay(t *testing.T) {
	var buf bytes.Buffer
	p := startProgress(&buf, time.Hour)
	p.observe(diag.Event{Target: "https://a.example/", Stage: "dns"})
	p.stop()
	if buf.Len() != 0 {
		t.Errorf("a run shorter than the delay drew %q", buf.String())
	}
}

// TestProgressCommand: through the command line, --progress always (and
// OKVIZ_CHECK_PROGRESS=always) writes the stages of a real run to stderr
// and blanks the line before the report; auto on a pipe writes nothing.
func TestProgressCommand(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // refused: a quick run that passes dns and fails in tcp
	target := fmt.Sprintf("127.0.0.1:%d", port)
	run := func(vars map[string]string, args ...string) string {
		var stdout, stderr bytes.Buffer
		env := testEnv(&stdout, &stderr)
		vars["OKVIZ_CHECK_DNS_COMPARE"] = "none"
		env.Getenv = func(k string) string { return vars[k] }
		code := Main(t.Context(), append([]string{"check", "--no-proxy", target}, args...), env, Build{Version: "t"})
		if code != ExitUnreachable {
			t.Fatalf("exit %d; stderr %s", code, stderr.String())
		}
		return stderr.String()
	}
	for name, out := range map[string]string{
		"--progress always":            run(map[string]string{}, "--progress", "always"),
		"OKVIZ_CHECK_PROGRESS=always":  run(map[string]string{"OKVIZ_CHECK_PROGRESS": "always"}),
		"--progress ALWAYS (any case)": run(map[string]string{}, "--progress", "ALWAYS"),
	} {
		if !strings.Contains(out, "okviz-check: ") || !strings.Contains(out, target+" tcp") {
			t.Errorf("%s: no stage on stderr: %q", name, out)
		}
		if !strings.HasSuffix(out, "\r") || strings.Contains(out, "\n") {
			t.Errorf("%s: the line is not blanked at the end: %q", name, out)
		}
	}
	if out := run(map[string]string{}); out != "" {
		t.Errorf("auto on a pipe wrote %q", out)
	}
	if out := run(map[string]string{"OKVIZ_CHECK_PROGRESS": "always"}, "--progress", "never"); out != "" {
		t.Errorf("--progress never (over the environment's always) wrote %q", out)
	}
}

package cmd

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/report"
)

// flakyOrigin is a loopback HTTPS origin that resets the connection of
// every second request (2nd, 4th, …) instead of answering. It records each
// request's client address and whether its TLS session was resumed, and
// calls onRequest (if set) with the request's number.
type flakyOrigin struct {
	url, caFile string
	mu          sync.Mutex
	n           int
	remotes     map[string]bool
	resumed     int
	onRequest   func(n int)
}

func newFlakyOrigin(t *testing.T) *flakyOrigin {
	t.Helper()
	ca := certgen.Must(certgen.NewCA("Flaky Test Root CA"))
	leaf := certgen.Must(ca.Leaf([]string{"127.0.0.1"}))
	f := &flakyOrigin{caFile: filepath.Join(t.TempDir(), "ca.pem"), remotes: map[string]bool{}}
	if err := os.WriteFile(f.caFile, ca.CertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.n++
		n := f.n
		f.remotes[r.RemoteAddr] = true
		if r.TLS != nil && r.TLS.DidResume {
			f.resumed++
		}
		hook := f.onRequest
		f.mu.Unlock()
		if hook != nil {
			hook(n)
		}
		if n%2 == 0 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			if tc, ok := conn.(*tls.Conn); ok {
				if raw, ok := tc.NetConn().(*net.TCPConn); ok {
					raw.SetLinger(0) // close with RST
				}
			}
			conn.Close()
			return
		}
		w.Write([]byte("ok"))
	}))
	// HTTP/1.1 only, so the handler can take the connection over; session
	// tickets stay on (the default): the client must not use them.
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, NextProtos: []string{"http/1.1"}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	f.url = srv.URL + "/"
	return f
}

func (f *flakyOrigin) requests() (n, remotes, resumed int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n, len(f.remotes), f.resumed
}

func runWatchMain(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(ctx, append([]string{"watch", "--no-proxy", "--interval", "1ms"}, args...), testEnv(&out, &errb), Build{Version: "0.0.0-test"})
	return code, out.String(), errb.String()
}

// TestWatchFlaky: against an origin that resets every second request, the
// http layer's success rate is one half, its one failure code is seen in
// the even runs, the other layers never fail, and the exit status follows
// --max-failure-rate. Every run makes a new connection with a full
// handshake.
func TestWatchFlaky(t *testing.T) {
	f := newFlakyOrigin(t)
	code, stdout, stderr := runWatchMain(context.Background(), "--count", "6", "-o", "json", "--ca-file", f.caFile, "--public-roots", f.caFile, f.url)
	if code != ExitUnreachable {
		t.Fatalf("exit %d, want 1 (any failure with the default --max-failure-rate 0); stderr: %s", code, stderr)
	}
	var w report.Watch
	if err := json.Unmarshal([]byte(stdout), &w); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if w.Runs != 6 || len(w.RunVerdicts) != 6 || len(w.Targets) != 1 || w.Interrupted || w.Status != "fail" {
		t.Fatalf("watch: %d runs, %d run verdicts, %d targets, interrupted %v, status %s", w.Runs, len(w.RunVerdicts), len(w.Targets), w.Interrupted, w.Status)
	}
	ts := w.Targets[0]
	if ts.Runs != 6 || ts.Failures != 3 || ts.FailureRate != 0.5 {
		t.Errorf("target: %d runs, %d failures, rate %v; want 6, 3, 0.5", ts.Runs, ts.Failures, ts.FailureRate)
	}
	layers := map[string]report.LayerSummary{}
	for _, l := range ts.Layers {
		layers[l.Layer] = l
	}
	for _, name := range []string{"dns", "tcp", "tls"} {
		if l := layers[name]; l.Runs != 6 || l.Failures != 0 || l.SuccessRate != 1 || l.LatencyMS == nil {
			t.Errorf("%s: %+v", name, l)
		}
	}
	h := layers["http"]
	if h.Runs != 6 || h.Failures != 3 || h.SuccessRate != 0.5 || len(h.Codes) != 1 {
		t.Fatalf("http: %+v", h)
	}
	c := h.Codes[0]
	if c.Status != "fail" || c.Count != 3 || c.FirstRun != 2 || c.LastRun != 6 || c.LastSeen.Before(c.FirstSeen) {
		t.Errorf("http code: %+v", c)
	}
	for i, rv := range w.RunVerdicts {
		failed := rv.Targets[0].Status == "fail"
		if failed != (i%2 == 1) || failed && rv.Targets[0].Verdict.Code != c.Code {
			t.Errorf("run %d: %+v", rv.Run, rv.Targets[0])
		}
	}
	n, remotes, resumed := f.requests()
	if n != 6 || remotes != 6 || resumed != 0 {
		t.Errorf("%d requests from %d client connections, %d resumed TLS sessions; want 6 new connections, none resumed", n, remotes, resumed)
	}

	// A failure rate of one half passes a limit of 50%, not one of 0.49.
	f2 := newFlakyOrigin(t)
	if code, _, stderr := runWatchMain(context.Background(), "--count", "4", "-q", "--max-failure-rate", "50%", "--ca-file", f2.caFile, "--public-roots", f2.caFile, f2.url); code != ExitOK {
		t.Errorf("--max-failure-rate 50%%: exit %d; %s", code, stderr)
	}
	f3 := newFlakyOrigin(t)
	code, stdout, _ = runWatchMain(context.Background(), "--count", "4", "--max-failure-rate", "0.49", "--ca-file", f3.caFile, "--public-roots", f3.caFile, f3.url)
	if code != ExitUnreachable || !strings.Contains(stdout, "2 of 4 runs failed (50%)") || !strings.Contains(stdout, "run 4/4") {
		t.Errorf("--max-failure-rate 0.49: exit %d\n%s", code, stdout)
	}
}

// TestWatchJSONL: -o jsonl is one line per target per run, each the jsonl
// format's line of that run.
func TestWatchJSONL(t *testing.T) {
	f := newFlakyOrigin(t)
	code, stdout, stderr := runWatchMain(context.Background(), "--count", "3", "-o", "jsonl", "--ca-file", f.caFile, "--public-roots", f.caFile, f.url, "https://127.0.0.1:1/")
	if code != ExitUnreachable {
		t.Fatalf("exit %d; %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines, want 2 targets × 3 runs:\n%s", len(lines), stdout)
	}
	for _, l := range lines {
		var v struct {
			Target string `json:"target"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil || v.Target == "" || v.Status == "" {
			t.Errorf("line %q: %v", l, err)
		}
	}
}

// TestWatchInterrupted: Ctrl-C during the third run ends the watch with
// the summary of the two runs that finished (the cut run is left out)
// and exit 130.
func TestWatchInterrupted(t *testing.T) {
	f := newFlakyOrigin(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.onRequest = func(n int) {
		if n == 3 {
			cancel()
		}
	}
	code, stdout, stderr := runWatchMain(ctx, "--count", "10", "-o", "json", "--ca-file", f.caFile, "--public-roots", f.caFile, f.url)
	if code != ExitInterrupted || !strings.Contains(stderr, "interrupted") {
		t.Fatalf("exit %d, stderr %q; want 130", code, stderr)
	}
	var w report.Watch
	if err := json.Unmarshal([]byte(stdout), &w); err != nil {
		t.Fatalf("no summary: %v\n%s", err, stdout)
	}
	if !w.Interrupted || w.Runs != 2 || w.Targets[0].Failures != 1 {
		t.Errorf("interrupted watch: %+v", w)
	}
}

// TestWatchDuration: --duration stops starting runs once it is over; the
// first run always happens.
func TestWatchDuration(t *testing.T) {
	f := newFlakyOrigin(t)
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"watch", "--no-proxy", "--interval", "1h", "--duration", "1ms", "-o", "json", "--ca-file", f.caFile, "--public-roots", f.caFile, f.url}, testEnv(&out, &errb), Build{Version: "t"})
	var w report.Watch
	if err := json.Unmarshal(out.Bytes(), &w); err != nil || code != ExitOK || w.Runs != 1 {
		t.Errorf("exit %d, %v, runs %d; stderr %s", code, err, w.Runs, errb.String())
	}
}

// TestWatchUsage: bad limits and formats are usage errors before anything
// is probed.
func TestWatchUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--interval", "0"}, "must be greater than zero"},
		{[]string{"--interval", "-5s"}, "must be greater than zero"},
		{[]string{"--interval", "soon"}, "not a duration"},
		{[]string{"--interval", "9999h"}, "at most a week"},
		{[]string{"--duration", "0s"}, "must be greater than zero"},
		{[]string{"--count", "0"}, "--count 0: must be at least 1"},
		{[]string{"--count", "-1"}, "must be at least 1"},
		{[]string{"--count", "three"}, "--count"},
		{[]string{"--count", "3", "--duration", "1m"}, "cannot both be set"},
		{[]string{"--max-failure-rate", "2"}, "between 0 and 1"},
		{[]string{"--max-failure-rate", "150%"}, "between 0 and 1"},
		{[]string{"--max-failure-rate", "-0.1"}, "between 0 and 1"},
		{[]string{"--max-failure-rate", "NaN"}, "not a rate"},
		{[]string{"-o", "markdown"}, "watch prints text, json, jsonl, not markdown"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		// A target nothing may contact: a usage error must come first.
		code := Main(context.Background(), append(append([]string{"watch"}, tt.args...), "never..probed"), testEnv(&out, &errb), Build{Version: "t"})
		if code != ExitUsage || !strings.Contains(errb.String(), tt.want) || out.Len() != 0 {
			t.Errorf("watch %v: exit %d, stderr %q, stdout %q; want 2 and %q", tt.args, code, errb.String(), out.String(), tt.want)
		}
	}
}

// TestWatchDurationClock: runs that take longer than the interval push the
// schedule back; --duration still ends the watch by the clock. Here every
// reading of the clock is a minute later, so the first run alone takes
// longer than the whole --duration.
func TestWatchDurationClock(t *testing.T) {
	f := newFlakyOrigin(t)
	var mu sync.Mutex
	clock := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	var out, errb bytes.Buffer
	env := testEnv(&out, &errb)
	env.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Minute)
		return clock
	}
	code := Main(context.Background(), []string{"watch", "--no-proxy", "--interval", "10s", "--duration", "1m", "-o", "json", "--ca-file", f.caFile, "--public-roots", f.caFile, f.url}, env, Build{Version: "t"})
	var w report.Watch
	if err := json.Unmarshal(out.Bytes(), &w); err != nil || code != ExitOK || w.Runs != 1 {
		t.Errorf("exit %d, %v, %d runs; want one run (the schedule alone would allow six); stderr %s", code, err, w.Runs, errb.String())
	}
}

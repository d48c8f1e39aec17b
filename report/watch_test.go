package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/diag"
)

func TestPercentile(t *testing.T) {
	tests := []struct {
		values []int64
		p      float64
		want   int64
	}{
		{nil, 50, 0},
		{[]int64{7}, 50, 7},
		{[]int64{7}, 95, 7},
		{[]int64{7}, 100, 7},
		{[]int64{3, 1, 2}, 50, 2},    // unsorted input
		{[]int64{1, 2, 3, 4}, 50, 2}, // nearest rank: ceil(0.5*4) = 2nd
		{[]int64{1, 2, 3, 4}, 75, 3},
		{[]int64{1, 2, 3, 4}, 100, 4},
		{[]int64{1, 2, 3, 4}, 0, 1}, // rank 0 is the smallest
		// 20 values 1..20: p95 is the 19th, p50 the 10th.
		{[]int64{20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 95, 19},
		{[]int64{20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 50, 10},
		// One outlier among ten: p95 sees it (rank 10), p50 does not.
		{[]int64{5, 5, 5, 5, 5, 5, 5, 5, 5, 900}, 95, 900},
		{[]int64{5, 5, 5, 5, 5, 5, 5, 5, 5, 900}, 50, 5},
		// Among 21, the outlier is above p95 (rank 20).
		{[]int64{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 900}, 95, 5},
	}
	for _, tt := range tests {
		in := append([]int64(nil), tt.values...)
		if got := Percentile(tt.values, tt.p); got != tt.want {
			t.Errorf("Percentile(%v, %v) = %d, want %d", tt.values, tt.p, got, tt.want)
		}
		for i := range in {
			if in[i] != tt.values[i] {
				t.Fatalf("Percentile sorted its input")
			}
		}
	}
}

// watchTarget is one target's result in one run: TCP, TLS and HTTP with
// the given HTTP outcome.
func watchTarget(httpCode diag.Code, tlsMS int64) diag.TargetResult {
	httpStatus := diag.Lookup(httpCode).Status
	status := httpStatus
	return diag.TargetResult{Target: "https://a.example/", Status: status, Route: "direct",
		Verdict: diag.Verdict{Code: httpCode, Status: status},
		Checks: []diag.Check{
			{ID: diag.CheckProxyRoute, Status: diag.StatusPass, Code: diag.ProxyNone},
			{ID: diag.CheckDNSSystem, Status: diag.StatusPass, Code: diag.DNSOK, DurationMS: 2},
			{ID: diag.CheckDNSCompare, Status: diag.StatusWarn, Code: diag.DNSMismatch, DurationMS: 900},
			{ID: diag.CheckTCPConnect, Status: diag.StatusPass, Code: diag.TCPOK, DurationMS: 1},
			{ID: "direct.tcp.connect", Status: diag.StatusFail, Code: diag.TCPTimeout}, // evidence of another path: not the tcp layer
			{ID: diag.CheckTLSHandshake, Status: diag.StatusPass, Code: diag.TLSOK, DurationMS: tlsMS},
			{ID: diag.CheckHTTPGet, Status: httpStatus, Code: httpCode, DurationMS: 4},
		}}
}

func TestSummarize(t *testing.T) {
	at := func(i int) time.Time { return time.Date(2026, 12, 2, 8, 0, i, 0, time.UTC) }
	refused := diag.TargetResult{Target: "https://a.example/", Status: diag.StatusFail, Route: "direct",
		Verdict: diag.Verdict{Code: diag.TCPRefused, Status: diag.StatusFail},
		Checks: []diag.Check{
			{ID: diag.CheckDNSSystem, Status: diag.StatusPass, Code: diag.DNSOK, DurationMS: 3},
			{ID: diag.CheckTCPConnect, Status: diag.StatusFail, Code: diag.TCPRefused, DurationMS: 5000},
			{ID: diag.CheckTLSHandshake, Status: diag.StatusSkip, Code: diag.CodeSkipped},
			{ID: diag.CheckHTTPGet, Status: diag.StatusSkip, Code: diag.CodeSkipped},
		}}
	runs := []WatchRun{
		{1, at(1), []diag.TargetResult{watchTarget(diag.HTTPOK, 10)}},
		{2, at(2), []diag.TargetResult{watchTarget(diag.HTTPProtocolError, 20)}},
		{3, at(3), []diag.TargetResult{refused}},
		{4, at(4), []diag.TargetResult{watchTarget(diag.HTTPProtocolError, 30)}},
		{5, at(5), []diag.TargetResult{watchTarget(diag.HTTPServerError, 40)}}, // a warning
	}
	sum := Summarize(runs, false)
	if len(sum) != 1 {
		t.Fatalf("%d targets", len(sum))
	}
	s := sum[0]
	if s.Runs != 5 || s.Failures != 3 || s.FailureRate != 0.6 {
		t.Errorf("target: %d runs, %d failures, rate %v; want 5, 3, 0.6", s.Runs, s.Failures, s.FailureRate)
	}
	layers := map[string]LayerSummary{}
	for _, l := range s.Layers {
		layers[l.Layer] = l
	}
	// TLS was skipped in run 3: four runs, all good, latency of those four.
	if l := layers["tls"]; l.Runs != 4 || l.Failures != 0 || l.SuccessRate != 1 || *l.LatencyMS != (Latency{P50: 20, P95: 40, Max: 40}) {
		t.Errorf("tls: %+v %+v", l, l.LatencyMS)
	}
	// TCP failed once; the direct path's evidence does not count; the
	// failed run's 5 s is not a latency.
	if l := layers["tcp"]; l.Runs != 5 || l.Failures != 1 || l.SuccessRate != 0.8 || l.LatencyMS.Max != 1 || len(l.Codes) != 1 || l.Codes[0].Code != diag.TCPRefused {
		t.Errorf("tcp: %+v", l)
	}
	http := layers["http"]
	if http.Runs != 4 || http.Failures != 2 || http.SuccessRate != 0.5 {
		t.Errorf("http: %+v", http)
	}
	want := []CodeSeen{
		{Code: diag.HTTPProtocolError, Status: diag.StatusFail, Count: 2, FirstRun: 2, LastRun: 4, FirstSeen: at(2), LastSeen: at(4)},
		{Code: diag.HTTPServerError, Status: diag.StatusWarn, Count: 1, FirstRun: 5, LastRun: 5, FirstSeen: at(5), LastSeen: at(5)},
	}
	if len(http.Codes) != 2 || http.Codes[0] != want[0] || http.Codes[1] != want[1] {
		t.Errorf("http codes:\n got %+v\nwant %+v", http.Codes, want)
	}
	// A warning in the dns layer is a code but not a failure.
	if l := layers["dns"]; l.Failures != 0 || len(l.Codes) != 1 || l.Codes[0].Code != diag.DNSMismatch || l.Codes[0].Count != 4 {
		t.Errorf("dns: %+v", l)
	}
	if len(s.Verdicts) != 3 || s.Verdicts[0].Code != diag.HTTPProtocolError || s.Verdicts[1].Code != diag.TCPRefused {
		t.Errorf("verdicts: %+v", s.Verdicts)
	}
	// Under --strict the warning run fails too.
	if st := Summarize(runs, true)[0]; st.Failures != 4 {
		t.Errorf("strict: %d failures, want 4", st.Failures)
	}

	w := &Watch{Runs: 5, MaxFailureRate: 0.5, Targets: sum, IntervalMS: 1000, StartedAt: at(1), EndedAt: at(5)}
	if !w.Failing() {
		t.Error("0.6 > 0.5 is not failing")
	}
	w.MaxFailureRate = 0.6
	if w.Failing() {
		t.Error("0.6 <= 0.6 is failing")
	}
	var text bytes.Buffer
	if err := WriteWatchText(&text, w, false); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"3 of 5 runs failed (60%)", "http.protocol_error ×2 (runs 2–4", "  tls    4/4  20 ms  40 ms  40 ms"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("text lacks %q:\n%s", s, text.String())
		}
	}
	var js bytes.Buffer
	if err := WriteWatchJSON(&js, w); err != nil || !json.Valid(js.Bytes()) {
		t.Errorf("json: %v\n%s", err, js.String())
	}
}

func TestSummarizeNothing(t *testing.T) {
	if got := Summarize(nil, false); len(got) != 0 {
		t.Errorf("no runs: %+v", got)
	}
	var js bytes.Buffer
	if err := WriteWatchJSON(&js, &Watch{}); err != nil || !strings.Contains(js.String(), `"targets": []`) {
		t.Errorf("empty watch: %v %s", err, js.String())
	}
}

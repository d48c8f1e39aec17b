package browser

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecide(t *testing.T) {
	ok := func(mode string, status int) postedAttempt {
		return postedAttempt{Mode: mode, OK: true, Status: status, Type: "cors"}
	}
	bad := func(mode string) postedAttempt { return postedAttempt{Mode: mode, Error: "TypeError: Failed to fetch"} }
	slow := func(mode string) postedAttempt { return postedAttempt{Mode: mode, Error: "AbortError", TimedOut: true} }
	for _, tc := range []struct {
		name     string
		attempts []postedAttempt
		want     Outcome
		status   int
	}{
		{"cors answer", []postedAttempt{ok("cors", 200)}, OutcomeReached, 200},
		{"cors 503", []postedAttempt{ok("cors", 503)}, OutcomeReached, 503},
		{"cors refused", []postedAttempt{bad("cors"), {Mode: "no-cors", OK: true, Type: "opaque"}}, OutcomeCORSRefused, 0},
		{"network error", []postedAttempt{bad("cors"), bad("no-cors")}, OutcomeNetworkError, 0},
		{"cors timeout", []postedAttempt{slow("cors")}, OutcomeTimeout, 0},
		{"no-cors timeout", []postedAttempt{bad("cors"), slow("no-cors")}, OutcomeTimeout, 0},
		{"nothing", nil, OutcomeNoResult, 0},
		{"half", []postedAttempt{bad("cors")}, OutcomeNoResult, 0},
		// The page's own order is checked: a no-cors success first is not
		// a CORS answer.
		{"wrong order", []postedAttempt{{Mode: "no-cors", OK: true}, ok("cors", 200)}, OutcomeNoResult, 0},
		{"unknown mode", []postedAttempt{{Mode: "navigate", OK: true, Status: 200}}, OutcomeNoResult, 0},
		{"status out of range", []postedAttempt{ok("cors", 100000)}, OutcomeReached, 0},
	} {
		got := cleanResult(postedResult{Target: "https://a.example/", Attempts: tc.attempts})
		if got.Outcome != tc.want || got.Status != tc.status {
			t.Errorf("%s: %s %d, want %s %d", tc.name, got.Outcome, got.Status, tc.want, tc.status)
		}
	}
}

func TestCleanKeepsOnlyKnownTargets(t *testing.T) {
	p := posted{Results: []postedResult{
		{Target: "https://evil.example/", Attempts: []postedAttempt{{Mode: "cors", OK: true, Status: 200}}},
		{Target: "https://a.example/", Attempts: []postedAttempt{{Mode: "cors", OK: true, Status: 200}}},
		{Target: "https://a.example/", Attempts: []postedAttempt{{Mode: "cors", Error: "x"}, {Mode: "no-cors", Error: "y"}}},
	}}
	got := clean(p, []string{"https://a.example/", "https://b.example/"})
	if len(got.Targets) != 1 || got.Targets["https://a.example/"].Outcome != OutcomeReached {
		t.Errorf("targets %+v: want only a.example, its first result", got.Targets)
	}
}

func TestCleanSanitisesAndCaps(t *testing.T) {
	hostile := "\x1b]0;pwned\x07\x1b[2JFailed\u202e to\r\nfetch\x9b31m"
	p := posted{
		UserAgent: strings.Repeat("é", 1000),
		Results: []postedResult{{
			Target:   "https://a.example/",
			Attempts: []postedAttempt{{Mode: "cors", Error: hostile, MS: math.Inf(1)}, {Mode: "no-cors", Error: hostile, MS: -5}},
			Timing: &postedTiming{Duration: 1e12, DNSStart: 5, DNSEnd: 2, ConnectStart: 10, ConnectEnd: 30, TLSStart: 15,
				RequestStart: 31, ResponseStart: 80, Protocol: "h2\x1b[1m", ResponseStatus: -1, TransferSize: -9},
		}},
		Blocked: []string{"1", "2", "3", "4", "5", "6", "7"},
	}
	got := clean(p, []string{"https://a.example/"})
	tr := got.Targets["https://a.example/"]
	for _, s := range []string{tr.Error, tr.Attempts[0].Error, tr.Timing.Protocol} {
		if strings.ContainsAny(s, "\x1b\x07\u009b\ufffd\r\n\u202e") || strings.Contains(s, "pwned") {
			t.Errorf("not sanitised: %q", s)
		}
	}
	if tr.Error != "Failed to  fetch" { // CR and LF become spaces
		t.Errorf("error %q", tr.Error)
	}
	if n := utf8.RuneCountInString(got.UserAgent); n != maxText+1 {
		t.Errorf("user agent of %d runes, want it cut at %d plus an ellipsis", n, maxText)
	}
	if tr.Attempts[0].DurationMS != int64(maxMS) || tr.Attempts[1].DurationMS != 0 || tr.Timing.DurationMS != int64(maxMS) {
		t.Errorf("durations %d, %d, %d: want bounded", tr.Attempts[0].DurationMS, tr.Attempts[1].DurationMS, tr.Timing.DurationMS)
	}
	tm := tr.Timing
	if tm.DNSMS != nil || tm.ConnectMS == nil || *tm.ConnectMS != 20 || *tm.TLSMS != 15 || *tm.FirstByteMS != 49 ||
		tm.ResponseStatus != 0 || tm.TransferBytes != 0 {
		t.Errorf("timing %+v", tm)
	}
	if len(got.Blocked) != maxBlocked {
		t.Errorf("%d blocked URLs kept, want %d", len(got.Blocked), maxBlocked)
	}
}

package browser

import (
	"math"
	"unicode/utf8"

	"github.com/okviz/okviz-check/report"

	"github.com/okviz/okviz-check/diag"
)

// Limits on what the page may send; anything past them is cut or dropped.
const (
	// MaxResultBytes caps the body of the result POST.
	MaxResultBytes = 64 << 10
	maxText        = 200 // runes of any string kept
	maxBlocked     = 5   // blocked URLs kept
	maxMS          = 3_600_000.0
)

// posted is the body the page sends, as decoded: every field is checked
// and cleaned by clean before anything else sees it.
type posted struct {
	UserAgent string         `json:"user_agent"`
	Results   []postedResult `json:"results"`
	Blocked   []string       `json:"blocked"`
}

type postedResult struct {
	Target   string          `json:"target"`
	Attempts []postedAttempt `json:"attempts"`
	Timing   *postedTiming   `json:"timing"`
}

type postedAttempt struct {
	Mode     string  `json:"mode"`
	OK       bool    `json:"ok"`
	Status   int     `json:"status"`
	Type     string  `json:"type"`
	Error    string  `json:"error"`
	TimedOut bool    `json:"timed_out"`
	MS       float64 `json:"ms"`
}

type postedTiming struct {
	Start          float64 `json:"start"`
	Duration       float64 `json:"duration"`
	FetchStart     float64 `json:"fetch_start"`
	DNSStart       float64 `json:"dns_start"`
	DNSEnd         float64 `json:"dns_end"`
	ConnectStart   float64 `json:"connect_start"`
	ConnectEnd     float64 `json:"connect_end"`
	TLSStart       float64 `json:"tls_start"`
	RequestStart   float64 `json:"request_start"`
	ResponseStart  float64 `json:"response_start"`
	ResponseEnd    float64 `json:"response_end"`
	Protocol       string  `json:"protocol"`
	ResponseStatus int     `json:"response_status"`
	TransferSize   int64   `json:"transfer_size"`
}

// The browser's evidence types live in diag with the other check details,
// so every renderer reads them; these names keep the package's vocabulary.
type (
	Outcome      = diag.BrowserOutcome
	Attempt      = diag.BrowserAttempt
	Timing       = diag.BrowserTiming
	FetchDetails = diag.BrowserDetails
)

// Outcomes of a browser fetch.
const (
	OutcomeReached      = diag.BrowserReached
	OutcomeCORSRefused  = diag.BrowserCORSRefused
	OutcomeNetworkError = diag.BrowserNetworkError
	OutcomeTimeout      = diag.BrowserTimeout
	OutcomeNoResult     = diag.BrowserNoResult
)

// TargetResult is the browser's cleaned account of one target.
type TargetResult struct {
	Target   string
	Outcome  Outcome
	Status   int // HTTP status the page could read (reached only)
	Error    string
	Attempts []Attempt
	Timing   *Timing
}

// PageResult is what a browser reported, cleaned: every string sanitised
// for a terminal and capped, every number bounded, only known targets.
type PageResult struct {
	UserAgent string
	Targets   map[string]TargetResult
	// Blocked lists URLs the page's policy refused: a redirect of a
	// target to somewhere else (a captive portal, a block page).
	Blocked []string
}

// text sanitises and caps a string from the page.
func text(s string) string {
	s = report.Sanitize(s)
	if utf8.RuneCountInString(s) <= maxText {
		return s
	}
	r := []rune(s)
	return string(r[:maxText]) + "…"
}

// ms turns a page's millisecond reading into a bounded integer.
func ms(v float64) int64 {
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	if v > maxMS {
		v = maxMS
	}
	return int64(math.Round(v))
}

// span is end-start when both are real readings in order.
func span(start, end float64) *int64 {
	if start <= 0 || end < start || math.IsInf(end, 0) {
		return nil
	}
	d := ms(end - start)
	return &d
}

// clean keeps only what is expected of the page's report: results for the
// targets asked about (the first for each), at most two attempts in the
// expected modes, sanitised and capped strings, bounded numbers.
func clean(p posted, targets []string) PageResult {
	out := PageResult{UserAgent: text(p.UserAgent), Targets: map[string]TargetResult{}}
	known := map[string]bool{}
	for _, t := range targets {
		known[t] = true
	}
	for _, r := range p.Results {
		if !known[r.Target] {
			continue
		}
		if _, dup := out.Targets[r.Target]; dup {
			continue
		}
		out.Targets[r.Target] = cleanResult(r)
	}
	for _, b := range p.Blocked {
		if len(out.Blocked) == maxBlocked {
			break
		}
		out.Blocked = append(out.Blocked, text(b))
	}
	return out
}

func cleanResult(r postedResult) TargetResult {
	tr := TargetResult{Target: r.Target}
	modes := []string{"cors", "no-cors"}
	for i, a := range r.Attempts {
		if i >= len(modes) || a.Mode != modes[i] {
			break // out of order or unexpected: ignore the rest
		}
		at := Attempt{Mode: a.Mode, OK: a.OK, DurationMS: ms(a.MS)}
		if a.OK {
			if a.Status >= 100 && a.Status <= 999 {
				at.Status = a.Status
			}
			switch a.Type {
			case "basic", "cors", "opaque", "opaqueredirect", "default":
				at.Type = a.Type
			}
		} else {
			at.Error = text(a.Error)
			at.TimedOut = a.TimedOut
		}
		tr.Attempts = append(tr.Attempts, at)
	}
	if t := r.Timing; t != nil {
		tr.Timing = &Timing{
			DurationMS:    ms(t.Duration),
			DNSMS:         span(t.DNSStart, t.DNSEnd),
			ConnectMS:     span(t.ConnectStart, t.ConnectEnd),
			TLSMS:         span(t.TLSStart, t.ConnectEnd),
			FirstByteMS:   span(t.RequestStart, t.ResponseStart),
			Protocol:      text(t.Protocol),
			TransferBytes: max(0, min(t.TransferSize, 1<<40)),
		}
		if t.ResponseStatus >= 100 && t.ResponseStatus <= 999 {
			tr.Timing.ResponseStatus = t.ResponseStatus
		}
	}
	tr.Outcome, tr.Status, tr.Error = decide(tr.Attempts)
	return tr
}

// decide names the outcome from the attempts themselves, not from any
// conclusion of the page.
func decide(at []Attempt) (Outcome, int, string) {
	if len(at) == 0 {
		return OutcomeNoResult, 0, ""
	}
	cors := at[0]
	switch {
	case cors.OK:
		return OutcomeReached, cors.Status, ""
	case cors.TimedOut:
		return OutcomeTimeout, 0, cors.Error
	case len(at) < 2:
		return OutcomeNoResult, 0, cors.Error
	}
	noCORS := at[1]
	switch {
	case noCORS.OK:
		return OutcomeCORSRefused, 0, cors.Error
	case noCORS.TimedOut:
		return OutcomeTimeout, 0, noCORS.Error
	}
	return OutcomeNetworkError, 0, noCORS.Error
}

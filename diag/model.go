package diag

// Status is the outcome of one check or of a whole target.
type Status string

// Statuses, from best to worst. StatusInfo marks evidence that ran but by
// design does not count (the direct path when the route is a proxy);
// StatusSkip marks a check that could not run because an earlier stage failed.
const (
	StatusPass Status = "pass"
	StatusInfo Status = "info"
	StatusSkip Status = "skip"
	StatusWarn Status = "warn"
	StatusFail Status = "fail"
)

// Rank orders statuses for "worst of": pass, info, skip < warn < fail.
func (s Status) Rank() int {
	switch s {
	case StatusFail:
		return 3
	case StatusWarn:
		return 2
	case StatusSkip, StatusInfo:
		return 1
	}
	return 0
}

// Check is one probe's conclusion with its evidence.
type Check struct {
	ID          string  `json:"id"`
	Status      Status  `json:"status"`
	Code        Code    `json:"code"`
	Summary     string  `json:"summary"`
	Remediation string  `json:"remediation,omitempty"`
	DurationMS  int64   `json:"duration_ms"`
	Details     Details `json:"details"`
}

// Verdict is the single root cause for a target.
type Verdict struct {
	Code        Code   `json:"code"`
	Status      Status `json:"status"`
	Summary     string `json:"summary"`
	Remediation string `json:"remediation,omitempty"`
}

// TargetResult is everything learned about one target.
type TargetResult struct {
	Target  string  `json:"target"`
	Host    string  `json:"host"`
	Port    int     `json:"port"`
	Status  Status  `json:"status"`
	Route   string  `json:"route"`
	Proxy   string  `json:"proxy,omitempty"`
	Verdict Verdict `json:"verdict"`
	Checks  []Check `json:"checks"`
}

// newCheck builds a check whose status, remediation and default summary
// come from the code table; nil details become NoDetails, so JSON shows {}.
func newCheck(id string, code Code, summary string, details Details) Check {
	info := Lookup(code)
	if summary == "" {
		summary = info.Meaning
	}
	if details == nil {
		details = NoDetails{}
	}
	c := Check{ID: id, Status: info.Status, Code: code, Summary: summary, Details: details}
	if info.Status != StatusPass {
		c.Remediation = info.Remediation
	}
	return c
}

// NewCheck is newCheck for other packages (proxy discovery, tunnels).
func NewCheck(id string, code Code, summary string, details Details) Check {
	return newCheck(id, code, summary, details)
}

// SkipCheck records a check that could not run because an earlier stage failed.
func SkipCheck(id, why string) Check {
	return Check{ID: id, Status: StatusSkip, Code: CodeSkipped, Summary: why, Details: NoDetails{}}
}

// unfinishedSummary is the sentence of a check the run's end cut short.
const unfinishedSummary = "Not finished: the run ended (interrupted, or out of time) before this check did."

// UnfinishedCheck records a check that the run's end never let start.
func UnfinishedCheck(id string) Check {
	return Check{ID: id, Status: StatusSkip, Code: CodeUnfinished, Summary: unfinishedSummary, Details: NoDetails{}}
}

// unfinished turns a check the run's end cut short into an unfinished one.
// Its evidence so far is kept: it says how far the check got.
func unfinished(c Check) Check {
	c.Status, c.Code, c.Summary, c.Remediation = StatusSkip, CodeUnfinished, unfinishedSummary, ""
	return c
}

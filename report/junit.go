package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/okviz/okviz-check/diag"
)

// JUnit XML as CI dashboards read it (the Ant/Surefire dialect): one suite
// per target, one test case per check.
type junitSuites struct {
	XMLName   xml.Name     `xml:"testsuites"`
	Name      string       `xml:"name,attr"`
	Tests     int          `xml:"tests,attr"`
	Failures  int          `xml:"failures,attr"`
	Errors    int          `xml:"errors,attr"`
	Skipped   int          `xml:"skipped,attr"`
	Time      string       `xml:"time,attr"`
	Timestamp string       `xml:"timestamp,attr"`
	Suites    []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  *junitText      `xml:"system-out,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string       `xml:"name,attr"`
	Classname string       `xml:"classname,attr"`
	Time      string       `xml:"time,attr"`
	Failure   *junitResult `xml:"failure,omitempty"`
	Skipped   *junitResult `xml:"skipped,omitempty"`
	SystemOut *junitText   `xml:"system-out,omitempty"`
}

type junitResult struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",cdata"`
}

type junitText struct {
	Body string `xml:",cdata"`
}

// junitTimestamp is the ISO 8601 form without zone that the JUnit schema
// expects; report times are UTC.
const junitTimestamp = "2006-01-02T15:04:05"

// renderJUnit writes the report as JUnit XML. A failed check is a failure,
// a skipped one is skipped, info passes; a warning passes with a note in
// system-out unless opts.Strict, when it fails as --strict fails the run.
// All text is sanitised first, which also removes every character XML 1.0
// forbids.
var junitFormat = Format{Name: FormatJUnit, Help: "JUnit XML, one test case per check, for CI dashboards", render: renderJUnit}

func renderJUnit(w io.Writer, r *Report, opts Options) error {
	lim := limitsFor(opts.Verbose)
	doc := junitSuites{
		Name:      toolLine(r.Tool),
		Time:      seconds(r.DurationMS),
		Timestamp: r.StartedAt.Format(junitTimestamp),
	}
	for _, t := range r.Targets {
		s := junitTarget(t, lim, opts.Strict)
		s.Timestamp = doc.Timestamp
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("report: junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitTarget(t diag.TargetResult, lim limits, strict bool) junitSuite {
	s := junitSuite{
		Name: clean(t.Target),
		Properties: []junitProperty{
			{"host", clean(t.Host)},
			{"port", strconv.Itoa(t.Port)},
			{"route", clean(t.Route)},
		},
	}
	if t.Proxy != "" {
		s.Properties = append(s.Properties, junitProperty{"proxy", clean(t.Proxy)})
	}
	s.Properties = append(s.Properties,
		junitProperty{"status", clean(string(t.Status))},
		junitProperty{"verdict", clean(string(t.Verdict.Code))},
	)
	out := []string{fmt.Sprintf("%s %s: %s", label(t.Verdict.Status), clean(string(t.Verdict.Code)), clean(verdictSummary(t.Verdict)))}
	if fix := verdictFix(t.Verdict); fix != "" {
		out = append(out, "Fix: "+clean(fix))
	}
	s.SystemOut = &junitText{Body: strings.Join(out, "\n")}

	var total int64
	seen := map[string]int{}
	for _, c := range t.Checks {
		name := clean(c.ID)
		seen[name]++
		if n := seen[name]; n > 1 {
			name = fmt.Sprintf("%s #%d", name, n) // dashboards merge equal names
		}
		tc := junitCase{Name: name, Classname: clean(stage(c)), Time: seconds(c.DurationMS)}
		body := checkBody(c, lim)
		switch {
		case c.Status == diag.StatusFail || (strict && c.Status == diag.StatusWarn):
			msg := clean(c.Summary)
			if c.Status == diag.StatusWarn {
				msg = "warning (strict): " + msg
			}
			tc.Failure = &junitResult{Message: msg, Type: clean(string(c.Code)), Body: body}
			s.Failures++
		case c.Status == diag.StatusSkip:
			tc.Skipped = &junitResult{Message: clean(c.Summary)}
			s.Skipped++
		default:
			tc.SystemOut = &junitText{Body: body}
		}
		total += c.DurationMS
		s.Cases = append(s.Cases, tc)
	}
	s.Tests = len(s.Cases)
	s.Time = seconds(total)
	return s
}

// checkBody is the text of a check for failure bodies and system-out:
// status, code and summary, the fix when there is one, then the evidence.
func checkBody(c diag.Check, lim limits) string {
	lines := []string{fmt.Sprintf("%s %s: %s", label(c.Status), clean(string(c.Code)), clean(c.Summary))}
	if c.Remediation != "" && (c.Status == diag.StatusWarn || c.Status == diag.StatusFail) {
		lines = append(lines, "Fix: "+clean(c.Remediation))
	}
	lines = append(lines, textLines(evidence(c.Details, lim), "  ")...)
	return strings.Join(lines, "\n")
}

// seconds formats milliseconds as decimal seconds (JUnit, Prometheus).
func seconds(ms int64) string { return strconv.FormatFloat(float64(ms)/1000, 'f', 3, 64) }

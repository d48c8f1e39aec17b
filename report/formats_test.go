package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/diag"
)

func render(t *testing.T, r *Report, format string, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, r, format, opts); err != nil {
		t.Fatalf("Render %s: %v", format, err)
	}
	return buf.String()
}

// sgr matches the colour sequences the text renderer itself writes.
var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// TestNoTerminalControl feeds escape sequences from the network through the
// human formats and checks none survives: no ESC, BEL, C1 control or NUL,
// and no payload of the sequences (the OSC's new title, the CSI's
// parameters). With colour on, the only escapes left are our own SGR codes.
func TestNoTerminalControl(t *testing.T) {
	for _, format := range []string{FormatText, FormatMarkdown, FormatJUnit} {
		for _, opts := range []Options{{}, {Verbose: true}, {Quiet: true}, {Color: true}, {Color: true, Verbose: true}, {Strict: true}} {
			out := render(t, fixedReport(), format, opts)
			if opts.Color && format == FormatText {
				out = sgr.ReplaceAllString(out, "")
			}
			for _, bad := range []string{"\x1b", "\x07", "\x00", "\x9b", "\u009b", "\x9d", "\u009d", "\u009c", "\u202e", "pwned", "[2J", "31m", "+q", "\r"} {
				if strings.Contains(out, bad) {
					t.Errorf("%s %+v: output contains %q", format, opts, bad)
				}
			}
			if !strings.Contains(out, "with a block page (HTTP 403)") {
				t.Errorf("%s %+v: the text around the escapes is gone too", format, opts)
			}
			if strings.Contains(out, "s3cret") || strings.Contains(out, "alice") {
				t.Errorf("%s %+v: a proxy credential is printed", format, opts)
			}
		}
	}
}

func TestTextQuiet(t *testing.T) {
	out := render(t, fixedReport(), FormatText, Options{Quiet: true})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []string{
		"PASS  https://api.okviz.com/         ok —",
		"FAIL  https://license.okviz.com/     dns.nxdomain —",
		"WARN  https://cdn.okviz.com/         tls.intercepted —",
		"FAIL  https://files.okviz.com:8443/  http.blocked —",
	}
	if len(lines) != len(want) {
		t.Fatalf("quiet output has %d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
}

func TestTextColor(t *testing.T) {
	plain := render(t, fixedReport(), FormatText, Options{})
	if strings.Contains(plain, "\x1b") {
		t.Error("escape sequences without Color")
	}
	colored := render(t, fixedReport(), FormatText, Options{Color: true})
	// fatih/color's sequences: a colour ends with a full reset, faint
	// with "normal intensity".
	for status, painted := range map[string]string{
		"PASS": "\x1b[32mPASS\x1b[0m", "WARN": "\x1b[33mWARN\x1b[0m", "FAIL": "\x1b[31mFAIL\x1b[0m",
		"SKIP": "\x1b[2mSKIP\x1b[22m", "INFO": "\x1b[2mINFO\x1b[22m",
	} {
		if !strings.Contains(colored, painted) {
			t.Errorf("%s is not painted %q", status, painted)
		}
	}
	if got := sgr.ReplaceAllString(colored, ""); got != plain {
		t.Errorf("colour changes the text, not only its colour:\n%s", got)
	}
}

func TestTextSections(t *testing.T) {
	out := render(t, fixedReport(), FormatText, Options{})
	// The fix of each non-passing verdict, after its target's checks.
	for _, code := range []diag.Code{"dns.nxdomain", "tls.intercepted", "http.blocked"} {
		fix := diag.Lookup(code).Remediation
		if !strings.Contains(out, "  Fix: "+fix+"\n") {
			t.Errorf("no Fix line for %s", code)
		}
	}
	if strings.Count(out, "Fix:") != 3 {
		t.Errorf("want 3 Fix lines (none for the passing target), got %d", strings.Count(out, "Fix:"))
	}
	// Long lists are capped, with the rest counted: at 4 in the compact
	// evidence, at 5 in the full details of JUnit, at 100 with --verbose.
	if !strings.Contains(out, "198.18.2.4:443") || strings.Contains(out, "198.18.2.5:443") || !strings.Contains(out, "… and 3 more: 3 ok") {
		t.Error("the 7 TCP attempts are not capped at 4 with a count of the rest")
	}
	junit := render(t, fixedReport(), FormatJUnit, Options{})
	if !strings.Contains(junit, "198.18.2.5:443") || strings.Contains(junit, "198.18.2.6:443") || !strings.Contains(junit, "… and 2 more") {
		t.Error("the 7 TCP attempts are not capped at 5 in the full details")
	}
	verbose := render(t, fixedReport(), FormatText, Options{Verbose: true})
	if !strings.Contains(verbose, "198.18.2.7:443") {
		t.Error("verbose output caps a 7-item list")
	}
	if !strings.Contains(verbose, "Proxy discovery") || strings.Contains(out, "Proxy discovery") {
		t.Error("proxy sources should print with --verbose only")
	}
	if !strings.Contains(out, "Overall: FAIL — 2 of 4 targets not reachable, 1 with warnings") {
		t.Errorf("no overall line:\n%s", out)
	}
}

func TestLongValues(t *testing.T) {
	long := strings.Repeat("x", 5000)
	r := &Report{Targets: []diag.TargetResult{{
		Target: "https://a.okviz.com/", Host: "a.okviz.com", Port: 443, Status: diag.StatusPass, Route: "direct",
		Verdict: diag.Verdict{Code: "ok", Status: diag.StatusPass},
		Checks: []diag.Check{{ID: "http.get", Status: diag.StatusPass, Code: "http.ok", Details: raw(t, map[string]any{
			"body":   long,
			"nested": map[string]any{"a": map[string]any{"b": map[string]any{"c": map[string]any{"d": map[string]any{"e": map[string]any{"f": map[string]any{"g": 1}}}}}}},
			"bytes":  []byte("hi"),
			"ptr":    &struct{ A int }{A: 7},
			"nilptr": (*int)(nil),
		})}},
	}}}
	// The full details: JUnit cuts a value at 200 characters, --verbose
	// text at 4000.
	junit := render(t, r, FormatJUnit, Options{})
	if strings.Contains(junit, strings.Repeat("x", 201)) || !strings.Contains(junit, strings.Repeat("x", 200)+"…") {
		t.Error("a 5000-character value is not cut at 200")
	}
	if !strings.Contains(junit, "(1 entries)") {
		t.Error("nesting deeper than 6 levels is not summarised")
	}
	out := render(t, r, FormatText, Options{Verbose: true})
	if strings.Contains(out, strings.Repeat("x", 4001)) || !strings.Contains(out, strings.Repeat("x", 4000)+"…") {
		t.Error("a 5000-character value is not cut at 4000 with --verbose")
	}
	for _, want := range []string{"g: 1", "bytes: aGk=", "A: 7", "nilptr: (none)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestMarkdownTable checks that network text cannot add table cells, and
// that Markdown in it is escaped.
func TestMarkdownTable(t *testing.T) {
	out := render(t, fixedReport(), FormatMarkdown, Options{})
	unescapedPipe := regexp.MustCompile(`(^|[^\\])\|`)
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "| ") {
			continue
		}
		if n := len(unescapedPipe.FindAllString(l, -1)); n != 7 {
			t.Errorf("table row has %d cell separators, want 7: %q", n, l)
		}
	}
	for _, want := range []string{
		`title: Access denied \| ask \*IT\* \<b\>now\</b\> \& \[here\](http://block.example/)`,
		"| tls | tls.handshake | WARN | `tls.intercepted` |",
		"| tcp | tcp.connect | SKIP | `skipped` | the name did not resolve | 0 ms |",
		"# okviz-check report: FAIL",
		"### Fix",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if got := mdStart("1. not a list"); got != `1\. not a list` {
		t.Errorf("mdStart = %q", got)
	}
	if got := mdStart("-x"); got != `\-x` {
		t.Errorf("mdStart = %q", got)
	}
	if got := mdCode("a`b"); got != "a\\`b" {
		t.Errorf("mdCode of a non-code = %q", got)
	}
}

// junit mirrors the parts of the JUnit schema the tests look at.
type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Type string `xml:"type,attr"`
				Body string `xml:",chardata"`
			} `xml:"failure"`
			Skipped   *struct{} `xml:"skipped"`
			SystemOut string    `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, out string) junitDoc {
	t.Helper()
	var doc junitDoc
	dec := xml.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("JUnit output is not well-formed XML: %v\n%s", err, out)
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if cd, ok := tok.(xml.CharData); err != nil || !ok || strings.TrimSpace(string(cd)) != "" {
			t.Fatalf("content after the root element: %v %v", tok, err)
		}
	}
	return doc
}

func TestJUnit(t *testing.T) {
	for _, strict := range []bool{false, true} {
		doc := parseJUnit(t, render(t, fixedReport(), FormatJUnit, Options{Strict: strict}))
		wantFail := 3 // dns.system, dns.servers, http.get
		if strict {
			wantFail = 5 // and the two tls.intercepted warnings (cdn, and the block page's middlebox)
		}
		if doc.Tests != 24 || doc.Failures != wantFail || doc.Skipped != 3 {
			t.Errorf("strict=%v: tests/failures/skipped = %d/%d/%d, want 24/%d/3", strict, doc.Tests, doc.Failures, doc.Skipped, wantFail)
		}
		if len(doc.Suites) != 4 {
			t.Fatalf("%d suites, want one per target", len(doc.Suites))
		}
		dnsFail := doc.Suites[1]
		if dnsFail.Name != "https://license.okviz.com/" || dnsFail.Failures != 2 || dnsFail.Skipped != 3 {
			t.Errorf("DNS target suite: %+v", dnsFail)
		}
		c := dnsFail.Cases[0]
		if c.Classname != "dns" || c.Failure == nil || c.Failure.Type != "dns.nxdomain" || !strings.Contains(c.Failure.Body, "198.18.0.53") {
			t.Errorf("dns.system case: %+v", c)
		}
		tlsCase := doc.Suites[2].Cases[3]
		if strict != (tlsCase.Failure != nil) {
			t.Errorf("strict=%v: warning case failure = %v", strict, tlsCase.Failure)
		}
		if !strict && !strings.HasPrefix(tlsCase.SystemOut, "WARN tls.intercepted") {
			t.Errorf("warning is not noted in system-out: %q", tlsCase.SystemOut)
		}
		if info := doc.Suites[0].Cases[1]; info.Failure != nil || info.Skipped != nil || info.Classname != "direct.dns" {
			t.Errorf("info check should pass: %+v", info)
		}
	}
}

// TestJUnitHostileText puts characters XML 1.0 forbids, a CDATA terminator
// and markup into every field and checks the document still parses and
// keeps the visible text.
func TestJUnitHostileText(t *testing.T) {
	nasty := "a]]>b<c>&d\"e'\x00\x0b\x0c\ufffe\uffff\x1b[2J\U0010FFFF"
	r := &Report{Tool: Tool{Name: nasty}, Targets: []diag.TargetResult{{
		Target: nasty, Host: nasty, Port: 443, Status: diag.StatusFail, Route: "direct", Proxy: nasty,
		Verdict: diag.Verdict{Code: diag.Code(nasty), Status: diag.StatusFail, Summary: nasty, Remediation: nasty},
		Checks: []diag.Check{
			{ID: nasty, Status: diag.StatusFail, Code: diag.Code(nasty), Summary: nasty, Remediation: nasty, Details: raw(t, map[string]any{nasty: nasty})},
			{ID: nasty, Status: diag.StatusSkip, Code: "skipped", Summary: nasty},
			{ID: nasty, Status: diag.StatusPass, Code: "ok", Summary: nasty, Details: raw(t, map[string]any{"k": []string{nasty}})},
		},
	}}}
	out := render(t, r, FormatJUnit, Options{})
	doc := parseJUnit(t, out)
	want := "a]]>b<c>&d\"e'\U0010FFFF"
	if doc.Suites[0].Name != want {
		t.Errorf("suite name = %q, want %q", doc.Suites[0].Name, want)
	}
	cases := doc.Suites[0].Cases
	if len(cases) != 3 || cases[1].Name != want+" #2" || cases[2].Name != want+" #3" {
		t.Errorf("duplicate check ids are not told apart: %+v", cases)
	}
	if !strings.Contains(cases[0].Failure.Body, want+": "+want) {
		t.Errorf("failure body lost text: %q", cases[0].Failure.Body)
	}
}

// TestFixes: the verdict's fix comes from the verdict or, when it has none,
// from the code table; other problems with a different fix follow once each.
func TestFixes(t *testing.T) {
	mismatch := diag.NewCheck("dns.compare", "dns.mismatch", "", nil)
	r := &Report{Targets: []diag.TargetResult{{
		Target: "https://a.okviz.com/", Host: "a.okviz.com", Port: 443, Status: diag.StatusFail, Route: "direct",
		Verdict: diag.Verdict{Code: "tcp.timeout", Status: diag.StatusFail, Summary: "dropped"},
		Checks: []diag.Check{
			mismatch, mismatch,
			diag.NewCheck("tcp.connect", "tcp.timeout", "dropped", nil),
			diag.SkipCheck("tls.handshake", "no connection"),
		},
	}}}
	text := render(t, r, FormatText, Options{})
	for _, want := range []string{
		"  Fix: " + diag.Lookup("tcp.timeout").Remediation + "\n",
		"  Also: (dns.mismatch) " + diag.Lookup("dns.mismatch").Remediation + "\n",
	} {
		if strings.Count(text, want) != 1 {
			t.Errorf("text has %q %d times, want once:\n%s", want, strings.Count(text, want), text)
		}
	}
	md := render(t, r, FormatMarkdown, Options{})
	if !strings.Contains(md, "- Also (`dns.mismatch`): "+mdText(diag.Lookup("dns.mismatch").Remediation)) {
		t.Errorf("markdown lacks the other fix:\n%s", md)
	}
}

// TestTextSaysEachFactOnce: the default text says a target's verdict
// sentence once (on its verdict line) and a long sentence once per target;
// the route notes (browser and command-line tools disagree, the NO_PROXY
// trap) are in it, not only under -v.
func TestTextSaysEachFactOnce(t *testing.T) {
	r := fixedReport()
	out := render(t, r, FormatText, Options{})
	for _, tr := range r.Targets {
		verdicts, _, _ := strings.Cut(out, "\n\n")
		_, section, _ := strings.Cut(out, "\n"+clean(tr.Target)+"  (")
		section, _, _ = strings.Cut(section, "\n\n")
		v := clean(verdictSummary(tr.Verdict))
		if !strings.Contains(verdicts, v) || strings.Contains(section, v) {
			t.Errorf("%s: the verdict sentence is not said once, on the verdict line", tr.Target)
		}
		seen := map[string]bool{}
		for _, c := range tr.Checks {
			if s := clean(c.Summary); len(s) > 60 && strings.Count(section, s) > 1 && !seen[s] {
				seen[s] = true
				t.Errorf("%s: %q appears %d times", tr.Target, s, strings.Count(section, s))
			}
		}
		for _, c := range tr.Checks {
			if d, ok := c.Details.(*diag.RouteDetails); ok {
				for _, n := range d.Notes {
					if !strings.Contains(out, "note: "+clean(n)) {
						t.Errorf("%s: route note %q not in the default text", tr.Target, n)
					}
				}
			}
		}
	}
	if strings.Count(out, "routes differ: browser proxy http://***@proxy.corp.example:8080") != 1 || !strings.Contains(out, "; cli direct (from env)") {
		t.Error("the fixture's client disagreement is not in the default text, once")
	}
}

// TestQuietOnlyShortensText: -q is a text option; the documents (JSON,
// Markdown, JUnit) are the same with it, as the README says.
func TestQuietOnlyShortensText(t *testing.T) {
	for _, format := range []string{FormatJSON, FormatMarkdown, FormatJUnit} {
		if render(t, fixedReport(), format, Options{Quiet: true}) != render(t, fixedReport(), format, Options{}) {
			t.Errorf("-q changes the %s output", format)
		}
	}
	if render(t, fixedReport(), FormatText, Options{Quiet: true}) == render(t, fixedReport(), FormatText, Options{}) {
		t.Error("-q does not shorten the text output")
	}
}

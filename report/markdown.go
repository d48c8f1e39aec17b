package report

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/okviz/okviz-check/diag"
)

// renderMarkdown writes a report to paste into a ticket: a heading, then per
// target the verdict, a table of checks, the evidence as nested lists (the
// compact facts of each check; every detail with opts.Verbose, which also
// adds the proxy sources) and the fix. Every string is sanitised and
// escaped, so a header or a certificate name cannot break the table or
// inject links or HTML.
var markdownFormat = Format{Name: FormatMarkdown, Help: "to paste into a ticket or chat", render: renderMarkdown}

func renderMarkdown(w io.Writer, r *Report, opts Options) error {
	m := &lineWriter{w: w}
	m.linef("# okviz-check report: %s", label(r.Status))
	m.line("")
	m.linef("%s.", mdText(outcome(r.Targets)))
	m.line("")
	if r.Interrupted {
		m.line("**Interrupted:** the run ended (interrupted, or out of time) before every check finished: what finished is shown, the rest says `unfinished`.")
		m.line("")
	}
	m.linef("- Tool: %s", mdText(toolLine(r.Tool)))
	m.linef("- System: %s/%s", mdText(r.System.OS), mdText(r.System.Arch))
	m.linef("- Started: %s, took %d ms", r.StartedAt.Format(time.RFC3339), r.DurationMS)
	if c := r.Context; c != nil {
		m.linef("- Context: %s", mdText(contextLine(c)))
		if c.OS.Note != "" {
			m.linef("- Note: %s", mdText(c.OS.Note))
		}
		if c.ProxySettings.Warning != "" {
			m.linef("- Warning: %s", mdText(c.ProxySettings.Warning))
		}
		if lines := settingLines(c, opts.Verbose); len(lines) > 0 {
			m.line("- Settings:")
			for _, l := range lines {
				m.linef("  - %s", mdText(l))
			}
		}
	}
	for _, t := range r.Targets {
		m.line("")
		mdTarget(m, t, opts.Verbose)
	}
	if (opts.Verbose || opts.Sources) && len(r.Proxy.Sources) > 0 { // as in text: every source is a detail
		m.line("")
		m.line("## Proxy discovery")
		m.line("")
		for _, l := range mdLines(evidence(map[string]any{"sources": r.Proxy.Sources}, limitsFor(true)), "") {
			m.line(l)
		}
	}
	return m.err
}

// mdTarget writes one target: verdict, table, evidence and fix. The
// evidence is the compact facts of each check, or every detail when verbose.
func mdTarget(m *lineWriter, t diag.TargetResult, verbose bool) {
	m.linef("## %s %s", label(t.Status), mdText(t.Target))
	m.line("")
	m.linef("**Verdict:** %s %s — %s", label(t.Verdict.Status), mdCode(string(t.Verdict.Code)), mdText(verdictSummary(t.Verdict)))
	m.line("")
	route := "direct"
	if t.Route == "proxy" {
		route = "via proxy " + mdText(t.Proxy)
	} else if t.Route != "" {
		route = mdText(t.Route)
	}
	m.linef("Host %s, port %d, route: %s.", mdText(t.Host), t.Port, route)
	m.line("")
	m.line("| Stage | Check | Status | Code | Summary | Time |")
	m.line("| --- | --- | --- | --- | --- | ---: |")
	for _, c := range t.Checks {
		m.linef("| %s | %s | %s | %s | %s | %d ms |", mdText(stage(c)), mdText(c.ID), label(c.Status), mdCode(string(c.Code)), mdText(c.Summary), c.DurationMS)
	}
	var ev []string
	for _, c := range t.Checks {
		var lines []string
		if verbose {
			lines = mdLines(evidence(c.Details, limitsFor(true)), "  ")
		} else {
			for _, f := range facts(c, t.Host) {
				lines = append(lines, "  - "+mdStart(f))
			}
		}
		if len(lines) == 0 {
			continue
		}
		ev = append(ev, fmt.Sprintf("- %s (%s)", mdStart(c.ID), mdCode(string(c.Code))))
		ev = append(ev, lines...)
	}
	if len(ev) > 0 {
		m.line("")
		m.line("### Evidence")
		m.line("")
		for _, l := range ev {
			m.line(l)
		}
	}
	if fix := verdictFix(t.Verdict); fix != "" {
		m.line("")
		m.line("### Fix")
		m.line("")
		m.line(mdStart(fix))
		if others := otherFixes(t); len(others) > 0 {
			m.line("")
			for _, f := range others {
				m.linef("- Also (%s): %s", mdCode(f[0]), mdText(f[1]))
			}
		}
	}
}

// mdLines lays evidence out as a nested Markdown list. A list item that is
// a small map goes on one line ("k: v; k: v"); a bigger one gets a numbered
// entry with the map nested under it.
func mdLines(ns []node, indent string) []string {
	var out []string
	for i, n := range ns {
		var head string
		switch {
		case n.key != "" && n.value != "":
			head = mdStart(n.key) + ": " + mdText(n.value)
		case n.key != "":
			head = mdStart(n.key) + ":"
		case n.value != "":
			head = mdStart(n.value)
		default:
			if s, ok := inline(n); ok {
				head = mdStart(s)
				out = append(out, indent+"- "+head)
				continue
			}
			head = fmt.Sprintf("entry %d:", i+1)
		}
		out = append(out, indent+"- "+head)
		if n.value == "" {
			out = append(out, mdLines(n.kids, indent+"  ")...)
			if n.more > 0 {
				out = append(out, indent+"  - "+mdText(moreLine(n.more)))
			}
		}
	}
	return out
}

// mdSpecial is every character that could start Markdown or GFM syntax
// inside a line: emphasis, code, links and images, HTML and autolinks,
// entities, table cells, strikethrough, headings. A backslash makes each
// one literal.
const mdSpecial = "\\`*_[]<>|#~&"

// mdText sanitises s and escapes it for any Markdown inline position.
func mdText(s string) string {
	s = clean(s)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(mdSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdStart is mdText for text that begins a list item's content, where
// "1. " or "- " would open a nested list.
func mdStart(s string) string { return escapeBlockStart(mdText(s)) }

// escapeBlockStart escapes what would open a list item or a setext heading
// where text starts a list item's content ("1. ", "2) ", "- ", "+ ", "=").
func escapeBlockStart(s string) string {
	if s != "" && strings.ContainsRune("-+=", rune(s[0])) {
		return `\` + s
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}

// codePattern is the shape of a problem code; only those go in code spans,
// where backslash escapes do not work.
var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`)

// mdCode shows a problem code as `code`, or escaped text if it is not one.
func mdCode(code string) string {
	if codePattern.MatchString(code) {
		return "`" + code + "`"
	}
	return mdText(code)
}

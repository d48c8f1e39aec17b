package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fatih/color"

	"github.com/okviz/okviz-check/diag"
)

// maxColumn caps the width a column is padded to, so one long URL does not
// push every other line to the right.
const maxColumn = 40

// textRenderer prints the human report; color is decided once by the caller.
type textRenderer struct {
	lineWriter
	color   bool
	verbose bool
	lim     limits
}

var textFormat = Format{Name: FormatText, Help: "for people: the verdict per target, then the evidence (the default)", render: renderText}

func renderText(w io.Writer, r *Report, opts Options) error {
	if opts.Color {
		w = colorWriter(w)
	}
	t := &textRenderer{lineWriter: lineWriter{w: w}, color: opts.Color, verbose: opts.Verbose, lim: limitsFor(opts.Verbose)}
	t.verdictLines(r.Targets)
	if opts.Quiet {
		return t.err
	}
	for _, target := range r.Targets {
		t.line("")
		t.target(target)
	}
	switch {
	case opts.Verbose && len(r.Proxy.Sources) > 0:
		t.line("")
		t.line(t.paint(styleBold, "Proxy discovery"))
		t.nodes(evidence(map[string]any{"sources": r.Proxy.Sources}, t.lim), "  ")
	case opts.Sources && len(r.Proxy.Sources) > 0:
		t.line("")
		t.line(t.paint(styleBold, "Proxy sources") + " (what each place that can configure a proxy says)")
		for _, l := range sourceLines(r.Proxy.Sources) {
			t.line("  " + l)
		}
	}
	t.line("")
	if r.Interrupted {
		t.linef("%s the run ended (interrupted, or out of time) before every check finished: what finished is shown, the rest says unfinished.", t.paint(styleBold, "Interrupted:"))
	}
	t.linef("%s %s — %s", t.paint(styleBold, "Overall:"), t.status(r.Status), outcome(r.Targets))
	t.linef("%s", t.paint(styleDim, fmt.Sprintf("%s · %s/%s · started %s · %d ms",
		toolLine(r.Tool), clean(r.System.OS), clean(r.System.Arch), r.StartedAt.Format(time.RFC3339), r.DurationMS)))
	if c := r.Context; c != nil {
		t.line(t.paint(styleDim, contextLine(c)))
		if opts.Verbose {
			if c.OS.Note != "" {
				t.line(t.paint(styleDim, "  note: "+clean(c.OS.Note)))
			}
			if c.ProxySettings.Warning != "" {
				t.line(t.paint(styleDim, "  warning: "+clean(c.ProxySettings.Warning)))
			}
			t.line(t.paint(styleDim, "Settings:"))
			for _, l := range settingLines(c, true) {
				t.line(t.paint(styleDim, "  "+l))
			}
		}
	}
	return t.err
}

// verdictLines prints one line per target: status, target, code, sentence.
func (t *textRenderer) verdictLines(targets []diag.TargetResult) {
	width := 0
	for _, tr := range targets {
		width = max(width, min(utf8.RuneCountInString(clean(tr.Target)), maxColumn))
	}
	for _, tr := range targets {
		t.linef("%s  %s  %s — %s", t.status(tr.Status), pad(clean(tr.Target), width),
			clean(string(tr.Verdict.Code)), clean(verdictSummary(tr.Verdict)))
	}
}

// target prints one target: a line per check with its compact evidence
// under it, then the fix. Verbose output groups the checks by stage and
// prints every detail instead.
func (t *textRenderer) target(tr diag.TargetResult) {
	route := "direct"
	if tr.Route == "proxy" {
		route = "via proxy " + clean(tr.Proxy)
	} else if tr.Route != "" && tr.Route != "direct" {
		route = clean(tr.Route)
	}
	t.linef("%s  (%s port %d, %s)", t.paint(styleBold, clean(tr.Target)), clean(tr.Host), tr.Port, route)

	idW, codeW := 0, 0
	for _, c := range tr.Checks {
		idW = max(idW, min(utf8.RuneCountInString(clean(c.ID)), maxColumn))
		codeW = max(codeW, min(utf8.RuneCountInString(clean(string(c.Code))), maxColumn))
	}
	indent := "  "
	if t.verbose {
		indent = "    " // under the stage headings
	}
	under := indent + "      " // under the check's id
	last := ""
	said := sayOnce(tr)
	for _, c := range tr.Checks {
		if s := stage(c); t.verbose && s != last {
			t.line("  " + t.paint(styleBold, clean(s)))
			last = s
		}
		summary := clean(c.Summary)
		if !t.verbose {
			summary = said(c)
		}
		line := fmt.Sprintf("%s%s  %s  %s  %s", indent, t.status(c.Status), pad(clean(c.ID), idW), pad(clean(string(c.Code)), codeW), summary)
		if c.DurationMS > 0 {
			line += t.paint(styleDim, fmt.Sprintf("  (%d ms)", c.DurationMS))
		}
		t.line(strings.TrimRight(line, " "))
		if t.verbose {
			t.nodes(evidence(c.Details, t.lim), under)
			continue
		}
		for _, f := range facts(c, tr.Host) {
			t.line(under + f)
		}
	}
	if fix := verdictFix(tr.Verdict); fix != "" {
		t.linef("  %s %s", t.paint(styleBold, "Fix:"), clean(fix))
		for _, f := range otherFixes(tr) {
			t.linef("  %s (%s) %s", t.paint(styleBold, "Also:"), clean(f[0]), clean(f[1]))
		}
	}
}

// sayOnce returns what the default text prints as a check's sentence: the
// sentence itself the first time; a pointer once the verdict line or (for
// a long sentence) an earlier check of the target has said it, so a failing
// target does not repeat one long sentence three or four times. A short
// one ("the name did not resolve") reads better repeated than pointed to.
func sayOnce(tr diag.TargetResult) func(diag.Check) string {
	verdict := clean(verdictSummary(tr.Verdict))
	seen := map[string]string{}
	return func(c diag.Check) string {
		s := clean(c.Summary)
		switch id, ok := seen[s]; {
		case s == "":
			return s
		case s == verdict && c.Code == tr.Verdict.Code:
			return "(the verdict above)"
		case ok && utf8.RuneCountInString(s) > 60:
			return "(as " + id + ")"
		}
		seen[s] = clean(c.ID)
		return s
	}
}

// nodes prints evidence YAML-style: "key: value", lists as "- item", maps
// and lists indented under their key.
func (t *textRenderer) nodes(ns []node, indent string) {
	for _, l := range textLines(ns, indent) {
		t.line(l)
	}
}

// textLines lays evidence out as indented lines; JUnit reuses it.
func textLines(ns []node, indent string) []string {
	var out []string
	for _, n := range ns {
		head := indent
		if n.key == "" {
			head += "- "
		} else {
			head += n.key + ":"
		}
		if n.value != "" {
			if n.key != "" {
				head += " "
			}
			out = append(out, head+n.value)
			continue
		}
		kids := textLines(n.kids, indent+"  ")
		if n.more > 0 {
			kids = append(kids, indent+"  "+moreLine(n.more))
		}
		if n.key == "" && len(kids) > 0 {
			// A list item that is a map or list starts on the dash's line.
			kids[0] = head + strings.TrimPrefix(kids[0], indent+"  ")
			out = append(out, kids...)
			continue
		}
		out = append(out, head)
		out = append(out, kids...)
	}
	return out
}

// status is the padded, coloured marker of a status.
func (t *textRenderer) status(s diag.Status) string {
	var c *color.Color
	switch s {
	case diag.StatusPass:
		c = styleGreen
	case diag.StatusWarn:
		c = styleYellow
	case diag.StatusFail:
		c = styleRed
	case diag.StatusSkip, diag.StatusInfo:
		c = styleDim
	}
	return t.paint(c, pad(label(s), 4))
}

// paint wraps s in the style's escape sequences when colour is on.
func (t *textRenderer) paint(c *color.Color, s string) string {
	if !t.color || c == nil || s == "" {
		return s
	}
	return c.Sprint(s)
}

// pad right-pads s with spaces to width runes.
func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// sourceLines summarises each proxy source on one line, with its notes and
// error indented below: name, whether it holds a setting, and what it says.
func sourceLines(sources []any) []string {
	var out []string
	for _, raw := range sources {
		var s struct {
			Name       string              `json:"name"`
			Found      bool                `json:"found"`
			Origin     string              `json:"origin"`
			Mode       string              `json:"mode"`
			Proxies    map[string][]string `json:"proxies"`
			PACURL     string              `json:"pac_url"`
			AutoDetect bool                `json:"auto_detect"`
			Bypass     []string            `json:"bypass"`
			Notes      []string            `json:"notes"`
			Err        string              `json:"error"`
		}
		b, err := json.Marshal(raw)
		if err != nil || json.Unmarshal(b, &s) != nil {
			continue
		}
		parts := []string{}
		if !s.Found {
			parts = append(parts, "not set")
		}
		if s.Mode != "" {
			parts = append(parts, "mode "+s.Mode)
		}
		schemes := make([]string, 0, len(s.Proxies))
		for k := range s.Proxies {
			schemes = append(schemes, k)
		}
		sort.Strings(schemes)
		for _, k := range schemes {
			parts = append(parts, k+" → "+strings.Join(s.Proxies[k], ", "))
		}
		if s.PACURL != "" {
			parts = append(parts, "PAC "+s.PACURL)
		}
		if s.AutoDetect {
			parts = append(parts, "auto-detect")
		}
		if len(s.Bypass) > 0 {
			parts = append(parts, "bypass "+strings.Join(s.Bypass, ", "))
		}
		line := fmt.Sprintf("%-24s %s", s.Name, strings.Join(parts, "; "))
		if s.Origin != "" {
			line += "  (" + s.Origin + ")"
		}
		out = append(out, clean(line))
		for _, n := range s.Notes {
			out = append(out, "    note: "+clean(n))
		}
		if s.Err != "" {
			out = append(out, "    error: "+clean(s.Err))
		}
	}
	return out
}

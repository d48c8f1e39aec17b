package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/okviz/okviz-check/diag"
)

// lineWriter writes lines and keeps the first error, so renderers can print
// freely and check once at the end.
type lineWriter struct {
	w   io.Writer
	err error
}

func (l *lineWriter) line(s string) {
	if l.err == nil {
		_, l.err = io.WriteString(l.w, s+"\n")
	}
}

func (l *lineWriter) linef(format string, args ...any) { l.line(fmt.Sprintf(format, args...)) }

// stage names the layer a check belongs to, from its id: "dns.system" is
// dns, "clock" is clock, and the direct-path evidence gathered beside a
// proxy route ("direct.tcp.connect") is "direct.tcp".
func stage(c diag.Check) string {
	parts := strings.SplitN(c.ID, ".", 3)
	if parts[0] == "direct" && len(parts) > 1 {
		return "direct." + parts[1]
	}
	if parts[0] == "" {
		return diag.Lookup(c.Code).Stage
	}
	return parts[0]
}

// verdictSummary is the verdict's sentence, or the code's meaning when the
// verdict carries none.
func verdictSummary(v diag.Verdict) string {
	if v.Summary != "" {
		return v.Summary
	}
	return diag.Lookup(v.Code).Meaning
}

// verdictFix is what to do about the verdict, from the verdict or the table.
func verdictFix(v diag.Verdict) string {
	if v.Remediation != "" {
		return v.Remediation
	}
	if v.Status == diag.StatusPass {
		return ""
	}
	return diag.Lookup(v.Code).Remediation
}

// otherFixes lists the remediations of the target's other warnings and
// failures that say something the verdict's fix does not, once each, as
// "code: remediation" pairs in check order.
func otherFixes(t diag.TargetResult) [][2]string {
	seen := map[string]bool{verdictFix(t.Verdict): true}
	var out [][2]string
	for _, c := range t.Checks {
		if c.Status != diag.StatusWarn && c.Status != diag.StatusFail {
			continue
		}
		fix := c.Remediation
		if fix == "" {
			fix = diag.Lookup(c.Code).Remediation
		}
		if fix == "" || seen[fix] {
			continue
		}
		seen[fix] = true
		out = append(out, [2]string{string(c.Code), fix})
	}
	return out
}

// label is the upper-case marker of a status (PASS, WARN, …).
func label(s diag.Status) string {
	if s == "" {
		return "????"
	}
	return strings.ToUpper(clean(string(s)))
}

// tally counts targets by outcome for the closing line.
func tally(ts []diag.TargetResult) (fail, warn int) {
	for _, t := range ts {
		switch t.Status.Rank() {
		case diag.StatusFail.Rank():
			fail++
		case diag.StatusWarn.Rank():
			warn++
		}
	}
	return fail, warn
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// outcome is the one-sentence result of a run, e.g. "1 of 3 targets not
// reachable, 1 with warnings".
func outcome(ts []diag.TargetResult) string {
	fail, warn := tally(ts)
	var parts []string
	if fail > 0 {
		parts = append(parts, fmt.Sprintf("%d of %s not reachable", fail, plural(len(ts), "target", "targets")))
	}
	if warn > 0 {
		parts = append(parts, fmt.Sprintf("%d with warnings", warn))
	}
	unfinished := 0
	for _, t := range ts {
		if t.Status == diag.StatusSkip {
			unfinished++
		}
	}
	if unfinished > 0 {
		parts = append(parts, fmt.Sprintf("%d not finished", unfinished))
	}
	if len(parts) == 0 {
		if len(ts) == 0 {
			return "no targets"
		}
		return fmt.Sprintf("%s reachable", plural(len(ts), "target", "targets"))
	}
	return strings.Join(parts, ", ")
}

// toolLine describes the build, e.g. "okviz-check 1.2.0 (abc1234)".
func toolLine(t Tool) string {
	s := clean(t.Name)
	if s == "" {
		s = "okviz-check"
	}
	if t.Version != "" {
		s += " " + clean(t.Version)
	}
	if t.Commit != "" {
		s += " (" + clean(t.Commit) + ")"
	}
	return s
}

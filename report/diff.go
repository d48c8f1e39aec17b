package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/okviz/okviz-check/diag"
)

// Change is one difference between two reports: what changed, for which
// target and check, from what to what ("" when absent on one side).
type Change struct {
	Target string `json:"target"`
	Check  string `json:"check,omitempty"`
	What   string `json:"what"` // target, verdict, route, proxy, check, addresses, certificate
	Old    string `json:"old"`
	New    string `json:"new"`
}

// Diff lists what changed from old to new, per target and per check: the
// verdicts and statuses, the route and proxy, each check's code, the
// addresses the name resolved to, and the certificate served. Durations,
// summaries' wording and times are not differences.
func Diff(old, new *Report) []Change {
	var out []Change
	olds, news := byTarget(old), byTarget(new)
	for _, name := range unionKeys(olds, news) {
		o, inOld := olds[name]
		n, inNew := news[name]
		switch {
		case !inOld:
			out = append(out, Change{Target: name, What: "target", New: verdictWords(n.Verdict)})
			continue
		case !inNew:
			out = append(out, Change{Target: name, What: "target", Old: verdictWords(o.Verdict)})
			continue
		}
		add := func(check, what, a, b string) {
			if a != b {
				out = append(out, Change{Target: name, Check: check, What: what, Old: a, New: b})
			}
		}
		add("", "verdict", verdictWords(o.Verdict), verdictWords(n.Verdict))
		add("", "route", o.Route, n.Route)
		add("", "proxy", o.Proxy, n.Proxy)
		oc, nc := byCheck(o.Checks), byCheck(n.Checks)
		for _, id := range unionKeys(oc, nc) {
			a, b := oc[id], nc[id]
			add(id, "check", checkWords(a), checkWords(b))
			add(id, "addresses", strings.Join(addressesOf(a), ", "), strings.Join(addressesOf(b), ", "))
			add(id, "certificate", leafOf(a), leafOf(b))
		}
	}
	return out
}

func byTarget(r *Report) map[string]diag.TargetResult {
	m := map[string]diag.TargetResult{}
	for _, t := range r.Targets {
		m[t.Target] = t
	}
	return m
}

func byCheck(cs []diag.Check) map[string]*diag.Check {
	m := map[string]*diag.Check{}
	for i := range cs {
		m[cs[i].ID] = &cs[i]
	}
	return m
}

// unionKeys is the keys of both maps, sorted.
func unionKeys[V any](a, b map[string]V) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func verdictWords(v diag.Verdict) string { return fmt.Sprintf("%s [%s]", v.Code, v.Status) }

func checkWords(c *diag.Check) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf("%s [%s]", c.Code, c.Status)
}

// addressesOf is what a DNS check resolved, sorted: rotation order is no change.
func addressesOf(c *diag.Check) []string {
	if c == nil {
		return nil
	}
	d, ok := c.Details.(*diag.DNSSystemDetails)
	if !ok {
		return nil
	}
	a := slices.Clone(d.Addresses)
	slices.Sort(a)
	return a
}

// leafOf names the served leaf certificate by subject, issuer and hash.
func leafOf(c *diag.Check) string {
	if c == nil {
		return ""
	}
	d, ok := c.Details.(*diag.TLSDetails)
	if !ok || len(d.Chain) == 0 {
		return ""
	}
	l := d.Chain[0]
	return fmt.Sprintf("%s issued by %s (sha256 %s)", l.Subject, l.Issuer, l.SHA256)
}

// WriteDiff prints changes for a person: one line each, grouped by target,
// network text cleaned.
func WriteDiff(w io.Writer, changes []Change) error {
	var b strings.Builder
	if len(changes) == 0 {
		b.WriteString("No differences in verdicts, routes, checks, addresses or certificates.\n")
	}
	last := ""
	for _, c := range changes {
		if c.Target != last {
			if last != "" {
				b.WriteString("\n")
			}
			b.WriteString(clean(c.Target) + "\n")
			last = c.Target
		}
		what := c.What
		if c.Check != "" {
			what = clean(c.Check) + " " + what
		}
		old, new := clean(c.Old), clean(c.New)
		switch {
		case old == "":
			old = "(absent)"
		case new == "":
			new = "(absent)"
		}
		fmt.Fprintf(&b, "  %s: %s → %s\n", what, old, new)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

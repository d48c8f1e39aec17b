package report

import (
	"fmt"
	"strings"

	"github.com/okviz/okviz-check/diag"
)

// The compact evidence of the default text and Markdown output: per check,
// only the few facts an admin needs to act on, read from the fields of the
// check's typed details (one file per stage: facts_dns.go, facts_tcp.go,
// …). The full details stay in --verbose and in JSON.

// maxFactItems caps the lines of one list in the compact evidence (DNS
// views, TCP attempts, proxy hops); the rest is counted.
const maxFactItems = 4

// maxFactChars caps one value in a fact line.
const maxFactChars = 160

// facts returns the compact evidence lines of a check, already cleaned for
// output. Details of a kind this renderer does not know give nothing: the
// summary already says what happened.
func facts(c diag.Check, host string) []string {
	var f factList
	switch d := c.Details.(type) {
	case *diag.DNSSystemDetails:
		f.kv("note", d.Note)
		dnsSystemFacts(&f, d, host, c)
	case *diag.DNSViewsDetails:
		dnsViewFacts(&f, d)
	case *diag.TCPDetails:
		f.kv("note", d.Note)
		tcpFacts(&f, d)
	case *diag.TLSDetails:
		tlsFacts(&f, d)
	case *diag.HTTPDetails:
		httpFacts(&f, d)
	case *diag.ClockDetails:
		clockFacts(&f, d)
	case *diag.RouteDetails:
		routeFacts(&f, d)
	case *diag.TunnelDetails:
		tunnelFacts(&f, d)
	case *diag.BrowserDetails:
		browserFacts(&f, d)
	case *diag.FirewallDetails:
		hostFirewallFacts(&f, d)
	case *diag.DefenderDetails:
		hostDefenderFacts(&f, d)
	}
	return f.lines
}

// factList collects fact lines.
type factList struct{ lines []string }

// add appends one line made of the non-empty parts, joined by ", ".
func (f *factList) add(parts ...string) {
	if s := joinNonEmpty(", ", parts...); s != "" {
		f.lines = append(f.lines, s)
	}
}

// kv appends "key: value" when value (raw) is not empty.
func (f *factList) kv(key, value string) { f.add(pair(key, value)) }

// items appends one line per item, at most maxFactItems, then a line that
// counts the rest by what tally says of each ("… and 3 more: 2 ok, 1 timeout").
func items[T any](f *factList, all []T, line func(T) string, tally func(T) string) {
	counts := map[string]int{}
	var order []string
	for i, m := range all {
		if i < maxFactItems {
			f.add(line(m))
			continue
		}
		k := tally(m)
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	if rest := len(all) - maxFactItems; rest > 0 {
		parts := make([]string, 0, len(order))
		for _, k := range order {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		}
		s := moreLine(rest)
		if len(parts) > 0 {
			s += ": " + strings.Join(parts, ", ")
		}
		f.lines = append(f.lines, s)
	}
}

// val is a raw value made safe and short for a fact line.
func val(s string) string { return truncate(strings.TrimSpace(clean(s)), maxFactChars) }

// pair is "key: value" with value cleaned, or "" when value is empty.
func pair(key, value string) string {
	if v := val(value); v != "" {
		return key + ": " + v
	}
	return ""
}

func joinNonEmpty(sep string, parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// capped joins the first maxFactItems values (cleaned), counting the rest.
func capped(vs []string) string {
	out := make([]string, 0, min(len(vs), maxFactItems)+1)
	for i, v := range vs {
		if i == maxFactItems {
			out = append(out, fmt.Sprintf("+%d more", len(vs)-i))
			break
		}
		out = append(out, val(v))
	}
	return strings.Join(out, ", ")
}

// ms is a duration for a fact line.
func ms(n int64) string { return fmt.Sprintf("%d ms", n) }

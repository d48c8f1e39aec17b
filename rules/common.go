package rules

import (
	"fmt"
	"hash/fnv"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// printer collects a renderer's output; renderers append text, and what
// belongs beside the file rather than in it to the Result.
type printer struct {
	strings.Builder
	res Result
}

// note adds a line for stderr.
func (p *printer) note(format string, args ...any) {
	p.res.Notes = append(p.res.Notes, fmt.Sprintf(format, args...))
}

// l writes one formatted line.
func (p *printer) l(format string, args ...any) {
	fmt.Fprintf(p, format, args...)
	p.WriteByte('\n')
}

// blank writes an empty line.
func (p *printer) blank() { p.WriteByte('\n') }

// comment writes each line of text behind the platform's comment marker.
func (p *printer) comment(marker, text string) {
	for _, line := range strings.Split(text, "\n") {
		if line == "" {
			p.l("%s", marker)
			continue
		}
		p.l("%s %s", marker, line)
	}
}

// version is the tool version for headers ("dev" for unversioned builds).
func (s *Set) version() string {
	if s.Version == "" {
		return "dev"
	}
	return s.Version
}

// date is the generation time as RFC 3339 in UTC.
func (s *Set) date() string { return s.Date.UTC().Format(time.RFC3339) }

// headerText is the common header every format starts with: tool version,
// date, what is allowed and why, and the --resolve warning.
func headerText(s *Set, what string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "okviz-check %s: %s\n", s.version(), what)
	fmt.Fprintf(&b, "Generated %s. Allows outbound:\n", s.date())
	for _, r := range s.Rules {
		fmt.Fprintf(&b, "  %s/%d to %s (%s)\n", r.Protocol, r.Port, r.Host, purposeText(r.Purpose))
	}
	if s.Resolved {
		fmt.Fprintf(&b, "Addresses as resolved at %s (--resolve). CDN and cloud addresses change:\n", s.date())
		b.WriteString("prefer the FQDN form where the platform has one, else re-run and reload regularly.\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// header writes headerText behind a comment marker, then a blank line.
func (p *printer) header(s *Set, marker, what string) {
	p.comment(marker, headerText(s, what))
	p.blank()
}

func purposeText(pu Purpose) string {
	if pu == PurposeRevocation {
		return "certificate revocation: OCSP/CRL/AIA, plain HTTP"
	}
	return "target, HTTPS"
}

// safeName turns s into a name a platform accepts: characters outside ok
// become repl, and a name longer than max is cut and given a short hash of
// the full text, so two long hosts never collide.
func safeName(s string, max int, ok func(rune) bool, repl rune) string {
	var b strings.Builder
	for _, r := range s {
		if ok(r) {
			b.WriteRune(r)
		} else {
			b.WriteRune(repl)
		}
	}
	out := b.String()
	if len(out) <= max {
		return out
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	sum := fmt.Sprintf("%08x", h.Sum32())
	return out[:max-len(sum)-1] + string(repl) + sum
}

// Character sets used by several platforms' names.
func alnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
func alnumUnderscore(r rune) bool { return alnum(r) || r == '_' }
func alnumDash(r rune) bool       { return alnum(r) || r == '-' }
func hostChars(r rune) bool       { return alnum(r) || r == '-' || r == '_' || r == '.' }

// join formats addresses with a separator.
func join(as []netip.Addr, sep string) string {
	ss := make([]string, len(as))
	for i, a := range as {
		ss[i] = a.String()
	}
	return strings.Join(ss, sep)
}

// prefixes formats addresses as host prefixes (/32, /128).
func prefixes(as []netip.Addr) []string {
	ss := make([]string, len(as))
	for i, a := range as {
		ss[i] = netip.PrefixFrom(a, a.BitLen()).String()
	}
	return ss
}

// quoteAll wraps each string in double quotes (hosts and names are
// validated, so no escaping is needed).
func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// wellKnownService names ports 443 and 80 the way most platforms do; other
// ports need a custom service object.
func wellKnownService(port int) (string, bool) {
	switch port {
	case 443:
		return "https", true
	case 80:
		return "http", true
	}
	return "", false
}

// anyTLS reports whether some rule carries TLS (needs an inspection exemption).
func anyTLS(s *Set) bool {
	for _, r := range s.Rules {
		if r.TLS() {
			return true
		}
	}
	return false
}

// setAddressObjects writes address objects in "set" command style (PAN-OS,
// Junos): "CMD NAME FQDNKW HOST" for a name, "CMD NAME IPKW PREFIX" for an
// address literal, then "CMD NAME description "COMMENT"".
func (p *printer) setAddressObjects(s *Set, cmd string, name func(string) string, fqdnKW, ipKW string) {
	for _, r := range s.Rules {
		n := name(r.Host)
		if r.IsIP() {
			p.l("%s %s %s%s", cmd, n, ipKW, prefixes(r.Addrs())[0])
		} else {
			p.l("%s %s %s%s", cmd, n, fqdnKW, r.Host)
		}
		p.l("%s %s description %q", cmd, n, r.Comment)
	}
}

// uniq keeps the first of each repeated string, in order.
func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// fillAddr parses a host that is known to be an address literal.
func fillAddr(h string) netip.Addr { a, _ := netip.ParseAddr(h); return a }

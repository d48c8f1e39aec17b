package rules

import (
	"regexp"
	"strings"
)

// renderPiHole writes Pi-hole allow-list commands: each name as an exact
// allow entry (v6 "pihole allow", v5 "pihole -w"), and the same names as
// anchored regex allow entries for lists kept as regexes.
func renderPiHole(p *printer, s *Set) {
	p.header(s, "#", "Pi-hole allow-list entries (exact domains and regex)")
	p.comment("#", `Run on the Pi-hole host (Pi-hole v6; the v5 commands follow as comments). An
allow entry beats every block list and block regex, so a blocked name resolves
again; it changes no firewall. The same in the web interface: Domains > Add to
Allowed Domains (exact, or regex). Address literals need no DNS entry.`)
	names := uniq(hostsOf(nameRules(s)))
	dnsLiteralNote(p, s, "#")
	for _, h := range names {
		p.l("pihole allow %s --comment %q", h, "okviz-check")
	}
	p.blank()
	p.comment("#", "Regex form (matches the name exactly, any letter case); use it instead where\nyour allow-list is kept as regexes:")
	for _, h := range names {
		p.l("pihole --allow-regex '%s' --comment %q", piholeRegex(h), "okviz-check")
	}
	p.blank()
	p.comment("#", "Pi-hole v5:")
	for _, h := range names {
		p.l("#   pihole -w %s --comment %q", h, "okviz-check")
	}
	for _, h := range names {
		p.l("#   pihole --white-regex '%s' --comment %q", piholeRegex(h), "okviz-check")
	}
}

// piholeRegex anchors the host, dots escaped, as a POSIX extended regex.
func piholeRegex(h string) string { return "^" + regexp.QuoteMeta(strings.ToLower(h)) + "$" }

// dnsLiteralNote says which hosts a DNS filter does not see.
func dnsLiteralNote(p *printer, s *Set, marker string) {
	for _, r := range s.Rules {
		if r.IsIP() {
			p.l("%s %s: an address, not a name: nothing to allow in a DNS filter.", marker, r.Host)
		}
	}
}

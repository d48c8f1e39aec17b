package rules

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// rpzZone is the name of the passthru zone.
const rpzZone = "okviz-check.rpz"

// renderRPZ writes a response policy zone whose rules are passthru
// (CNAME rpz-passthru.): a QNAME trigger per name, an rpz-ip trigger per
// address literal; then the named.conf and unbound.conf lines that load it
// ahead of the blocking zones, since the first listed zone wins.
func renderRPZ(p *printer, s *Set) {
	p.header(s, ";", "DNS response policy zone (RPZ) with passthru rules, for BIND and Unbound")
	p.comment(";", `Save the zone below as /etc/bind/`+rpzZone+` (or /etc/unbound/`+rpzZone+`), check it
with: named-checkzone `+rpzZone+` /etc/bind/`+rpzZone+`
then list it FIRST in response-policy (BIND) or load it before other rpz:
clauses (Unbound): the first zone that matches decides, so passthru here
exempts the names from every blocking zone listed after it.
BIND, named.conf options { ... }:
  response-policy { zone "`+rpzZone+`"; zone "your-block-zone"; };
BIND, named.conf:
  zone "`+rpzZone+`" { type primary; file "/etc/bind/`+rpzZone+`"; };
Unbound (needs module-config: "respip validator iterator"), unbound.conf:
  rpz:
      name: "`+rpzZone+`."
      zonefile: "/etc/unbound/`+rpzZone+`"`)
	p.blank()
	p.l("$TTL 300")
	p.l("@ IN SOA localhost. hostmaster.localhost. ( %s 3600 600 86400 300 )", s.Date.UTC().Format("2006010215"))
	p.l("  IN NS localhost.")
	for _, r := range rpzTriggers(s) {
		p.l("%s CNAME rpz-passthru.", r)
	}
}

// rpzTriggers lists the owner names of the passthru rules, relative to the
// zone: names as they are, address literals as rpz-ip triggers.
func rpzTriggers(s *Set) []string {
	var out []string
	for _, r := range s.Rules {
		if !r.IsIP() {
			out = append(out, r.Host)
			continue
		}
		out = append(out, rpzIP(netip.MustParseAddr(r.Host)))
	}
	return uniq(out)
}

// rpzIP is the rpz-ip owner name of one address: prefix length, then the
// address reversed (IPv4 octets; IPv6 groups, with "zz" for the longest run
// of zero groups, as "::" would be).
func rpzIP(a netip.Addr) string {
	if a.Is4() {
		b := a.As4()
		return fmt.Sprintf("32.%d.%d.%d.%d.rpz-ip", b[3], b[2], b[1], b[0])
	}
	b := a.As16()
	var g [8]string
	for i := range g {
		g[i] = strconv.FormatUint(uint64(b[2*i])<<8|uint64(b[2*i+1]), 16)
	}
	// Longest run of at least two zero groups, first one on a tie.
	start, best := -1, 1
	for i := 0; i < 8; {
		j := i
		for j < 8 && g[j] == "0" {
			j++
		}
		if j-i > best {
			start, best = i, j-i
		}
		if j == i {
			j++
		}
		i = j
	}
	var parts []string
	for i := 7; i >= 0; i-- {
		if start >= 0 && i >= start && i < start+best {
			if i == start {
				parts = append(parts, "zz")
			}
			continue
		}
		parts = append(parts, g[i])
	}
	return "128." + strings.Join(parts, ".") + ".rpz-ip"
}

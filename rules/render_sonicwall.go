package rules

import (
	"fmt"
	"strings"
)

// renderSonicWall writes SonicOS 7 CLI: an FQDN address object per name
// (host objects for address literals), an address group per port, a
// service object for unusual ports and an access rule LAN to WAN.
func renderSonicWall(p *printer, s *Set) {
	p.header(s, "#", "SonicWall SonicOS 7 CLI (FQDN address objects and access rules)")
	p.comment("#", `Paste into the CLI (SSH) as an administrator; "commit" applies. Zones are LAN to
WAN: use yours. The firewall resolves FQDN objects with its own DNS servers
(Network > DNS) and follows their TTL. The same in the web interface: Object >
Match Objects > Addresses (type FQDN), then Policy > Rules and Policies >
Access Rules (LAN to WAN, Allow). Move the rules above any deny rule there.`)
	p.l("configure")
	for _, r := range s.Rules {
		n := swName(r.Host)
		switch a := fillAddr(r.Host); {
		case !r.IsIP():
			p.l("address-object fqdn %q domain %s zone WAN", n, r.Host)
		case a.Is4():
			p.l("address-object ipv4 %q host %s zone WAN", n, r.Host)
		default:
			p.l("address-object ipv6 %q host %s zone WAN", n, r.Host)
		}
	}
	for _, g := range s.Groups() {
		svc := "HTTPS"
		if g.Port == 80 {
			svc = "HTTP"
		} else if g.Port != 443 {
			svc = "okviz-check tcp/" + g.Key()
			p.l("service-object %q TCP %d %d", svc, g.Port, g.Port)
		}
		for _, fam := range []string{"ipv4", "ipv6"} {
			var members []string
			for _, r := range g.Rules {
				a := fillAddr(r.Host)
				if !r.IsIP() || a.Is4() == (fam == "ipv4") {
					members = append(members, r.Host)
				}
			}
			if fam == "ipv6" && len(literalsOf(g)) == 0 {
				continue // FQDN objects serve both families through the ipv4 rule
			}
			if len(members) == 0 {
				continue
			}
			grp := fmt.Sprintf("okviz-check %s tcp/%s", fam, g.Key())
			p.l("address-group %s %q", fam, grp)
			for _, h := range members {
				kind := "fqdn"
				if (Rule{Host: h}).IsIP() {
					kind = fam
				}
				p.l("    address-object %s %q", kind, swName(h))
			}
			p.l("    exit")
			p.l("access-rule %s from LAN to WAN action allow source address any service name %q destination address group %q", fam, svc, grp)
			p.l("    name %q", "okviz-check "+fam+" tcp/"+g.Key())
			p.l("    comment %q", "okviz-check")
			p.l("    exit")
		}
	}
	p.l("commit")
	p.l("exit")
}

// swName is a SonicOS object name (up to 63 characters).
func swName(h string) string {
	return safeName("okviz-check "+strings.ToLower(h), 63, func(r rune) bool { return hostChars(r) || r == ' ' || r == ':' }, '-')
}

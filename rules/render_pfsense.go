package rules

import "strings"

// pfSense and OPNsense alias names: letters, digits and underscore, at
// most 31 characters.
const bsdAliasMax = 31

// renderPfSense writes the GUI steps for a Host(s) alias holding the FQDNs
// (pfSense resolves them itself) and the pass rule, plus the alias as it
// appears in config.xml.
func renderPfSense(p *printer, s *Set) {
	p.header(s, "#", "pfSense host alias and pass rule")
	p.comment("#", `pfSense resolves the names in a host alias with its own DNS resolver every
5 minutes (System > Advanced > Firewall & NAT > Aliases Hostnames Resolve
Interval), A and AAAA alike. Wildcards are not supported (none are needed).
pfSense does not decrypt TLS itself; with the Squid package's SSL filtering,
see 'okviz-check rules --format squid' for the splice (no-bump) lines.`)
	p.blank()
	for i, g := range s.Groups() {
		alias := bsdAlias(g)
		p.l("%d. Firewall > Aliases > IP > Add", 2*i+1)
		p.l("   Name:        %s", alias)
		p.l("   Description: okviz-check tcp/%d", g.Port)
		p.l("   Type:        Host(s)")
		for _, r := range g.Rules {
			p.l("   Host:        %-40s  description: %s", r.Host, r.Comment)
		}
		p.l("   Save, then Apply Changes.")
		p.blank()
		p.l("%d. Firewall > Rules > LAN (the interface the PCs are on) > Add (above any block rule)", 2*i+2)
		p.l("   Action:           Pass")
		p.l("   Address Family:   IPv4+IPv6")
		p.l("   Protocol:         TCP")
		p.l("   Source:           LAN net")
		p.l("   Destination:      Address or Alias: %s", alias)
		p.l("   Destination Port: %d", g.Port)
		p.l("   Description:      okviz-check tcp/%d", g.Port)
		p.l("   Save, then Apply Changes.")
		p.blank()
	}
	p.comment("#", "The same aliases in config.xml (inside <aliases>), for Diagnostics > Backup & Restore:")
	for _, g := range s.Groups() {
		var descr []string
		for _, r := range g.Rules {
			descr = append(descr, r.Comment)
		}
		p.l("<alias>")
		p.l("\t<name>%s</name>", bsdAlias(g))
		p.l("\t<type>host</type>")
		p.l("\t<address>%s</address>", strings.Join(g.Hosts(), " "))
		p.l("\t<descr><![CDATA[okviz-check tcp/%d]]></descr>", g.Port)
		p.l("\t<detail><![CDATA[%s]]></detail>", strings.Join(descr, "||"))
		p.l("</alias>")
	}
}

func bsdAlias(g Group) string {
	return safeName("okviz_check_"+g.Key(), bsdAliasMax, alnumUnderscore, '_')
}

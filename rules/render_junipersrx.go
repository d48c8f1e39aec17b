package rules

// Junos address-book names: at most 63 characters.
const srxNameMax = 63

// renderJuniperSRX writes Junos set commands: global address-book entries
// with dns-name (resolved by the SRX with its system name servers), a
// custom application for unusual ports, and one policy per port.
func renderJuniperSRX(p *printer, s *Set) {
	p.header(s, "#", "Junos (SRX) set commands")
	p.comment("#", `Load with "load set terminal" in configuration mode, then commit check and
commit (lines starting with "#" are notes). Zones "trust" and "untrust" stand
for your inside and outside zones. The SRX resolves dns-name entries with the
servers under "system name-server": use the resolver the PCs use. Move each
policy above your deny policies, e.g.:
  insert security policies from-zone trust to-zone untrust policy okviz-check-443 before policy <deny-policy>`)
	p.blank()
	p.setAddressObjects(s, "set security address-book global address", srxName, "dns-name ", "")
	for _, g := range s.Groups() {
		app := "okviz-check-tcp-" + g.Key()
		if n, ok := wellKnownService(g.Port); ok {
			app = "junos-" + n
		} else {
			p.l("set applications application %s protocol tcp destination-port %d", app, g.Port)
		}
		pol := "set security policies from-zone trust to-zone untrust policy okviz-check-" + g.Key()
		for _, h := range g.Hosts() {
			p.l("%s match destination-address %s", pol, srxName(h))
		}
		p.l("%s match source-address any", pol)
		p.l("%s match application %s", pol, app)
		p.l("%s then permit", pol)
		p.l("%s then log session-close", pol)
		p.l("%s description %q", pol, "okviz-check tcp/"+g.Key())
	}
	if anyTLS(s) {
		p.blank()
		p.comment("#", `TLS inspection: if an SSL proxy profile decrypts this traffic, add the HTTPS
hosts to its whitelist (services ssl proxy profile <name> whitelist <address>).`)
	}
}

func srxName(host string) string { return safeName(host, srxNameMax, hostChars, '-') }

package rules

import "strings"

// renderWatchGuard writes the Fireware steps (Web UI and WSM Policy
// Manager): an alias with FQDN members per port and a packet-filter policy
// to it. Fireware's CLI cannot edit aliases or policies, so these are steps.
func renderWatchGuard(p *printer, s *Set) {
	p.header(s, "#", "WatchGuard Fireware FQDN alias and policy (Web UI / WSM Policy Manager)")
	p.comment("#", `Fireware 12.2 or later resolves FQDN members itself: set the Firebox's DNS
servers (Network > Interfaces > DNS/WINS) to the resolver the PCs use.
The Fireware CLI cannot edit aliases or policies: follow these steps in the
Web UI (Fireware Web UI) or in WSM Policy Manager (same names, Setup > Aliases
and Edit > Add Policy), then save the configuration to the Firebox.`)
	p.blank()
	step := 1
	for _, g := range s.Groups() {
		alias := "okviz-check-" + g.Key()
		p.l("# %d. Firewall > Aliases > Add: name %s, description \"okviz-check tcp/%s\".", step, alias, g.Key())
		p.l("#    Add each member below (Add > Member type), then Save:")
		for _, r := range g.Rules {
			typ := "FQDN"
			if a := fillAddr(r.Host); r.IsIP() {
				typ = "Host IPv4"
				if a.Is6() {
					typ = "Host IPv6"
				}
			}
			p.l("#      %-10s %s", typ, r.Host)
		}
		step++
		policy := "HTTPS"
		switch g.Port {
		case 443:
		case 80:
			policy = "HTTP"
		default:
			policy = "a custom packet filter for TCP " + g.Key() + " (Firewall > Policy Templates > Add)"
		}
		p.l("# %d. Firewall > Firewall Policies > Add Policy: Packet Filter %s,", step, policy)
		p.l("#    name %s, From: Any-Trusted, To: alias %s, action Allowed;", alias, alias)
		if g.TLS() {
			p.l("#    a packet filter passes TLS without inspection. If an HTTPS-proxy policy")
			p.l("#    would catch it first, list the names under that proxy's Domain Names")
			p.l("#    with action Allow (not Inspect): %s", strings.Join(namesOf(g), ", "))
		}
		p.l("#    Save, and move it above any policy that denies this traffic.")
		step++
	}
	p.l("# %d. Save the configuration to the Firebox; check with System Status > FQDN.", step)
}

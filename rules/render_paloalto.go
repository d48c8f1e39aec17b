package rules

import "strings"

// PAN-OS names: at most 63 characters of letters, digits, '-', '_', '.'.
const panNameMax = 63

// renderPaloAlto writes PAN-OS configure-mode set commands: an address
// object per host (type fqdn; the firewall resolves it, following the TTL),
// a security rule per port, and a decryption rule that exempts the HTTPS
// hosts from SSL forward-proxy decryption.
func renderPaloAlto(p *printer, s *Set) {
	p.header(s, "#", "PAN-OS set commands")
	p.comment("#", `Enter these lines in configure mode, then commit (lines starting with "#" are
notes). Zones are "any": narrow them to your inside and outside zones. The
firewall resolves FQDN objects with its own DNS server (Device > Setup >
Services), up to 32 addresses per object; let it use the same resolver as the
PCs. Check with: show dns-proxy fqdn all`)
	p.blank()
	panCommands(p, s, "", "rulebase")
}

// renderPanorama writes the same objects and rules for Panorama: in a
// device group, with the rules in its pre-rulebase (evaluated before the
// firewalls' local rules).
func renderPanorama(p *printer, s *Set) {
	p.header(s, "#", "Panorama set commands (device group, pre-rulebase)")
	p.comment("#", `Enter these lines in Panorama's configure mode with DG replaced by your device
group, then commit to Panorama and push to the devices (Commit > Push to
Devices). Pre-rules come before each firewall's local rules. Zones are "any":
narrow them. Each firewall resolves the FQDN objects with its own DNS server.`)
	p.blank()
	panCommands(p, s, "device-group DG ", "pre-rulebase")
}

// panCommands writes address objects, security and decryption rules under
// scope ("" or "device-group NAME ") in the named rulebase.
func panCommands(p *printer, s *Set, scope, rulebase string) {
	p.setAddressObjects(s, "set "+scope+"address", panName, "fqdn ", "ip-netmask ")
	for _, g := range s.Groups() {
		svc := "okviz-check-tcp-" + g.Key()
		if n, ok := wellKnownService(g.Port); ok {
			svc = "service-" + n
		} else {
			p.l("set %sservice %s protocol tcp port %d", scope, svc, g.Port)
		}
		rule := "okviz-check-" + g.Key()
		p.l("set %s%s security rules %s from any to any source any destination %s application any service %s action allow description %q",
			scope, rulebase, rule, panList(g), svc, "okviz-check tcp/"+g.Key())
		p.l("move %s%s security rules %s top", scope, rulebase, rule)
		if g.TLS() {
			p.l("set %s%s decryption rules %s-no-decrypt from any to any source any destination %s service any category any action no-decrypt type ssl-forward-proxy description %q",
				scope, rulebase, rule, panList(g), "okviz-check: do not decrypt")
			p.l("move %s%s decryption rules %s-no-decrypt top", scope, rulebase, rule)
		}
	}
	if !anyTLS(s) || scope != "" {
		return
	}
	p.blank()
	p.comment("#", "Alternative exemption: the SSL Decryption Exclusion list (Device > Certificate\nManagement > SSL Decryption Exclusion):")
	for _, g := range s.Groups() {
		if !g.TLS() {
			continue
		}
		for _, h := range namesOf(g) {
			p.l("#   set shared ssl-decrypt ssl-exclude-cert %s exclude yes description \"okviz-check\"", h)
		}
	}
}

func panName(host string) string { return safeName(host, panNameMax, hostChars, '-') }

// panList is a set-command list of the group's address objects.
func panList(g Group) string {
	var ns []string
	for _, h := range g.Hosts() {
		ns = append(ns, panName(h))
	}
	return "[ " + strings.Join(ns, " ") + " ]"
}

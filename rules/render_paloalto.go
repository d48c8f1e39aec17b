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
	p.setAddressObjects(s, "set address", panName, "fqdn ", "ip-netmask ")
	for _, g := range s.Groups() {
		svc := "okviz-check-tcp-" + g.Key()
		if n, ok := wellKnownService(g.Port); ok {
			svc = "service-" + n
		} else {
			p.l("set service %s protocol tcp port %d", svc, g.Port)
		}
		rule := "okviz-check-" + g.Key()
		p.l("set rulebase security rules %s from any to any source any destination %s application any service %s action allow description %q",
			rule, panList(g), svc, "okviz-check tcp/"+g.Key())
		p.l("move rulebase security rules %s top", rule)
		if g.TLS() {
			p.l("set rulebase decryption rules %s-no-decrypt from any to any source any destination %s service any category any action no-decrypt type ssl-forward-proxy description %q",
				rule, panList(g), "okviz-check: do not decrypt")
			p.l("move rulebase decryption rules %s-no-decrypt top", rule)
		}
	}
	if !anyTLS(s) {
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

package rules

import "net/netip"

// ASA object names: at most 64 characters of letters, digits and
// .!@#$%^&()-_{} (host names fit as they are).
const asaNameMax = 64

// renderCiscoASA writes ASA CLI: network objects with fqdn v4 and fqdn v6
// (resolved by the ASA once an applied ACL references them) and
// access-list entries inserted at the top of the inside interface's ACL.
func renderCiscoASA(p *printer, s *Set) {
	p.header(s, "!", "Cisco ASA objects and access-list entries")
	p.comment("!", `Paste in configuration mode. The ASA must resolve names itself:
  dns domain-lookup outside
  dns server-group DefaultDNS
   name-server <the resolver the PCs use>
"inside_access_in" stands for the ACL bound to your inside interface (see
"show running-config access-group"). Check with: show access-list | include fqdn`)
	p.blank()
	for _, r := range s.Rules {
		for _, o := range asaObjects(r) {
			p.l("object network %s", o.name)
			p.l(" %s", o.def)
			p.l(" description %s", r.Comment)
		}
	}
	for _, g := range s.Groups() {
		for _, r := range g.Rules {
			for _, o := range asaObjects(r) {
				p.l("access-list inside_access_in line 1 extended permit tcp any object %s eq %d", o.name, g.Port)
			}
		}
	}
	if anyTLS(s) {
		p.blank()
		p.comment("!", `TLS inspection: the ASA does not decrypt by itself. With Firepower (FTD), add
an SSL/decryption policy rule with action "Do not decrypt" for these hosts.`)
	}
}

type asaObject struct{ name, def string }

func asaObjects(r Rule) []asaObject {
	n := safeName(r.Host, asaNameMax-3, hostChars, '-')
	if a, err := netip.ParseAddr(r.Host); err == nil {
		return []asaObject{{n, "host " + a.String()}}
	}
	return []asaObject{{n, "fqdn v4 " + r.Host}, {n + "-v6", "fqdn v6 " + r.Host}}
}

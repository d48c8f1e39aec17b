package rules

import "net/netip"

// renderMikroTik writes RouterOS commands: address-list entries holding the
// names (RouterOS resolves them and adds dynamic entries per address) and
// accept rules in the forward chain, for IPv4 and IPv6 separately.
func renderMikroTik(p *printer, s *Set) {
	p.header(s, "#", "RouterOS (MikroTik) commands")
	p.comment("#", `Paste into a terminal or /import the file. RouterOS (6.36 and later) resolves
a name in an address list with /ip dns and adds a dynamic entry per address.
The rules go to the end of the forward chain: move them above your drop rules
(or add place-before=<number of the first drop rule>). For traffic of the
router itself use chain=output. DNS names in /ipv6 firewall address-list need
RouterOS 7; on RouterOS 6 use only the /ip lines (and addresses for IPv6).`)
	p.blank()
	for _, fam := range []string{"ip", "ipv6"} {
		for _, g := range s.Groups() {
			list := safeName("okviz-check-"+g.Key(), 63, hostChars, '-')
			n := 0
			for _, r := range g.Rules {
				if a, err := netip.ParseAddr(r.Host); err == nil && a.Is4() != (fam == "ip") {
					continue
				}
				p.l("/%s firewall address-list add list=%s address=%s comment=%q", fam, list, r.Host, r.Comment)
				n++
			}
			if n > 0 {
				p.l("/%s firewall filter add chain=forward action=accept protocol=tcp dst-port=%d dst-address-list=%s comment=%q",
					fam, g.Port, list, "okviz-check tcp/"+g.Key())
			}
		}
	}
}

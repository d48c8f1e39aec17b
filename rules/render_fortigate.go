package rules

import (
	"net/netip"
	"strings"
)

// FortiOS limits: address names up to 79 characters (63 on older
// releases, so 63 here), policy names up to 35.
const (
	fortiNameMax   = 63
	fortiPolicyMax = 35
)

// renderFortiGate writes FortiOS CLI: FQDN address and address6 objects
// (resolved by the FortiGate, cached per TTL), a custom service for
// unusual ports, one policy per port, and the ssl-exempt entries for the
// deep-inspection profile.
func renderFortiGate(p *printer, s *Set) {
	p.header(s, "#", "FortiOS CLI")
	p.comment("#", `Paste into the CLI. Interfaces are "any": narrow srcintf/dstintf to your LAN
and WAN ports. One policy with IPv4 and IPv6 addresses needs FortiOS 6.4 or
later; on older releases split it. The FortiGate resolves FQDN objects with
its own DNS settings (config system dns): use the resolver the PCs use.
Check with: diagnose firewall fqdn list
"set nat enable" source-NATs to the outgoing interface, as internet-bound
policies need; with central NAT (config system settings: set central-nat
enable) the line is refused and the central SNAT table applies: drop it.`)
	p.blank()
	// IPv4 and IPv6 objects live in separate tables; a name serves both
	// (type fqdn), an address literal only its own family.
	for _, fam := range []struct {
		table, suffix, ipKey string
		addrs                func(Rule) []netip.Addr
	}{
		{"address", "", "subnet", func(r Rule) []netip.Addr { return r.IPv4 }},
		{"address6", "-v6", "ip6", func(r Rule) []netip.Addr { return r.IPv6 }},
	} {
		p.l("config firewall %s", fam.table)
		for _, r := range s.Rules {
			if r.IsIP() && len(fam.addrs(r)) == 0 {
				continue
			}
			p.l("    edit %q", fortiName(r.Host, fam.suffix))
			if r.IsIP() {
				p.l("        set %s %s", fam.ipKey, prefixes(fam.addrs(r))[0])
			} else {
				p.l("        set type fqdn")
				p.l("        set fqdn %q", r.Host)
			}
			p.l("        set comment %q", r.Comment)
			p.l("    next")
		}
		p.l("end")
	}
	for _, g := range s.Groups() {
		if _, ok := wellKnownService(g.Port); !ok {
			p.l("config firewall service custom")
			p.l("    edit %q", "okviz-check-tcp-"+g.Key())
			p.l("        set tcp-portrange %d", g.Port)
			p.l("    next")
			p.l("end")
		}
	}
	p.l("config firewall policy")
	for _, g := range s.Groups() {
		v4, v6 := fortiAddrs(g)
		svc := "okviz-check-tcp-" + g.Key()
		if n, ok := wellKnownService(g.Port); ok {
			svc = strings.ToUpper(n)
		}
		p.l("    edit 0")
		p.l("        set name %q", safeName("okviz-check-"+g.Key(), fortiPolicyMax, hostChars, '-'))
		p.l("        set srcintf \"any\"")
		p.l("        set dstintf \"any\"")
		p.l("        set action accept")
		if len(v4) > 0 {
			p.l("        set srcaddr \"all\"")
			p.l("        set dstaddr %s", strings.Join(quoteAll(v4), " "))
		}
		if len(v6) > 0 {
			p.l("        set srcaddr6 \"all\"")
			p.l("        set dstaddr6 %s", strings.Join(quoteAll(v6), " "))
		}
		p.l("        set schedule \"always\"")
		p.l("        set service %q", svc)
		p.l("        set nat enable")
		p.l("        set logtraffic all")
		p.l("        set comments %q", "okviz-check tcp/"+g.Key())
		p.l("    next")
	}
	p.l("end")
	p.comment("#", `"edit 0" appends each policy at the bottom of the list, below any deny policy
of yours. Move each one above the first policy that would drop it (find the
IDs with: show firewall policy | grep -f okviz-check), e.g.:
  config firewall policy
      move <okviz-check policy ID> before <ID of your first deny policy>
  end`)
	if !anyTLS(s) {
		return
	}
	p.blank()
	p.comment("#", `SSL-inspection exemption: add it to the deep-inspection profile your policies
use (built-in profiles are read-only: clone one first and put its name here).`)
	p.l("config firewall ssl-ssh-profile")
	p.l("    edit \"custom-deep-inspection\"")
	p.l("        config ssl-exempt")
	for _, g := range s.Groups() {
		if !g.TLS() {
			continue
		}
		v4, v6 := fortiAddrs(g)
		for _, a := range v4 {
			p.l("            edit 0")
			p.l("                set type address")
			p.l("                set address %q", a)
			p.l("            next")
		}
		for _, a := range v6 {
			p.l("            edit 0")
			p.l("                set type address6")
			p.l("                set address6 %q", a)
			p.l("            next")
		}
	}
	p.l("        end")
	p.l("    next")
	p.l("end")
}

func fortiName(host, suffix string) string {
	return safeName(host, fortiNameMax-len(suffix), hostChars, '-') + suffix
}

// fortiAddrs names the group's address and address6 objects.
func fortiAddrs(g Group) (v4, v6 []string) {
	for _, r := range g.Rules {
		lit, _ := netip.ParseAddr(r.Host)
		if !r.IsIP() || lit.Is4() {
			v4 = append(v4, fortiName(r.Host, ""))
		}
		if !r.IsIP() || lit.Is6() {
			v6 = append(v6, fortiName(r.Host, "-v6"))
		}
	}
	return v4, v6
}

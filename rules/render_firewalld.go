package rules

import "net/netip"

// renderFirewalld writes firewall-cmd commands: an ipset per port and family
// (hash:ip, filled from --resolve) and a policy (firewalld 0.9 or later)
// from the HOST zone to ANY with a rich rule per set. firewalld lets the
// host's own traffic out by default; the policy matters where an egress
// policy of the admin's rejects it.
func renderFirewalld(p *printer, s *Set) {
	p.header(s, "#", "firewalld ipsets and an egress policy (firewall-cmd, firewalld 0.9 or later)")
	p.comment("#", `Run as root, then firewall-cmd --reload; check with firewall-cmd --check-config.
The policy goes from the HOST zone (this machine's own traffic) to ANY; on a
gateway replace HOST by the zone of the clients (e.g. internal). Its priority
-100 puts it before policies with a higher number (a default-deny egress policy
of yours should have one). ipsets hold addresses only: names are resolved now
(--resolve), or filled by dnsmasq (nftset=/NAME/4#inet#firewalld#SET on the
nftables backend). Older firewalld (no policies): put the same rich rules in
the clients' zone with --zone=ZONE instead of --policy.`)
	p.blank()
	for _, g := range s.Groups() {
		set4, set6 := ipsetNames(g)
		for _, f := range []struct {
			set, family, rich string
			addrs             []netip.Addr
		}{{set4, "inet", "ipv4", g.IPv4()}, {set6, "inet6", "ipv6", g.IPv6()}} {
			if len(f.addrs) == 0 && len(namesOf(g)) == 0 {
				continue
			}
			p.l("firewall-cmd --permanent --new-ipset=%s --type=hash:ip --option=family=%s", f.set, f.family)
			for _, a := range f.addrs {
				p.l("firewall-cmd --permanent --ipset=%s --add-entry=%s", f.set, a)
			}
		}
	}
	p.l("firewall-cmd --permanent --new-policy=okviz-check")
	p.l("firewall-cmd --permanent --policy=okviz-check --set-description=%q", "okviz-check: allow the listed hosts")
	p.l("firewall-cmd --permanent --policy=okviz-check --set-priority=-100")
	p.l("firewall-cmd --permanent --policy=okviz-check --add-ingress-zone=HOST")
	p.l("firewall-cmd --permanent --policy=okviz-check --add-egress-zone=ANY")
	for _, g := range s.Groups() {
		set4, set6 := ipsetNames(g)
		for _, f := range []struct {
			set, rich string
			n         int
		}{{set4, "ipv4", len(g.IPv4())}, {set6, "ipv6", len(g.IPv6())}} {
			if f.n == 0 && len(namesOf(g)) == 0 {
				continue
			}
			p.l(`firewall-cmd --permanent --policy=okviz-check --add-rich-rule='rule family="%s" destination ipset="%s" port port="%d" protocol="tcp" accept'`, f.rich, f.set, g.Port)
		}
		if len(namesOf(g)) > 0 && len(g.IPv4())+len(g.IPv6()) == 0 {
			p.l("# tcp/%s sets are empty: run with --resolve, or let dnsmasq fill them", g.Key())
		}
	}
	p.l("firewall-cmd --reload")
}

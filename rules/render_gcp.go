package rules

import (
	"net/netip"
	"strings"
)

// renderGCP writes gcloud commands: one egress rule per port in a global
// network firewall policy, with --dest-fqdns for names (Cloud DNS resolves
// them) and --dest-ip-ranges for address literals, one rule per family.
// Addresses from --resolve appear as VPC firewall rules for networks
// without a firewall policy.
func renderGCP(p *printer, s *Set) {
	p.header(s, "#", "Google Cloud firewall policy rules (gcloud)")
	p.comment("#", `Edit POLICY (a global network firewall policy associated with your VPC).
FQDN objects work in firewall policies only (not VPC firewall rules); Cloud
DNS resolves them, up to 32 IPv4 and 32 IPv6 addresses per name. Rule
priorities (1000 and up) are fixed numbers and unique per policy: if one is
taken, the command fails; pick free ones (gcloud compute
network-firewall-policies describe "$POLICY" --global lists them).`)
	p.l("POLICY=corp-egress")
	p.blank()
	prio := 1000
	for _, g := range s.Groups() {
		rule := func(match string) {
			p.l("gcloud compute network-firewall-policies rules create %d --firewall-policy=\"$POLICY\" --global-firewall-policy \\", prio)
			p.l("  --direction=EGRESS --action=allow --layer4-configs=tcp:%d %s \\", g.Port, match)
			p.l("  --enable-logging --description=%q", "okviz-check tcp/"+g.Key())
			prio++
		}
		if names := namesOf(g); len(names) > 0 {
			rule("--dest-fqdns=" + strings.Join(names, ","))
		}
		for _, fam := range literalFamilies(g) {
			rule("--dest-ip-ranges=" + strings.Join(prefixes(fam), ","))
		}
	}
	if !s.Resolved {
		return
	}
	p.blank()
	p.comment("#", `Without a firewall policy: VPC firewall rules by address (one per address
family; the addresses were resolved now and change). Edit NETWORK and remove
the leading "# ":`)
	for _, g := range s.Groups() {
		for _, f := range []struct {
			name string
			as   []netip.Addr
		}{{"v4", g.IPv4()}, {"v6", g.IPv6()}} {
			if len(f.as) == 0 {
				continue
			}
			p.l("# gcloud compute firewall-rules create okviz-check-%s-%s --network=NETWORK --direction=EGRESS --action=ALLOW \\", g.Key(), f.name)
			p.l("#   --rules=tcp:%d --destination-ranges=%s --priority=1000", g.Port, strings.Join(prefixes(f.as), ","))
		}
	}
}

// literalFamilies splits a group's address-literal hosts by family.
func literalFamilies(g Group) [][]netip.Addr {
	var v4, v6 []netip.Addr
	for _, r := range literalsOf(g) {
		v4 = append(v4, r.IPv4...)
		v6 = append(v6, r.IPv6...)
	}
	var out [][]netip.Addr
	for _, f := range [][]netip.Addr{v4, v6} {
		if len(f) > 0 {
			out = append(out, f)
		}
	}
	return out
}

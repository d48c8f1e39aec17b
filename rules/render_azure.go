package rules

import (
	"strconv"
	"strings"
)

// renderAzure writes az CLI commands for an Azure Firewall Policy: a rule
// collection group with one filter collection per port. Names become
// application rules (matched by SNI / Host header, no DNS proxy needed);
// address literals become network rules.
func renderAzure(p *printer, s *Set) {
	p.header(s, "#", "Azure Firewall Policy rules (az CLI)")
	p.comment("#", `Needs the azure-firewall extension (az extension add --name azure-firewall).
Edit RG and POLICY; narrow --source-addresses from '*' to your client ranges.
Application rules match the TLS SNI / HTTP Host, so they need no DNS proxy;
TLS inspection (Premium) stays off for these rules unless you enable it.
Azure Firewall does not filter IPv6, so IPv6 addresses are left out.
The priorities (group 200, collections 200 and up) are fixed numbers: if your
policy already uses them, the call fails; pick free ones.
Bash syntax: variables and "\" line ends. In PowerShell write $RG = 'rg-network'
and $POLICY = 'fw-policy', use $RG and $POLICY, and end continued lines with a
backtick instead of "\".`)
	p.l("RG=rg-network")
	p.l("POLICY=fw-policy")
	p.blank()
	p.l(`az network firewall policy rule-collection-group create --resource-group "$RG" --policy-name "$POLICY" \`)
	p.l("  --name okviz-check --priority 200")
	for i, g := range s.Groups() {
		names, lits := namesOf(g), literalsOf(g)
		prio := strconv.Itoa(200 + 10*i)
		coll := "okviz-check-" + g.Key()
		if len(names) > 0 {
			proto := "Http=" + g.Key()
			if g.TLS() {
				proto = "Https=" + g.Key()
			}
			p.l(`az network firewall policy rule-collection-group collection add-filter-collection --resource-group "$RG" --policy-name "$POLICY" \`)
			p.l("  --rule-collection-group-name okviz-check --name %s --collection-priority %s --action Allow \\", coll, prio)
			p.l("  --rule-name %s --rule-type ApplicationRule --source-addresses '*' --protocols %s \\", coll, proto)
			p.l("  --target-fqdns %s", strings.Join(names, " "))
		}
		if lits = v4Literals(lits); len(lits) > 0 {
			var as []string
			for _, r := range lits {
				as = append(as, join(r.IPv4, " "))
			}
			p.l(`az network firewall policy rule-collection-group collection add-filter-collection --resource-group "$RG" --policy-name "$POLICY" \`)
			p.l("  --rule-collection-group-name okviz-check --name %s-ip --collection-priority %d --action Allow \\", coll, 205+10*i)
			p.l("  --rule-name %s-ip --rule-type NetworkRule --source-addresses '*' --ip-protocols TCP \\", coll)
			p.l("  --destination-addresses %s --destination-ports %d", strings.Join(as, " "), g.Port)
		}
	}
}

// v4Literals keeps the IPv4 address-literal rules.
func v4Literals(rs []Rule) []Rule {
	var out []Rule
	for _, r := range rs {
		if len(r.IPv4) > 0 {
			out = append(out, r)
		}
	}
	return out
}

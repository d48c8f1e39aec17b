package rules

import "strconv"

// renderMeraki writes Meraki Dashboard API calls for an MX network's L3
// outbound rules: the PUT replaces the whole list, so the script reads the
// current rules, puts these first and writes the list back. L7 rules can
// only deny, so they are checked, not written.
func renderMeraki(p *printer, s *Set) {
	p.header(s, "#", "Cisco Meraki MX L3 outbound firewall rules (Dashboard API)")
	p.comment("#", `Bash with curl and jq. Set KEY (API key) and NET (network ID). The PUT replaces
all L3 rules: the script keeps yours after these (and drops the read-only
default rule, which the API adds back). Destinations that are names need MX 15
or later, which resolves them from the DNS traffic it sees. L7 rules can only
deny: make sure none of them denies these hosts (Security & SD-WAN > Firewall).`)
	var rules []map[string]any
	for _, g := range s.Groups() {
		for _, r := range g.Rules {
			rules = append(rules, map[string]any{"comment": r.Comment, "policy": "allow", "protocol": "tcp",
				"srcCidr": "Any", "srcPort": "Any", "destCidr": merakiDest(r), "destPort": strconv.Itoa(r.Port), "syslogEnabled": false})
		}
	}
	p.l("API=\"https://api.meraki.com/api/v1/networks/$NET/appliance/firewall/l3FirewallRules\"")
	p.l("cat > okviz-check-meraki.json <<'JSON'")
	p.l("%s", mustJSON(map[string]any{"rules": rules}))
	p.l("JSON")
	p.l(`curl -sS -H "Authorization: Bearer $KEY" "$API" |`)
	p.l(`  jq --slurpfile new okviz-check-meraki.json '{rules: ($new[0].rules + [.rules[] | select(.comment != "Default rule")])}' |`)
	p.l(`  curl -sS -X PUT -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' "$API" -d @-`)
}

func merakiDest(r Rule) string {
	if r.IsIP() {
		return prefixes(r.Addrs())[0]
	}
	return r.Host
}

package rules

// renderNetskope writes the Netskope REST API v2 calls that create and
// deploy a URL list, and the policy steps that allow it and exempt it from
// SSL decryption.
func renderNetskope(p *printer, s *Set) {
	p.header(s, "#", "Netskope URL list and SSL-decryption exemption")
	p.comment("#", `Set TENANT (your tenant host name, e.g. example.goskope.com) and TOKEN (a REST
API v2 token allowed to write /api/v2/policy/urllist), then run:`)
	p.blank()
	body := mustJSON(map[string]any{"name": "okviz-check",
		"data": map[string]any{"urls": hostsOf(s.Rules), "type": "exact"}})
	p.l(`curl -sS -X POST "https://$TENANT/api/v2/policy/urllist" \`)
	p.l(`  -H "Netskope-Api-Token: $TOKEN" -H 'Content-Type: application/json' \`)
	p.l("  -d '%s'", body)
	p.l(`curl -sS -X POST "https://$TENANT/api/v2/policy/urllist/deploy" -H "Netskope-Api-Token: $TOKEN"`)
	p.blank()
	p.comment("#", `The URL list is pending until deployed. Then, in the admin console:
1. Policies > Real-time Protection: a rule for the destination URL list
   "okviz-check" with action Allow, above blocking rules.
2. Policies > SSL Decryption: a policy for the same list with action
   "Do not decrypt" (or a Steering Configuration exception, to bypass Netskope).`)
}

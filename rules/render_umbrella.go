package rules

// renderUmbrella writes a Cisco Umbrella allow destination list: the CSV to
// upload in the dashboard and the same entries through the Policies API v2.
func renderUmbrella(p *printer, s *Set) {
	p.header(s, "#", "Cisco Umbrella allow destination list (CSV and API)")
	p.comment("#", `Dashboard: Policies > Policy Components > Destination Lists > Add (Allow),
then upload the CSV between the markers (one destination per line), and add the
list to the DNS and web policies that apply to the users. Umbrella allow lists
take domains and IPv4 addresses (not IPv6); a domain covers its subdomains.`)
	var dests []map[string]string
	for _, h := range uniq(hostsOf(s.Rules)) {
		r := Rule{Host: h}
		typ := "domain"
		if r.IsIP() {
			if a := fillAddr(h); !a.Is4() {
				p.l("# %s: Umbrella allow lists take no IPv6 address; left out.", h)
				continue
			}
			typ = "ipv4"
		}
		dests = append(dests, map[string]string{"destination": h, "type": typ, "comment": "okviz-check"})
	}
	p.l("# --- begin csv ---")
	for _, d := range dests {
		p.l("# %s", d["destination"])
	}
	p.l("# --- end csv ---")
	p.blank()
	p.comment("#", `API (OAuth client with policies.destinationLists:write and
policies.destinations:write; TOKEN from POST https://api.umbrella.com/auth/v2/token):
create the list, then add the destinations to it (LIST is the id it returns).`)
	api := `curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -X POST`
	p.l("%s https://api.umbrella.com/policies/v2/destinationlists \\", api)
	p.l("  -d '%s'", mustJSON(map[string]any{"access": "allow", "isGlobal": false, "name": "okviz-check"}))
	p.l("LIST=<id from the answer above>")
	p.l("%s \"https://api.umbrella.com/policies/v2/destinationlists/$LIST/destinations\" \\", api)
	p.l("  -d '%s'", mustJSON(dests))
}

package rules

// renderZscaler writes a Zscaler Internet Access custom URL category (the
// list to paste into the admin portal, and the same as a urlCategories API
// body) and the SSL-inspection rule that leaves it uninspected.
func renderZscaler(p *printer, s *Set) {
	p.header(s, "#", "Zscaler Internet Access (ZIA) custom URL category and SSL-inspection bypass")
	p.comment("#", `1. Administration > URL Categories > Add URL Category: name "okviz-check",
   URL super category "User-Defined". Under URLs, Add Items, paste:`)
	for _, r := range s.Rules {
		p.l("%s", r.Host)
	}
	p.blank()
	p.comment("#", `   or create it with the API (then POST /api/v1/status/activate):
   POST https://zsapi.<your cloud>.net/api/v1/urlCategories`)
	p.l("%s", mustJSON(map[string]any{
		"configuredName": "okviz-check", "superCategory": "USER_DEFINED", "customCategory": true,
		"type": "URL_CATEGORY", "urls": hostsOf(s.Rules), "description": "okviz-check",
	}))
	p.blank()
	p.comment("#", `2. Policy > SSL/TLS Inspection > Add Rule: URL categories "okviz-check",
   action "Do Not Inspect"; place it above the inspecting rules.
3. If URL & Cloud App Control blocks the category, add an Allow rule for it.
Entries are host names only (no scheme, lower case); ZIA matches them by the
SNI / Host of each request, so no addresses are needed. To keep the traffic
away from ZIA entirely, add the hosts to the PAC file or Client Connector
bypass ('okviz-check rules --format pac').`)
}

func hostsOf(rs []Rule) []string {
	hs := make([]string, len(rs))
	for i, r := range rs {
		hs[i] = r.Host
	}
	return hs
}

// tlsHosts lists the hosts of the rules that carry TLS.
func tlsHosts(s *Set) []string {
	var hs []string
	for _, r := range s.Rules {
		if r.TLS() {
			hs = append(hs, r.Host)
		}
	}
	return hs
}

package rules

import (
	"fmt"
	"strings"
)

// renderCloudflareGateway writes Cloudflare Zero Trust Gateway rules through
// the API: a DNS allow rule for the names, an HTTP Do Not Inspect rule for
// the HTTPS names, and a network allow rule for address literals.
func renderCloudflareGateway(p *printer, s *Set) {
	p.header(s, "#", "Cloudflare Zero Trust Gateway rules (API)")
	p.comment("#", `Set ACCOUNT (account ID) and TOKEN (API token with Zero Trust edit rights).
Rules run by precedence, lowest first: give these a lower number than your
block rules (the precedence values below are a guess: change them to free ones).
The same in the dashboard: Gateway > Firewall policies > DNS / HTTP / Network.`)
	api := `curl -sS -X POST "https://api.cloudflare.com/client/v4/accounts/$ACCOUNT/gateway/rules" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json'`
	names := uniq(hostsOf(nameRules(s)))
	rule := func(name, action, filter, traffic string, prec int) {
		p.l("%s \\", api)
		p.l("  -d '%s'", mustJSON(map[string]any{"name": name, "description": "okviz-check", "action": action,
			"enabled": true, "filters": []string{filter}, "traffic": traffic, "precedence": prec}))
	}
	if len(names) > 0 {
		rule("okviz-check DNS allow", "allow", "dns", "any(dns.domains[*] in "+cfSet(names)+")", 1000)
	}
	if tls := uniq(tlsNames(s)); len(tls) > 0 {
		rule("okviz-check do not inspect", "off", "http", "http.request.host in "+cfSet(tls), 1001)
	}
	var lits []string
	for _, g := range s.Groups() {
		for _, r := range literalsOf(g) {
			lits = append(lits, fmt.Sprintf("(net.dst.ip == %s and net.dst.port == %d)", r.Host, r.Port))
		}
	}
	if len(lits) > 0 {
		rule("okviz-check network allow", "allow", "l4", strings.Join(lits, " or "), 1002)
	}
}

// cfSet is a Gateway wirefilter set of strings: {"a" "b"}.
func cfSet(ss []string) string { return "{" + strings.Join(quoteAll(ss), " ") + "}" }

// tlsNames lists the names (not literals) of the rules that carry TLS.
func tlsNames(s *Set) []string {
	var out []string
	for _, r := range s.Rules {
		if r.TLS() && !r.IsIP() {
			out = append(out, r.Host)
		}
	}
	return out
}

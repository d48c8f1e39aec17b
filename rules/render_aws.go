package rules

import (
	"fmt"
	"net/netip"
	"strings"
)

// renderAWS writes AWS Network Firewall stateful rule groups: a domain list
// per port (TLS_SNI for HTTPS, HTTP_HOST for plain HTTP) with the CLI call
// that creates it, and the same allow-list in Suricata-compatible form.
func renderAWS(p *printer, s *Set) {
	p.header(s, "#", "AWS Network Firewall rule groups (domain list and Suricata form)")
	p.comment("#", `Run with AWS CLI credentials for the firewall's account and region, then add
the rule groups to your firewall policy. A domain list ALLOWLIST drops other
HTTP/TLS traffic that reaches the same rule group; HOME_NET defaults to the
firewall's VPC. Matching is by SNI / Host header: no addresses are needed.`)
	p.blank()
	for _, g := range s.Groups() {
		names := namesOf(g)
		if len(names) == 0 {
			continue
		}
		typ := "HTTP_HOST"
		if g.TLS() {
			typ = "TLS_SNI"
		}
		file := "okviz-check-" + g.Key() + ".json"
		p.l("cat > %s <<'JSON'", file)
		p.l("%s", mustJSON(map[string]any{"RulesSource": map[string]any{"RulesSourceList": map[string]any{
			"Targets": names, "TargetTypes": []string{typ}, "GeneratedRulesType": "ALLOWLIST"}}}))
		p.l("JSON")
		p.l("aws network-firewall create-rule-group --rule-group-name okviz-check-%s --type STATEFUL --capacity 100 \\", g.Key())
		p.l("  --rule-group file://%s --description %q", file, "okviz-check tcp/"+g.Key())
	}
	p.blank()
	p.comment("#", `Suricata-compatible form (instead of the above, e.g. with strict rule order):
save the lines below without "# " as okviz-check.rules, then
  aws network-firewall create-rule-group --rule-group-name okviz-check --type STATEFUL --capacity 100 --rules file://okviz-check.rules`)
	for i, l := range suricataRules(s) {
		p.l("# %s sid:%d; rev:1;)", l, 3000001+i)
	}
}

// suricataRules returns each rule's Suricata text up to (not including) sid.
func suricataRules(s *Set) []string {
	var out []string
	for _, r := range s.Rules {
		msg := "okviz-check " + r.Host
		if a, err := netip.ParseAddr(r.Host); err == nil {
			out = append(out, fmt.Sprintf(`pass tcp $HOME_NET any -> %s %d (msg:"%s"; flow:to_server;`, a, r.Port, msg))
			continue
		}
		kw, proto := "http.host", "http"
		if r.TLS() {
			kw, proto = "tls.sni", "tls"
		}
		out = append(out, fmt.Sprintf(`pass %s $HOME_NET any -> $EXTERNAL_NET %d (%s; content:"%s"; startswith; endswith; nocase; msg:"%s"; flow:to_server, established;`,
			proto, r.Port, kw, strings.ToLower(r.Host), msg))
	}
	return out
}

package rules

import (
	"fmt"
	"strings"
)

// renderAWS writes AWS Network Firewall stateful rule groups: a domain list
// per port (TLS_SNI for HTTPS, HTTP_HOST for plain HTTP) with the CLI call
// that creates it, a 5-tuple rule group for address literals (a domain list
// cannot hold them), and the same allow-list in Suricata-compatible form.
func renderAWS(p *printer, s *Set) {
	p.header(s, "#", "AWS Network Firewall rule groups (domain list and Suricata form)")
	p.comment("#", `Run with AWS CLI credentials for the firewall's account and region, then add
the rule groups to your firewall policy. A domain list ALLOWLIST drops other
HTTP/TLS traffic that reaches the same rule group; HOME_NET defaults to the
firewall's VPC. Matching is by SNI / Host header: no addresses are needed.
Strict rule order: set the policy's stateful default action to "Drop
established" (aws:drop_established). With "Drop all" (aws:drop_strict) the TCP
handshake is dropped before any SNI or Host header is seen, so no pass rule for
TLS or HTTP can ever match. (Default action order evaluates pass rules first.)`)
	p.blank()
	for _, g := range s.Groups() {
		names, typ := awsDomainList(g)
		if len(names) == 0 {
			continue
		}
		awsRuleGroup(p, "okviz-check-"+g.Key(), "okviz-check tcp/"+g.Key(), map[string]any{"RulesSourceList": map[string]any{
			"Targets": names, "TargetTypes": []string{typ}, "GeneratedRulesType": "ALLOWLIST"}})
	}
	if lits := awsLiterals(s); len(lits) > 0 {
		p.comment("#", "Address literals cannot be in a domain list: they get a 5-tuple rule group.")
		var rs []any
		for i, r := range lits {
			rs = append(rs, map[string]any{"Action": "PASS", "Header": map[string]string{
				"Protocol": "TCP", "Source": "$HOME_NET", "SourcePort": "ANY", "Direction": "FORWARD",
				"Destination": prefixes(r.Addrs())[0], "DestinationPort": fmt.Sprint(r.Port)},
				"RuleOptions": []map[string]any{{"Keyword": "sid", "Settings": []string{fmt.Sprint(3100001 + i)}}}})
		}
		awsRuleGroup(p, "okviz-check-addresses", "okviz-check address literals", map[string]any{"StatefulRules": rs})
	}
	p.blank()
	p.comment("#", `Suricata-compatible form (instead of the above, e.g. with strict rule order):
save the lines below without "# " as okviz-check.rules, then
  aws network-firewall create-rule-group --rule-group-name okviz-check --type STATEFUL --capacity 100 --rules file://okviz-check.rules`)
	p.l("# --- begin suricata ---")
	for i, l := range suricataRules(s) {
		p.l("# %s sid:%d; rev:1;)", l, 3000001+i)
	}
	p.l("# --- end suricata ---")
}

// awsDomainList is a group's names and the domain-list target type that
// matches them: the SNI for TLS, the Host header for plain HTTP.
func awsDomainList(g Group) ([]string, string) {
	if g.TLS() {
		return namesOf(g), "TLS_SNI"
	}
	return namesOf(g), "HTTP_HOST"
}

// awsLiterals lists the address-literal rules, which a domain list cannot hold.
func awsLiterals(s *Set) []Rule {
	var lits []Rule
	for _, g := range s.Groups() {
		lits = append(lits, literalsOf(g)...)
	}
	return lits
}

// awsRuleGroup writes a rule group's JSON file and the CLI call creating it.
func awsRuleGroup(p *printer, name, desc string, source map[string]any) {
	file := name + ".json"
	p.l("cat > %s <<'JSON'", file)
	p.l("%s", mustJSON(map[string]any{"RulesSource": source}))
	p.l("JSON")
	p.l("aws network-firewall create-rule-group --rule-group-name %s --type STATEFUL --capacity 100 \\", name)
	p.l("  --rule-group file://%s --description %q", file, desc)
}

// suricataRules returns each rule's Suricata text up to (not including) sid.
// Suricata 7 (which AWS Network Firewall runs) normalises http.host to lower
// case and rejects nocase after it; tls.sni is raw, so it keeps nocase.
func suricataRules(s *Set) []string {
	var out []string
	for _, r := range s.Rules {
		msg := "okviz-check " + r.Host
		if r.IsIP() {
			out = append(out, fmt.Sprintf(`pass tcp $HOME_NET any -> %s %d (msg:"%s"; flow:to_server;`, r.Host, r.Port, msg))
			continue
		}
		match := fmt.Sprintf(`http.host; content:"%s"; startswith; endswith;`, strings.ToLower(r.Host))
		proto := "http"
		if r.TLS() {
			match = fmt.Sprintf(`tls.sni; content:"%s"; startswith; endswith; nocase;`, strings.ToLower(r.Host))
			proto = "tls"
		}
		out = append(out, fmt.Sprintf(`pass %s $HOME_NET any -> $EXTERNAL_NET %d (%s msg:"%s"; flow:to_server, established;`,
			proto, r.Port, match, msg))
	}
	return out
}

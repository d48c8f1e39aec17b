package rules

import (
	"encoding/json"
	"strconv"
	"strings"
)

// renderOPNsense writes curl calls to the OPNsense REST API: a host alias
// with the FQDNs, the pass rule, and the apply calls.
func renderOPNsense(p *printer, s *Set) {
	p.header(s, "#", "OPNsense host alias and pass rule (REST API)")
	p.comment("#", `Create an API key (System > Access > Users > API keys), then set:
  FW=https://your-firewall  KEY=...  SECRET=...
OPNsense re-resolves the names of a Host(s) alias every 300 seconds by
default, A and AAAA alike. Rules made through this API land under Firewall >
Automation > Filter (not Firewall > Rules > LAN), and are evaluated before the
interface rules. The same by hand: Firewall > Aliases (type Host(s)), then
Firewall > Rules > LAN (pass, TCP, destination = alias).`)
	p.blank()
	api := `curl -sS -u "$KEY:$SECRET" -H 'Content-Type: application/json' -X POST`
	for _, g := range s.Groups() {
		alias := bsdAlias(g)
		desc := "okviz-check tcp/" + g.Key()
		p.l("# alias %s", alias)
		p.l("%s \"$FW/api/firewall/alias/addItem\" \\", api)
		p.l("  -d '%s'", mustJSON(map[string]any{"alias": map[string]string{
			"enabled": "1", "name": alias, "type": "host",
			"content": strings.Join(g.Hosts(), "\n"), "description": desc}}))
		p.l("%s \"$FW/api/firewall/filter/addRule\" \\", api)
		p.l("  -d '%s'", mustJSON(map[string]any{"rule": map[string]string{
			"enabled": "1", "action": "pass", "interface": "lan", "direction": "in",
			"ipprotocol": "inet46", "protocol": "TCP", "source_net": "any",
			"destination_net": alias, "destination_port": strconv.Itoa(g.Port), "description": desc}}))
	}
	p.l("%s \"$FW/api/firewall/alias/reconfigure\" -d '{}'", api)
	p.l("%s \"$FW/api/firewall/filter/apply\" -d '{}'", api)
}

// mustJSON encodes plain maps of validated strings, which cannot fail; keys
// come out sorted, so output is stable.
func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

package rules

import (
	"fmt"
	"strings"
)

// renderCiscoFTD writes FMC REST API calls (curl, jq): an FQDN network
// object per name, then an access rule per port in the mandatory section of
// an access control policy, with the FQDN objects and the address literals
// as destinations and the port as a literal.
func renderCiscoFTD(p *printer, s *Set) {
	p.header(s, "#", "Cisco Secure Firewall (FTD) via the FMC REST API")
	p.comment("#", `Bash with curl and jq. Set FMC, USER, DOMAIN (domain UUID: GET
/api/fmc_platform/v1/info/domain) and POLICY (access policy UUID: GET
/api/fmc_config/v1/domain/$DOMAIN/policy/accesspolicies), then deploy the policy
(Deploy > Deployment). The rules go to the top of the Mandatory section; the
FTD resolves FQDN objects with its Data DNS servers (Devices > Platform
Settings > DNS). For a TLS-decryption policy, add a "Do not decrypt" rule for
the same hosts there.`)
	p.l(`FMC=https://fmc.example.internal  USER=admin  DOMAIN=<domain UUID>  POLICY=<access policy UUID>`)
	p.l(`TOKEN=$(curl -sk -X POST -u "$USER" "$FMC/api/fmc_platform/v1/auth/generatetoken" -D - -o /dev/null | awk 'tolower($1) == "x-auth-access-token:" { print $2 }' | tr -d '\r')`)
	p.l(`api() { curl -sk -H "X-auth-access-token: $TOKEN" -H 'Content-Type: application/json' "$@"; }`)
	vars := map[string]string{}
	for i, h := range uniq(hostsOf(nameRules(s))) {
		v := fmt.Sprintf("FQDN%d", i+1)
		vars[h] = v
		p.l("%s=$(api -X POST \"$FMC/api/fmc_config/v1/domain/$DOMAIN/object/fqdns\" -d @- <<'JSON' | jq -r .id", v)
		p.l("%s", mustJSON(map[string]string{"name": safeName("okviz-check-"+h, 64, hostChars, '-'), "type": "FQDN",
			"value": h, "dnsResolution": "IPV4_AND_IPV6", "description": "okviz-check"}))
		p.l("JSON")
		p.l(")")
	}
	for _, g := range s.Groups() {
		var objs []string
		for _, h := range namesOf(g) {
			objs = append(objs, fmt.Sprintf(`{"type":"FQDN","id":"$%s"}`, vars[h]))
		}
		var lits []string
		for _, r := range literalsOf(g) {
			lits = append(lits, fmt.Sprintf(`{"type":"Host","value":"%s"}`, r.Host))
		}
		nets := []string{}
		if len(objs) > 0 {
			nets = append(nets, `"objects":[`+strings.Join(objs, ",")+`]`)
		}
		if len(lits) > 0 {
			nets = append(nets, `"literals":[`+strings.Join(lits, ",")+`]`)
		}
		p.l("api -X POST \"$FMC/api/fmc_config/v1/domain/$DOMAIN/policy/accesspolicies/$POLICY/accessrules?section=mandatory&insertBefore=1\" -d @- <<JSON")
		p.l(`{"name":"okviz-check-%s","type":"AccessRule","action":"ALLOW","enabled":true,"logBegin":false,"logEnd":true,"destinationNetworks":{%s},"destinationPorts":{"literals":[{"type":"PortLiteral","protocol":"6","port":"%d"}]}}`,
			g.Key(), strings.Join(nets, ","), g.Port)
		p.l("JSON")
	}
}

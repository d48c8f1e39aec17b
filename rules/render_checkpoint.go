package rules

import (
	"fmt"
	"strings"
)

// renderCheckPoint writes Check Point Management API commands (mgmt_cli,
// R80.40 or later): a Domain object per name in FQDN mode, an access rule
// per port and an HTTPS-inspection bypass rule, then publish.
func renderCheckPoint(p *printer, s *Set) {
	p.header(s, "#", "Check Point mgmt_cli commands")
	p.comment("#", `Run on the management server (or add -m <server>). A Domain object's name is
the host with a leading dot; is-sub-domain false is FQDN mode: the exact name,
resolved by the gateway with its DNS servers. "Network" and "Default Layer"
are the default access and HTTPS-inspection layer names: use yours.
The HTTPS-inspection layer may not match Domain objects (it decides on the SNI
and the certificate before addresses are known): if the bypass does not take,
use an Application/Site object with the host in its URL list as the rule's
site-category instead (Security Policies > HTTPS Inspection).`)
	p.blank()
	p.l("mgmt_cli login user admin > id.txt")
	for _, r := range s.Rules {
		if r.IsIP() {
			p.l("mgmt_cli -s id.txt add host name %q ip-address %q comments %q", cpObject(r), r.Host, r.Comment)
		} else {
			p.l("mgmt_cli -s id.txt add dns-domain name %q is-sub-domain false comments %q", cpObject(r), r.Comment)
		}
	}
	for _, g := range s.Groups() {
		svc, ok := wellKnownService(g.Port)
		if !ok {
			svc = "okviz-check-tcp-" + g.Key()
			p.l("mgmt_cli -s id.txt add service-tcp name %q port %d comments \"okviz-check\"", svc, g.Port)
		}
		p.l("mgmt_cli -s id.txt add access-rule layer \"Network\" position top name %q source \"Any\" %s service %q action \"Accept\" track.type \"Log\" comments %q",
			"okviz-check tcp/"+g.Key(), cpDestinations(g), svc, "okviz-check")
		if g.TLS() {
			p.l("mgmt_cli -s id.txt add https-rule layer \"Default Layer\" position top name %q %s action \"Bypass\" comments %q",
				"okviz-check bypass tcp/"+g.Key(), cpDestinations(g), "okviz-check: do not inspect")
		}
	}
	p.l("mgmt_cli -s id.txt publish")
	p.l("# then install the policy on your gateways, e.g.:")
	p.l("#   mgmt_cli -s id.txt install-policy policy-package \"Standard\" targets.1 \"<gateway>\"")
	p.l("mgmt_cli -s id.txt logout")
}

func cpObject(r Rule) string {
	if r.IsIP() {
		return "okviz-check " + r.Host
	}
	return "." + r.Host
}

// cpDestinations is the mgmt_cli array form: destination.1 "a" destination.2 "b".
func cpDestinations(g Group) string {
	var parts []string
	for i, r := range g.Rules {
		parts = append(parts, fmt.Sprintf("destination.%d %q", i+1, cpObject(r)))
	}
	return strings.Join(parts, " ")
}

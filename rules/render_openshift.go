package rules

// renderOpenShift writes an OpenShift EgressFirewall (OVN-Kubernetes):
// Allow rules by dnsName for names and by cidrSelector for address
// literals, each limited to its port.
func renderOpenShift(p *printer, s *Set) {
	p.header(s, "#", "OpenShift EgressFirewall (OVN-Kubernetes)")
	p.comment("#", `Apply with: oc apply -n NAMESPACE -f okviz-check.yaml
A namespace has at most one EgressFirewall, named "default": if it exists,
merge these rules into its spec.egress ABOVE its Deny rules (the first rule
that matches decides). dnsName rules follow the names' DNS answers.`)
	p.l("apiVersion: k8s.ovn.org/v1")
	p.l("kind: EgressFirewall")
	p.l("metadata:")
	p.l("  name: default")
	p.l("spec:")
	p.l("  egress:")
	for _, r := range s.Rules {
		p.l("    - type: Allow")
		p.l("      to:")
		if r.IsIP() {
			p.l("        cidrSelector: %s", prefixes(r.Addrs())[0])
		} else {
			p.l("        dnsName: %s", r.Host)
		}
		p.l("      ports:")
		p.l("        - protocol: TCP")
		p.l("          port: %d", r.Port)
	}
}

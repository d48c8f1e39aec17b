package rules

// renderCalico writes a Calico GlobalNetworkPolicy: egress Allow rules by
// destination.domains for names (Calico Enterprise / Calico Cloud) and by
// destination.nets for address literals, plus the DNS rule the domain
// rules need.
func renderCalico(p *printer, s *Set) {
	p.header(s, "#", "Calico GlobalNetworkPolicy (egress by domain)")
	p.comment("#", `Apply with: kubectl apply -f okviz-check.yaml (or calicoctl apply -f).
destination.domains needs Calico Enterprise or Calico Cloud (open-source Calico
rejects it: use the nets form with --resolve there). Edit the selector to the
pods that need access; order 100 puts it before policies with a higher order.
Pods must resolve through the cluster DNS for domain rules to learn addresses.`)
	p.l("apiVersion: projectcalico.org/v3")
	p.l("kind: GlobalNetworkPolicy")
	p.l("metadata:")
	p.l("  name: okviz-check")
	p.l("spec:")
	p.l("  order: 100")
	p.l("  selector: all()")
	p.l("  types:")
	p.l("    - Egress")
	p.l("  egress:")
	p.l("    - action: Allow")
	p.l("      protocol: UDP")
	p.l("      destination:")
	p.l("        ports: [53]")
	p.l("    - action: Allow")
	p.l("      protocol: TCP")
	p.l("      destination:")
	p.l("        ports: [53]")
	for _, g := range s.Groups() {
		if names := namesOf(g); len(names) > 0 {
			p.l("    - action: Allow")
			p.l("      protocol: TCP")
			p.l("      destination:")
			p.l("        domains: %s", hclList(names))
			p.l("        ports: [%d]", g.Port)
		}
		var nets []string
		nets = append(nets, prefixes(g.IPv4())...)
		nets = append(nets, prefixes(g.IPv6())...)
		if len(nets) > 0 {
			p.l("    - action: Allow")
			p.l("      protocol: TCP")
			p.l("      destination:")
			p.l("        nets: %s", hclList(nets))
			p.l("        ports: [%d]", g.Port)
		}
	}
}

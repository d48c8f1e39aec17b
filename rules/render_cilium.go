package rules

import (
	"net/netip"
	"strconv"
)

// renderCilium writes a CiliumNetworkPolicy: toFQDNs (matchName) egress per
// port, toCIDR for address literals, and the DNS rule through the DNS proxy
// that toFQDNs needs to learn the addresses.
func renderCilium(p *printer, s *Set) {
	p.header(s, "#", "CiliumNetworkPolicy (Kubernetes)")
	p.comment("#", `Apply with: kubectl apply -f okviz-check.yaml
Edit the namespace and the endpointSelector (the pods that call the service).
toFQDNs learns addresses from the DNS answers Cilium's DNS proxy sees, which
is why the kube-dns rule with a dns L7 rule is part of the policy. Once a
policy selects these pods, their other egress is denied unless allowed.`)
	p.l("apiVersion: cilium.io/v2")
	p.l("kind: CiliumNetworkPolicy")
	p.l("metadata:")
	p.l("  name: okviz-check")
	p.l("  namespace: default")
	p.l("spec:")
	p.l("  endpointSelector:")
	p.l("    matchLabels:")
	p.l("      app: okviz-client")
	p.l("  egress:")
	p.l("    - toEndpoints:")
	p.l("        - matchLabels:")
	p.l("            \"k8s:io.kubernetes.pod.namespace\": kube-system")
	p.l("            \"k8s:k8s-app\": kube-dns")
	p.l("      toPorts:")
	p.l("        - ports:")
	p.l("            - port: \"53\"")
	p.l("              protocol: ANY")
	p.l("          rules:")
	p.l("            dns:")
	p.l("              - matchPattern: \"*\"")
	for _, g := range s.Groups() {
		toPorts := func() {
			p.l("      toPorts:")
			p.l("        - ports:")
			p.l("            - port: %q", strconv.Itoa(g.Port))
			p.l("              protocol: TCP")
		}
		if names := namesOf(g); len(names) > 0 {
			p.l("    - toFQDNs:")
			for _, h := range names {
				p.l("        - matchName: %q", h)
			}
			toPorts()
		}
		if lits := literalsOf(g); len(lits) > 0 {
			p.l("    - toCIDR:")
			for _, r := range lits {
				a := r.Addrs()[0]
				p.l("        - %q", netip.PrefixFrom(a, a.BitLen()).String())
			}
			toPorts()
		}
	}
}

package rules

import "strings"

// renderIstio writes Istio ServiceEntry resources (MESH_EXTERNAL): one per
// port for the names (TLS for HTTPS, HTTP for plain HTTP, DNS resolution),
// and one per address literal (addresses, no resolution).
func renderIstio(p *printer, s *Set) {
	p.header(s, "#", "Istio ServiceEntry (MESH_EXTERNAL)")
	p.comment("#", `Apply with: kubectl apply -n NAMESPACE -f okviz-check.yaml (or in the mesh's
root namespace, usually istio-system, to export them to every namespace).
Needed where outboundTrafficPolicy is REGISTRY_ONLY; TLS entries pass the
traffic through untouched (no TLS origination).`)
	first := true
	doc := func() {
		if !first {
			p.l("---")
		}
		first = false
	}
	for _, g := range s.Groups() {
		proto, pname := "HTTP", "http-"+g.Key()
		if g.TLS() {
			proto, pname = "TLS", "tls-"+g.Key()
		}
		if names := namesOf(g); len(names) > 0 {
			doc()
			p.l("apiVersion: networking.istio.io/v1")
			p.l("kind: ServiceEntry")
			p.l("metadata:")
			p.l("  name: okviz-check-%s", g.Key())
			p.l("spec:")
			p.l("  hosts: %s", hclList(names))
			p.l("  location: MESH_EXTERNAL")
			p.l("  resolution: DNS")
			p.l("  ports:")
			p.l("    - number: %d", g.Port)
			p.l("      name: %s", pname)
			p.l("      protocol: %s", proto)
		}
		for _, r := range literalsOf(g) {
			doc()
			name := "okviz-check-" + strings.NewReplacer(".", "-", ":", "-").Replace(r.Host) + "-" + g.Key()
			p.l("apiVersion: networking.istio.io/v1")
			p.l("kind: ServiceEntry")
			p.l("metadata:")
			p.l("  name: %s", safeName(name, 63, alnumDash, '-'))
			p.l("spec:")
			p.l("  hosts: [%q]", name+".okviz-check.invalid")
			p.l("  addresses: [%q]", prefixes(r.Addrs())[0])
			p.l("  location: MESH_EXTERNAL")
			p.l("  resolution: NONE")
			p.l("  ports:")
			p.l("    - number: %d", g.Port)
			p.l("      name: %s", pname)
			p.l("      protocol: %s", "TCP")
		}
	}
}

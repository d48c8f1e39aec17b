package rules

// renderUnbound writes unbound.conf server: lines that make each name a
// transparent local zone: the most specific local-zone wins, so a block
// configured for a parent domain (always_nxdomain, refuse, static, …) no
// longer applies to these names, which resolve normally.
func renderUnbound(p *printer, s *Set) {
	p.header(s, "#", "Unbound local-zone transparent entries")
	p.comment("#", `Save as /etc/unbound/unbound.conf.d/okviz-check.conf (the file starts with
"server:"), check with unbound-checkconf, reload with unbound-control reload.
For blocks done through RPZ, use --format rpz instead: a local-zone does not
override an rpz: clause.`)
	dnsLiteralNote(p, s, "#")
	p.l("server:")
	for _, h := range uniq(hostsOf(nameRules(s))) {
		p.l("    local-zone: %q transparent", h+".")
	}
}

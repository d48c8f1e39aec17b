package rules

// renderAdGuardHome writes AdGuard Home custom filtering rules: an
// exception (@@) per name, with $important so it beats block rules that
// carry $important themselves.
func renderAdGuardHome(p *printer, s *Set) {
	p.header(s, "!", "AdGuard Home custom filtering rules (allow)")
	p.comment("!", `Paste into Filters > Custom filtering rules (or the user_rules list of
AdGuardHome.yaml), then Apply. "@@||name^" unblocks the name and its subdomains;
$important makes it win over block rules, $important ones included. Address
literals need no DNS rule.`)
	dnsLiteralNote(p, s, "!")
	for _, h := range uniq(hostsOf(nameRules(s))) {
		p.l("@@||%s^$important", h)
	}
}

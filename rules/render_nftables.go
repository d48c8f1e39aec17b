package rules

import (
	"net/netip"
	"strings"
)

// nft limits (nft 1.0.6): one comment per rule, at most 128 characters.
const nftCommentMax = 128

// nftTable is the table the output merges into: Debian's and most
// distributions' stock /etc/nftables.conf filter table.
const nftTable = "inet filter"

// nftChain is the regular chain holding the accept rules.
const nftChain = "okviz_check"

// renderNFTables writes an nft -f file that merges named address sets (one
// per port and family, filled from --resolve or by dnsmasq's nftset=) and a
// regular chain of accept rules into the admin's own filter table. An accept
// in a separate table cannot override a drop in the admin's table (nft(8):
// accept ends evaluation of that base chain only; the next base chain at the
// same hook still sees the packet), so the admin's chain must jump here.
func renderNFTables(p *printer, s *Set) {
	p.l("#!/usr/sbin/nft -f")
	p.header(s, "#", "nftables rules (IPv4 and IPv6)")
	p.comment("#", `This file adds sets and a chain "`+nftChain+`" to your table "`+nftTable+`" (Debian's
stock /etc/nftables.conf). If your filter table has another name, replace
"`+nftTable+`" everywhere below. Check with: nft -c -f okviz-check.nft
Load with: nft -f okviz-check.nft (reloading replaces the sets and the chain).
An accept in a table of its own would not help: a drop in your table's chain at
the same hook still drops the packet. So jump from your chain, ONCE, above its
drop rules (output: this machine; forward: a gateway), e.g.:
  nft insert rule `+nftTable+` output jump `+nftChain+`
  nft insert rule `+nftTable+` forward jump `+nftChain+`
or write "jump `+nftChain+`" into those chains in /etc/nftables.conf. Replies need
your chain's "ct state established,related accept" (stock rulesets have it).
If /etc/nftables.conf starts with "flush ruleset", include this file at its end.
Sets that follow DNS: let dnsmasq (the resolver the clients use) add each answer:`)
	fam, table, _ := strings.Cut(nftTable, " ")
	for _, g := range s.Groups() {
		set4, set6 := nftSetNames(g)
		for _, h := range namesOf(g) {
			p.l("#   nftset=/%s/4#%s#%s#%s,6#%s#%s#%s", h, fam, table, set4, fam, table, set6)
		}
	}
	p.blank()
	// Declare (or keep) the objects, empty them, then fill them: loading
	// twice leaves one copy of each element and rule.
	p.l("table %s {", nftTable)
	for _, g := range s.Groups() {
		set4, set6 := nftSetNames(g)
		nftSet(p, set4, "ipv4_addr", nil, "tcp/"+g.Key()+" IPv4")
		nftSet(p, set6, "ipv6_addr", nil, "tcp/"+g.Key()+" IPv6")
	}
	p.l("\tchain %s {", nftChain)
	p.l("\t\tcomment %s", nftComment("okviz-check: jump here from your output/forward chain"))
	p.l("\t}")
	p.l("}")
	for _, g := range s.Groups() {
		set4, set6 := nftSetNames(g)
		p.l("flush set %s %s", nftTable, set4)
		p.l("flush set %s %s", nftTable, set6)
	}
	p.l("flush chain %s %s", nftTable, nftChain)
	p.blank()
	p.l("table %s {", nftTable)
	for _, g := range s.Groups() {
		set4, set6 := nftSetNames(g)
		if len(g.IPv4()) > 0 {
			nftSet(p, set4, "ipv4_addr", g.IPv4(), "")
		}
		if len(g.IPv6()) > 0 {
			nftSet(p, set6, "ipv6_addr", g.IPv6(), "")
		}
	}
	p.l("\tchain %s {", nftChain)
	for _, g := range s.Groups() {
		set4, set6 := nftSetNames(g)
		c := nftComment("okviz-check: tcp/" + g.Key() + " " + strings.Join(g.Hosts(), " "))
		p.l("\t\tip daddr @%s tcp dport %d ct state new,established accept comment %s", set4, g.Port, c)
		p.l("\t\tip6 daddr @%s tcp dport %d ct state new,established accept comment %s", set6, g.Port, c)
	}
	p.l("\t}")
	p.l("}")
	if noAddresses(s) {
		p.nothingToApply("nftables")
	}
}

// nftSet declares a set; the first declaration carries the type and the
// comment, a later one only adds elements.
func nftSet(p *printer, name, typ string, addrs []netip.Addr, comment string) {
	p.l("\tset %s {", name)
	p.l("\t\ttype %s", typ)
	if comment != "" {
		p.l("\t\tcomment %s", nftComment(comment))
	}
	if len(addrs) > 0 {
		p.l("\t\telements = { %s }", join(addrs, ", "))
	}
	p.l("\t}")
}

func nftSetNames(g Group) (string, string) {
	return "okviz_v4_" + g.Key(), "okviz_v6_" + g.Key()
}

// nftComment quotes a comment, cut to nft's limit.
func nftComment(c string) string {
	if len(c) > nftCommentMax {
		c = c[:nftCommentMax-3] + "..."
	}
	return `"` + c + `"`
}

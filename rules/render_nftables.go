package rules

import (
	"net/netip"
	"strings"
)

// nft limits (nft 1.0.6): one comment per rule, at most 128 characters.
const nftCommentMax = 128

// renderNFTables writes an nft -f file: its own inet table with one named
// address set per port and family, filled from --resolve (or by dnsmasq's
// nftset=), and accept rules in output and forward chains.
func renderNFTables(p *printer, s *Set) {
	p.l("#!/usr/sbin/nft -f")
	p.header(s, "#", "nftables rules (IPv4 and IPv6)")
	p.comment("#", `Load with: nft -f okviz-check.nft (check first with: nft -c -f okviz-check.nft)
This table only ACCEPTS; a drop in another table's base chain at the same hook
still drops. If your ruleset drops by default, add the sets and the rule lines
to your own filter chain instead (or run this table's chains at a lower priority).
Sets that follow DNS: let dnsmasq (the resolver the clients use) add each answer:`)
	for _, g := range s.Groups() {
		set4, set6 := nftSetNames(g)
		for _, h := range namesOf(g) {
			p.l("#   nftset=/%s/4#inet#okviz_check#%s,6#inet#okviz_check#%s", h, set4, set6)
		}
	}
	p.blank()
	// Re-loading replaces the table: create it if missing, then delete it.
	p.l("table inet okviz_check")
	p.l("delete table inet okviz_check")
	p.blank()
	p.l("table inet okviz_check {")
	for _, g := range s.Groups() {
		set4, set6 := nftSetNames(g)
		nftSet(p, set4, "ipv4_addr", g.IPv4(), "tcp/"+g.Key()+" IPv4")
		nftSet(p, set6, "ipv6_addr", g.IPv6(), "tcp/"+g.Key()+" IPv6")
	}
	for _, hook := range []string{"output", "forward"} {
		p.l("\tchain %s {", hook)
		p.l("\t\ttype filter hook %s priority filter; policy accept;", hook)
		for _, g := range s.Groups() {
			set4, set6 := nftSetNames(g)
			c := nftComment("okviz-check: tcp/" + g.Key() + " " + strings.Join(g.Hosts(), " "))
			p.l("\t\tip daddr @%s tcp dport %d ct state new,established accept comment %s", set4, g.Port, c)
			p.l("\t\tip6 daddr @%s tcp dport %d ct state new,established accept comment %s", set6, g.Port, c)
		}
		p.l("\t}")
	}
	p.l("}")
}

func nftSet(p *printer, name, typ string, addrs []netip.Addr, comment string) {
	p.l("\tset %s {", name)
	p.l("\t\ttype %s", typ)
	p.l("\t\tcomment %s", nftComment(comment))
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

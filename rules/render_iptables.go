package rules

import (
	"net/netip"
	"strconv"
)

// ipset names are at most 31 characters. (iptables comments may have 256,
// never zero: rule comments are at most CommentMax and never empty.)
const ipsetNameMax = 31

// renderIPTables writes an iptables-restore file for IPv4. iptables has no
// FQDN objects (a name in -d is resolved once, at load), so the rules use
// the addresses from --resolve; the IPv6 counterpart, for ip6tables-restore,
// follows as a marked comment block, and the DNS-driven alternative (an
// ipset that dnsmasq fills) as comments.
// iptChain is the tool's own chain: iptables-restore --noflush empties a
// chain its file declares, so reloading replaces the rules instead of
// adding a second copy. (Chain names are at most 28 characters.)
const iptChain = "OKVIZ-CHECK"

// renderIPTables writes an iptables-restore file for IPv4. iptables has no
// FQDN objects (a name in -d is resolved once, at load), so the rules use
// the addresses from --resolve; the IPv6 counterpart, for ip6tables-restore,
// follows as a marked comment block, and the DNS-driven alternative (an
// ipset that dnsmasq fills) as comments. The rules live in their own chain,
// which the file empties on every load; the jump to it is added once.
func renderIPTables(p *printer, s *Set) {
	p.header(s, "#", "iptables-restore rules (IPv4)")
	p.comment("#", `Load without flushing the rest of the live ruleset (reloading replaces the
chain `+iptChain+`, so it never holds two copies):
  iptables-restore --noflush < okviz-check.v4.rules
then jump to it once, from OUTPUT (this machine) or FORWARD (a Linux gateway):
  iptables -C OUTPUT -j `+iptChain+` 2>/dev/null || iptables -I OUTPUT -j `+iptChain+`
Replies need an ESTABLISHED,RELATED accept (most rulesets have one). Built-in
chain policies are left as they are. Remove with:
  iptables -D OUTPUT -j `+iptChain+`; iptables -F `+iptChain+`; iptables -X `+iptChain)
	var v6 []string
	missing := false
	p.l("*filter")
	p.l(":%s - [0:0]", iptChain)
	for _, r := range s.Rules {
		if len(r.IPv4)+len(r.IPv6) == 0 {
			missing = true
			p.l("# %s: no addresses (run with --resolve, or use the ipset below)", r.Host)
			continue
		}
		for _, a := range r.IPv4 {
			p.l("%s", iptablesRule(r, a))
		}
		for _, a := range r.IPv6 {
			v6 = append(v6, iptablesRule(r, a))
		}
	}
	p.l("COMMIT")
	if noAddresses(s) {
		p.nothingToApply("iptables")
	}
	if len(v6) > 0 {
		p.blank()
		p.comment("#", "IPv6: save the lines between the markers, without the leading \"# \", as\nokviz-check.v6.rules, load them with: ip6tables-restore --noflush < okviz-check.v6.rules\nand jump once: ip6tables -C OUTPUT -j "+iptChain+" 2>/dev/null || ip6tables -I OUTPUT -j "+iptChain)
		p.l("# --- begin ip6tables ---")
		p.l("# *filter")
		p.l("# :%s - [0:0]", iptChain)
		for _, l := range v6 {
			p.l("# %s", l)
		}
		p.l("# COMMIT")
		p.l("# --- end ip6tables ---")
	}
	p.blank()
	if missing || s.Resolved {
		p.comment("#", "Addresses that follow DNS instead: let dnsmasq (the resolver the clients use)\nadd each answer to an ipset, and match the set. Create the sets first:")
		for _, g := range s.Groups() {
			set4, set6 := ipsetNames(g)
			p.l("#   ipset create %s hash:ip family inet", set4)
			p.l("#   ipset create %s hash:ip family inet6", set6)
		}
		p.l("# dnsmasq.conf:")
		for _, g := range s.Groups() {
			set4, set6 := ipsetNames(g)
			for _, h := range namesOf(g) {
				p.l("#   ipset=/%s/%s,%s", h, set4, set6)
			}
		}
		p.l("# rules, in the file above (iptables; ip6tables with the inet6 set):")
		for _, g := range s.Groups() {
			set4, _ := ipsetNames(g)
			p.l("#   -A %s -p tcp -m set --match-set %s dst --dport %d -m comment --comment \"okviz-check\" -j ACCEPT", iptChain, set4, g.Port)
		}
	}
}

func iptablesRule(r Rule, a netip.Addr) string {
	c := r.Comment
	if c == "" {
		c = "okviz-check"
	}
	return "-A " + iptChain + " -p tcp -d " + netip.PrefixFrom(a, a.BitLen()).String() +
		" --dport " + strconv.Itoa(r.Port) +
		" -m conntrack --ctstate NEW,ESTABLISHED -m comment --comment \"" + c + "\" -j ACCEPT"
}

func ipsetNames(g Group) (string, string) {
	base := "okviz-check-" + g.Key()
	return safeName(base+"-v4", ipsetNameMax, hostChars, '-'), safeName(base+"-v6", ipsetNameMax, hostChars, '-')
}

// namesOf lists the group's host names (not address literals).
func namesOf(g Group) []string {
	var hs []string
	for _, r := range g.Rules {
		if !r.IsIP() {
			hs = append(hs, r.Host)
		}
	}
	return hs
}

// literalsOf lists the group's address-literal hosts.
func literalsOf(g Group) []Rule {
	var rs []Rule
	for _, r := range g.Rules {
		if r.IsIP() {
			rs = append(rs, r)
		}
	}
	return rs
}

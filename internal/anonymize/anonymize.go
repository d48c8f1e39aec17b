// Package anonymize replaces what identifies a person or a network in the
// files of a support bundle — user names, host names and private
// addresses — with tokens (user-1, host-2, domain-1, private-ip-3) while
// keeping what support needs to read them: the targets themselves, public
// names and addresses, codes and check ids.
//
// One Anonymizer serves one bundle: the same input (ignoring case) always
// becomes the same token in every file of it, so "private-ip-1" in the
// report is the same resolver as "private-ip-1" in resolv.conf.
//
// What counts as a name to hide:
//   - the user names and host names the caller registers (the account, the
//     machine, every proxy and PAC host it read), and every name under the
//     parent domain of a registered host (the proxy's company domain) or
//     under a registered domain (DNS search domains, bypass entries);
//   - every name under a suffix only private networks use (.local, .lan,
//     .corp, .internal, .intranet, .home.arpa, …);
//   - a single-label host of a URL or of "host:port" (http://wpad-proxy/,
//     PROXY01:8080), which can only be a local name;
//   - every private, link-local or CGNAT address (RFC 1918, RFC 6598, ULA);
//   - every account SID (S-1-5-21-…), which names a machine or domain and
//     a user.
//
// Credentials are not this package's job: redact hides them, with or
// without anonymizing.
package anonymize

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Anonymizer holds the tokens of one bundle. Register what is known, Learn
// every text, then Text each one.
type Anonymizer struct {
	keep    map[string]bool   // lower-case names and addresses never replaced (the targets)
	users   map[string]bool   // lower-case user names to hide
	hosts   map[string]bool   // lower-case host names to hide
	domains map[string]bool   // lower-case domains: they and every name under them are hidden
	tokens  map[string]string // "kind\x00lower-case value" -> token
	counts  map[string]int    // kind -> tokens handed out
}

// New returns an Anonymizer that never replaces the names and addresses in
// keep (the targets' hosts).
func New(keep ...string) *Anonymizer {
	a := &Anonymizer{keep: map[string]bool{}, users: map[string]bool{}, hosts: map[string]bool{}, domains: map[string]bool{}, tokens: map[string]string{}, counts: map[string]int{}}
	for _, k := range keep {
		if k = norm(k); k != "" {
			a.keep[k] = true
		}
	}
	return a
}

// genericNames are names that identify nobody: hiding them would only
// garble the text ("the trusted root", "auto-detect (WPAD)").
var genericNames = map[string]bool{
	"root": true, "system": true, "administrator": true, "admin": true, "user": true, "guest": true,
	"localservice": true, "networkservice": true, "local service": true, "network service": true,
	"default": true, "public": true, "nt authority": true, "localhost": true, "wpad": true, "nobody": true,
	"okviz-check": true,
}

// User registers a user name (DOMAIN\user and user@domain are split: the
// user part is a user, the domain part a domain).
func (a *Anonymizer) User(name string) {
	name = strings.TrimSpace(name)
	if dom, u, ok := strings.Cut(name, `\`); ok {
		a.Domain(dom)
		name = u
	} else if u, dom, ok := strings.Cut(name, "@"); ok {
		a.Domain(dom)
		name = u
	}
	if n := norm(name); len(n) > 1 && !genericNames[n] && !a.keep[n] {
		a.users[n] = true
	}
}

// Host registers a host name, or the host of a URL or host:port; the parent
// domain of a dotted name is registered too (proxy.corp.example hides
// every name under corp.example), unless it is a public suffix. Addresses
// are left to the address rule.
func (a *Anonymizer) Host(s string) {
	h := hostOf(s)
	if h == "" || a.keep[h] || genericNames[h] {
		return
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return
	}
	a.hosts[h] = true
	if _, parent, ok := strings.Cut(h, "."); ok && strings.Contains(parent, ".") {
		a.Domain(parent)
	}
}

// Domain registers a domain: it and every name under it are hidden. A
// public suffix (com, co.uk) is never registered.
func (a *Anonymizer) Domain(d string) {
	d = strings.TrimPrefix(norm(d), "*")
	d = strings.TrimPrefix(d, ".")
	if !strings.Contains(d, ".") {
		// A NetBIOS domain (CONTOSO in CONTOSO\jdoe) is one name to hide.
		if isName(d) && !a.keep[d] {
			a.hosts[d] = true
		}
		return
	}
	if d == "" || a.keep[d] || genericNames[d] || !strings.ContainsAny(d, "abcdefghijklmnopqrstuvwxyz") {
		return
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return
	}
	if ps, _ := publicsuffix.PublicSuffix(d); ps == d {
		return
	}
	a.domains[d] = true
}

// Learn registers the local names a text reveals by their place — the
// single-label host of a URL or of host:port — so that their other
// occurrences, in this text or another, get the same token. Call it on
// every text of the bundle before the first Text.
func (a *Anonymizer) Learn(s string) {
	for _, re := range []*regexp.Regexp{urlHost, hostPort} {
		for _, m := range re.FindAllStringSubmatch(s, -1) {
			if h := norm(m[1]); isName(h) && !strings.Contains(h, ".") && !protocols[h] {
				a.Host(h)
			}
		}
	}
}

// urlHost finds the host of "scheme://[user@]host"; hostPort a word
// followed by ":port".
var (
	urlHost  = regexp.MustCompile(`://(?:[^/@\s"]*@)?([A-Za-z0-9_][A-Za-z0-9_.-]*)`)
	hostPort = regexp.MustCompile(`(?:^|[^A-Za-z0-9_.:/\\-])([A-Za-z][A-Za-z0-9_-]*):[0-9]{1,5}\b`)
)

// protocols are words that precede a port number without being a host
// ("tcp:443" in an error message).
var protocols = map[string]bool{"tcp": true, "udp": true, "http": true, "https": true, "socks": true, "socks5": true, "dns": true, "port": true, "ip": true}

// ipv6 finds candidates for IPv6 addresses: hex digits and at least two
// colons (netip decides).
var ipv6 = regexp.MustCompile(`[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*`)

// word finds dotted words: host names, IPv4 addresses, file names, codes.
var word = regexp.MustCompile(`[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*`)

// accountSID finds the SID of a local or domain account (S-1-5-21-…): it
// names the machine or domain and the user. Well-known SIDs (S-1-5-18,
// SYSTEM) identify nobody and stay.
var accountSID = regexp.MustCompile(`(?i)\bS-1-5-21(?:-[0-9]+){3,4}\b`)

// Text returns s with every user name, local host name, private address
// and account SID replaced by its token.
func (a *Anonymizer) Text(s string) string {
	s = accountSID.ReplaceAllStringFunc(s, func(m string) string { return a.token("sid", strings.ToUpper(m)) })
	s = ipv6.ReplaceAllStringFunc(s, func(m string) string {
		addr, err := netip.ParseAddr(m)
		if err != nil || !addr.Is6() || !private(addr) || a.keep[norm(m)] {
			return m
		}
		return a.token("private-ip", addr.String())
	})
	return word.ReplaceAllStringFunc(s, func(w string) string {
		n := norm(w)
		if a.keep[n] {
			return w
		}
		if addr, err := netip.ParseAddr(n); err == nil {
			if addr.Is4() && private(addr) {
				return a.token("private-ip", addr.String())
			}
			return w
		}
		switch {
		case a.users[n]:
			return a.token("user", n)
		case a.domains[n]:
			return a.token("domain", n)
		case a.hosts[n], a.underDomain(n), privateSuffix(n):
			return a.token("host", n)
		}
		return w
	})
}

// underDomain reports whether n is a name under a registered domain.
func (a *Anonymizer) underDomain(n string) bool {
	for i := strings.IndexByte(n, '.'); i >= 0; {
		if a.domains[n[i+1:]] {
			return true
		}
		j := strings.IndexByte(n[i+1:], '.')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return false
}

// privateSuffixes are the top-level names private networks use (RFC 6762
// .local, RFC 8375 .home.arpa, ICANN's .internal, and the common
// unofficial ones).
var privateSuffixes = []string{".local", ".lan", ".corp", ".internal", ".intranet", ".localdomain", ".home.arpa", ".home", ".private", ".ad"}

// privateSuffix reports whether n is a name under a private suffix.
func privateSuffix(n string) bool {
	for _, suf := range privateSuffixes {
		if strings.HasSuffix(n, suf) && len(n) > len(suf) {
			return true
		}
	}
	return false
}

// private reports whether an address belongs to a private network: RFC
// 1918 and ULA (netip's IsPrivate), link-local, and CGNAT (100.64.0.0/10,
// also Zscaler's and Tailscale's range). Loopback and public addresses
// identify nobody and stay.
func private(addr netip.Addr) bool {
	addr = addr.Unmap()
	return addr.IsPrivate() || addr.IsLinkLocalUnicast() || cgnat.Contains(addr)
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// token returns the token of value for its kind, handing out the next one
// the first time.
func (a *Anonymizer) token(kind, value string) string {
	key := kind + "\x00" + value
	if t, ok := a.tokens[key]; ok {
		return t
	}
	a.counts[kind]++
	t := fmt.Sprintf("%s-%d", kind, a.counts[kind])
	a.tokens[key] = t
	return t
}

// Tokens returns how many values of each kind were replaced.
func (a *Anonymizer) Tokens() map[string]int {
	out := make(map[string]int, len(a.counts))
	for k, v := range a.counts {
		out[k] = v
	}
	return out
}

// hostOf is the lower-case host of a URL, of host:port, or the name itself.
func hostOf(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if strings.HasPrefix(s, "[") {
		if i := strings.IndexByte(s, ']'); i > 0 {
			return norm(s[1:i])
		}
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 && strings.Count(s, ":") == 1 {
		s = s[:i]
	}
	return norm(s)
}

// norm lower-cases a name and drops a trailing root dot.
func norm(s string) string { return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".") }

// isName reports whether s can be a host name label: letters, digits, "-"
// and "_", with at least one letter (so "8080" is no host).
func isName(s string) bool {
	return s != "" && strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz") && !genericNames[s]
}

package rules

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/okviz/okviz-check/diag"
)

// Purpose says why a host is on the list.
type Purpose string

// Purposes of a rule.
const (
	// PurposeTarget is a service the user asked about (HTTPS).
	PurposeTarget Purpose = "target"
	// PurposeRevocation is an OCSP, CRL or AIA host named by the
	// certificates a target serves (plain HTTP, usually port 80).
	PurposeRevocation Purpose = "revocation"
)

// Rule is one thing to allow: outbound Protocol to Host:Port.
type Rule struct {
	Host     string  // lower-case host name or IP literal, validated
	Port     int     // 1..65535
	Protocol string  // "tcp"
	Purpose  Purpose // target or revocation
	Comment  string  // short human note, safe in any platform's quotes
	// IPv4 and IPv6 are the addresses Host resolved to (with --resolve),
	// or the literal itself when Host is an address.
	IPv4 []netip.Addr
	IPv6 []netip.Addr
}

// IsIP reports whether Host is an address literal rather than a name.
func (r Rule) IsIP() bool { _, err := netip.ParseAddr(r.Host); return err == nil }

// TLS reports whether the rule carries TLS (and so may need an exemption
// from TLS inspection): targets are HTTPS, revocation fetches are plain HTTP.
func (r Rule) TLS() bool { return r.Purpose == PurposeTarget }

// Addrs returns IPv4 then IPv6 addresses.
func (r Rule) Addrs() []netip.Addr { return append(slices.Clone(r.IPv4), r.IPv6...) }

// Set is everything a renderer needs: the rules and the facts for the header.
type Set struct {
	Version string    // okviz-check version for the header
	Date    time.Time // when the rules were generated (and resolved)
	// Resolved is true when the addresses were looked up (--resolve): the
	// header then warns that CDN addresses change.
	Resolved bool
	Rules    []Rule
}

// TargetRule builds the rule for a parsed target.
func TargetRule(t diag.Target) Rule {
	r := Rule{Host: t.Host, Port: t.Port, Protocol: "tcp", Purpose: PurposeTarget,
		Comment: comment(t.Host)}
	fillLiteral(&r)
	return r
}

// RevocationRules turns the OCSP/CRL/AIA URLs of a certificate chain into
// rules. The URLs come from the network, so each host is validated like a
// target; unusable URLs (other schemes, bad host names) are returned as
// errors alongside the good rules, for the caller to report as warnings.
func RevocationRules(urls []string) ([]Rule, []error) {
	var out []Rule
	var errs []error
	for _, raw := range urls {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			errs = append(errs, fmt.Errorf("revocation URL %q: not an http(s) URL", raw))
			continue
		}
		port := 80
		if u.Scheme == "https" {
			port = 443
		}
		if p := u.Port(); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 || n > 65535 {
				errs = append(errs, fmt.Errorf("revocation URL %q: bad port", raw))
				continue
			}
			port = n
		}
		// ParseTarget validates the host name; the port is set separately.
		t, err := diag.ParseTarget(u.Hostname())
		if err != nil {
			errs = append(errs, fmt.Errorf("revocation URL %q: %v", raw, err))
			continue
		}
		r := Rule{Host: t.Host, Port: port, Protocol: "tcp", Purpose: PurposeRevocation,
			Comment: comment("revocation " + t.Host)}
		fillLiteral(&r)
		out = append(out, r)
	}
	return out, errs
}

// CommentMax is the longest rule comment: it fits every platform's comment
// field (nft allows 128 characters, the tightest of them).
const CommentMax = 120

// comment is "okviz-check: what", or just "okviz-check" when that would be
// longer than CommentMax (host names reach 253 characters).
func comment(what string) string {
	if c := "okviz-check: " + what; len(c) <= CommentMax {
		return c
	}
	return "okviz-check"
}

// fillLiteral puts an address-literal host into its own address list, so
// address-only platforms work without --resolve.
func fillLiteral(r *Rule) {
	a, err := netip.ParseAddr(r.Host)
	if err != nil {
		return
	}
	if a.Is4() || a.Is4In6() {
		r.IPv4 = []netip.Addr{a.Unmap()}
	} else {
		r.IPv6 = []netip.Addr{a}
	}
}

// Dedup drops repeated host/port/protocol rules, keeping the first (targets
// come before revocation hosts, so a host that is both stays a target).
func Dedup(rs []Rule) []Rule {
	seen := map[string]bool{}
	var out []Rule
	for _, r := range rs {
		k := r.Protocol + "/" + r.Host + "/" + strconv.Itoa(r.Port)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, r)
	}
	return out
}

// LookupFunc resolves a host name to its addresses, like
// (*net.Resolver).LookupNetIP(ctx, "ip", host).
type LookupFunc func(ctx context.Context, host string) ([]netip.Addr, error)

// Resolve fills IPv4 and IPv6 of every name rule through lookup and marks
// the set as resolved. A name that does not resolve, or resolves to no
// address, is an error naming the host: rules built on a partial answer
// would silently block it.
func Resolve(ctx context.Context, s *Set, lookup LookupFunc) error {
	cache := map[string][]netip.Addr{}
	for i := range s.Rules {
		r := &s.Rules[i]
		if r.IsIP() {
			continue
		}
		addrs, ok := cache[r.Host]
		if !ok {
			var err error
			addrs, err = lookup(ctx, r.Host)
			if err != nil {
				return fmt.Errorf("cannot resolve %s: %w", r.Host, err)
			}
			if len(addrs) == 0 {
				return fmt.Errorf("cannot resolve %s: no addresses", r.Host)
			}
			cache[r.Host] = addrs
		}
		r.IPv4, r.IPv6 = splitFamilies(addrs)
	}
	s.Resolved = true
	return nil
}

// splitFamilies sorts and de-duplicates addresses into IPv4 and IPv6, so
// output does not depend on the resolver's answer order.
func splitFamilies(addrs []netip.Addr) (v4, v6 []netip.Addr) {
	for _, a := range addrs {
		a = a.Unmap().WithZone("")
		if !a.IsValid() {
			continue
		}
		if a.Is4() {
			v4 = append(v4, a)
		} else {
			v6 = append(v6, a)
		}
	}
	for _, p := range []*[]netip.Addr{&v4, &v6} {
		slices.SortFunc(*p, func(a, b netip.Addr) int { return a.Compare(b) })
		*p = slices.Compact(*p)
	}
	return v4, v6
}

// Group is the rules that share a protocol, port and purpose: most
// platforms render one allow rule (and one object group) per group.
type Group struct {
	Protocol string
	Port     int
	Purpose  Purpose
	Rules    []Rule
}

// TLS reports whether the group's traffic is TLS (see Rule.TLS).
func (g Group) TLS() bool { return g.Purpose == PurposeTarget }

// Key is the short name part of the group's objects: its port, as text.
func (g Group) Key() string { return strconv.Itoa(g.Port) }

// Hosts lists the group's hosts in order.
func (g Group) Hosts() []string {
	hs := make([]string, len(g.Rules))
	for i, r := range g.Rules {
		hs[i] = r.Host
	}
	return hs
}

// IPv4 and IPv6 list every address of the group's rules, sorted, unique.
func (g Group) IPv4() []netip.Addr { v4, _ := splitFamilies(g.addrs()); return v4 }

// IPv6 lists every IPv6 address of the group's rules, sorted, unique.
func (g Group) IPv6() []netip.Addr { _, v6 := splitFamilies(g.addrs()); return v6 }

func (g Group) addrs() []netip.Addr {
	var all []netip.Addr
	for _, r := range g.Rules {
		all = append(all, r.Addrs()...)
	}
	return all
}

// Groups splits the rules by protocol and port, in first-seen order. A port
// shared by a target and a revocation host (e.g. a revocation URL on 443)
// stays one group with the target purpose, because the target's needs
// (a TLS-inspection exemption) are the stricter ones.
func (s *Set) Groups() []Group {
	var gs []Group
	idx := map[string]int{}
	for _, r := range s.Rules {
		k := r.Protocol + "/" + strconv.Itoa(r.Port)
		i, ok := idx[k]
		if !ok {
			i = len(gs)
			idx[k] = i
			gs = append(gs, Group{Protocol: r.Protocol, Port: r.Port, Purpose: r.Purpose})
		}
		if r.Purpose == PurposeTarget {
			gs[i].Purpose = PurposeTarget
		}
		gs[i].Rules = append(gs[i].Rules, r)
	}
	return gs
}

// Validate checks what a renderer relies on: at least one rule, valid
// ports, hosts that are names or addresses of the safe character set.
func (s *Set) Validate() error {
	if len(s.Rules) == 0 {
		return fmt.Errorf("no rules to render")
	}
	for _, r := range s.Rules {
		if r.Port < 1 || r.Port > 65535 {
			return fmt.Errorf("%s: port %d is not between 1 and 65535", r.Host, r.Port)
		}
		if r.Protocol != "tcp" {
			return fmt.Errorf("%s: protocol %q is not supported (tcp only)", r.Host, r.Protocol)
		}
		if r.Purpose != PurposeTarget && r.Purpose != PurposeRevocation {
			return fmt.Errorf("%s: unknown purpose %q", r.Host, r.Purpose)
		}
		if _, err := diag.ParseTarget(hostForParse(r.Host)); err != nil {
			return fmt.Errorf("host %q: %v", r.Host, err)
		}
		if len(r.Comment) > CommentMax {
			return fmt.Errorf("%s: comment is longer than %d characters", r.Host, CommentMax)
		}
		if strings.ContainsAny(r.Comment, "\"'`\\$\r\n\x00;") {
			return fmt.Errorf("%s: comment %q contains quote, escape or control characters", r.Host, r.Comment)
		}
	}
	return nil
}

func hostForParse(h string) string {
	if strings.Contains(h, ":") {
		return net.JoinHostPort(h, "443")
	}
	return h
}

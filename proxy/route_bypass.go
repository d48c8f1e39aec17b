package proxy

import (
	"net"
	"net/netip"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/okviz/okviz-check/proxy/discover"
	"golang.org/x/net/http/httpproxy"
)

// bypassTarget is the URL whose route is decided.
type bypassTarget struct {
	scheme string
	host   string // lower case, no brackets
	port   int
	// portSet: the URL names its port (Python and Node compare host:port
	// entries only then).
	portSet bool
	ip      netip.Addr
	isIP    bool
}

// parseBypassTarget accepts a host, host:port, [v6]:port or a URL; the
// scheme defaults to https.
func parseBypassTarget(s string) bypassTarget {
	t := bypassTarget{scheme: "https"}
	s = strings.TrimSpace(s)
	if strings.Contains(s, "://") {
		if u, err := url.Parse(s); err == nil {
			t.scheme = strings.ToLower(u.Scheme)
			s = u.Host
		}
	}
	host, port := s, ""
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
	}
	t.host = strings.ToLower(strings.Trim(host, "[]"))
	t.port = defaultURLPort(t.scheme)
	if n, err := strconv.Atoi(port); err == nil {
		t.port, t.portSet = n, true
	}
	if a, err := netip.ParseAddr(t.host); err == nil {
		t.ip, t.isIP = a.Unmap(), true
		if a.Is4In6() {
			// Keep the mapped form for the implicit ::ffff:127.0.0.0/104 rule.
			t.ip = a
		}
	}
	return t
}

func defaultURLPort(scheme string) int {
	switch scheme {
	case "http", "ws":
		return 80
	case "ftp":
		return 21
	}
	return 443
}

type ruleResult int

const (
	ruleNoMatch ruleResult = iota
	ruleInclude
	ruleExclude
)

// bypassRule is one parsed Chromium bypass rule.
type bypassRule struct {
	raw      string
	local    bool // <local>
	subtract bool // <-loopback>
	scheme   string
	pattern  string // host name glob, lower case
	ip       netip.Addr
	prefix   netip.Prefix
	isPrefix bool
	port     int // 0: any
}

// parseChromiumRule reads one rule as SchemeHostPortMatcherRule does; ok is
// false for rules Chromium would drop.
func parseChromiumRule(raw string, suffix bool) (bypassRule, bool) {
	r := bypassRule{raw: raw}
	s := strings.TrimSpace(raw)
	switch strings.ToLower(s) {
	case "<local>":
		r.local = true
		return r, true
	case "<-loopback>":
		r.subtract = true
		return r, true
	}
	if i := strings.Index(s, "://"); i >= 0 {
		r.scheme = strings.ToLower(s[:i])
		s = s[i+3:]
		if r.scheme == "" {
			return r, false
		}
	}
	if s == "" {
		return r, false
	}
	if strings.Contains(s, "/") {
		addr, bits, _ := strings.Cut(s, "/")
		a, err := netip.ParseAddr(strings.Trim(addr, "[]"))
		n, err2 := strconv.Atoi(bits)
		if err != nil || err2 != nil || n < 0 || n > a.BitLen() {
			return r, false
		}
		if a.Is4In6() && n >= 96 {
			a, n = a.Unmap(), n-96
		}
		r.prefix, r.isPrefix = netip.PrefixFrom(a, n).Masked(), true
		return r, true
	}
	if a, port, ok := parseIPHostPort(s); ok {
		r.ip, r.port = a, port
		return r, true
	}
	if i := strings.LastIndex(s, ":"); i >= 0 {
		n, err := strconv.Atoi(s[i+1:])
		if err != nil || n < 0 || n > 0xFFFF {
			return r, false
		}
		r.port = n
		s = s[:i]
	}
	if strings.HasPrefix(s, ".") {
		s = "*" + s
	}
	if suffix && !strings.HasPrefix(s, "*") {
		s = "*" + s
	}
	r.pattern = strings.ToLower(s)
	return r, true
}

// parseIPHostPort recognises "1.2.3.4", "1.2.3.4:80", "[::1]", "[::1]:80"
// and a bare IPv6 literal.
func parseIPHostPort(s string) (netip.Addr, int, bool) {
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return a.Unmap(), 0, true
	}
	h, p, err := net.SplitHostPort(s)
	if err != nil {
		return netip.Addr{}, 0, false
	}
	a, err := netip.ParseAddr(h)
	n, err2 := strconv.Atoi(p)
	if err != nil || err2 != nil || n < 0 || n > 0xFFFF {
		return netip.Addr{}, 0, false
	}
	return a.Unmap(), n, true
}

func (r bypassRule) evaluate(t bypassTarget, goos string) ruleResult {
	switch {
	case r.local:
		if !strings.Contains(t.host, ".") && !t.isIP {
			return ruleInclude
		}
		return ruleNoMatch
	case r.subtract:
		if implicitBypass(t, goos) {
			return ruleExclude
		}
		return ruleNoMatch
	}
	if r.scheme != "" && r.scheme != t.scheme {
		return ruleNoMatch
	}
	if r.port != 0 && r.port != t.port {
		return ruleNoMatch
	}
	switch {
	case r.isPrefix:
		if t.isIP && r.prefix.Contains(t.ip.Unmap()) {
			return ruleInclude
		}
	case r.ip.IsValid():
		if t.isIP && r.ip == t.ip.Unmap() {
			return ruleInclude
		}
	default:
		if globMatch(r.pattern, t.host) {
			return ruleInclude
		}
	}
	return ruleNoMatch
}

// globMatch is base::MatchPattern: "*" any run, "?" one character.
func globMatch(pattern, s string) bool {
	// path.Match treats "/" and "[" specially; host names contain neither
	// "/" nor (outside IPv6 literals) "[", so escape the brackets and use it.
	p := strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`).Replace(pattern)
	ok, err := path.Match(p, s)
	return err == nil && ok
}

var (
	loopback4    = netip.MustParsePrefix("127.0.0.0/8")
	linkLocal4   = netip.MustParsePrefix("169.254.0.0/16")
	linkLocal6   = netip.MustParsePrefix("fe80::/10")
	mappedLoop6  = netip.MustParsePrefix("::ffff:127.0.0.0/104")
	loopbackAddr = netip.IPv6Loopback()
)

// implicitBypass is ProxyBypassRules::MatchesImplicitRules: destinations
// Chromium never sends through a proxy (since M71), PAC or not.
func implicitBypass(t bypassTarget, goos string) bool {
	h := strings.TrimSuffix(t.host, ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	if goos == "windows" && h == "loopback" {
		return true
	}
	if !t.isIP {
		return false
	}
	a := t.ip
	if mappedLoop6.Contains(a) {
		return true
	}
	a = a.Unmap()
	return loopback4.Contains(a) || a == loopbackAddr || linkLocal4.Contains(a) || linkLocal6.Contains(a)
}

// bypassed decides whether target skips the proxy under a bypass list of
// the given style, and names the rule (or reason) that decided.
func bypassed(list []string, style string, reversed bool, goos, target string) (bool, string) {
	t := parseBypassTarget(target)
	if style == discover.BypassGo {
		return goBypassed(list, t)
	}
	suffix := style == discover.BypassChromiumSuffix
	var rules []bypassRule
	for _, raw := range list {
		if r, ok := parseChromiumRule(raw, suffix); ok {
			rules = append(rules, r)
		}
	}
	// Later rules override earlier ones, as in SchemeHostPortMatcher.
	for i := len(rules) - 1; i >= 0; i-- {
		switch rules[i].evaluate(t, goos) {
		case ruleInclude:
			if reversed {
				return false, "not in the reversed list (" + rules[i].raw + " lists the hosts that use the proxy)"
			}
			return true, rules[i].raw
		case ruleExclude:
			return reversed, rules[i].raw
		}
	}
	if implicitBypass(t, goos) {
		return true, "local address (implicit rule)"
	}
	if reversed {
		return true, "not in the reversed list"
	}
	return false, ""
}

// goBypassed asks golang.org/x/net/http/httpproxy itself, so the answer is
// Go's, including its always-direct localhost rule.
func goBypassed(list []string, t bypassTarget) (bool, string) {
	const probe = "http://proxy.invalid:1"
	cfg := httpproxy.Config{HTTPProxy: probe, HTTPSProxy: probe, NoProxy: strings.Join(list, ",")}
	host := t.host
	if t.isIP && t.ip.Is6() && !t.ip.Is4In6() {
		host = "[" + host + "]"
	}
	scheme := t.scheme
	if scheme != "http" {
		scheme = "https"
	}
	u := &url.URL{Scheme: scheme, Host: host + ":" + strconv.Itoa(t.port)}
	p, err := cfg.ProxyFunc()(u)
	if err != nil || p != nil {
		return false, ""
	}
	if t.host == "localhost" || (t.isIP && t.ip.IsLoopback()) {
		return true, "localhost (Go never proxies it)"
	}
	for _, e := range list {
		if one, _ := goBypassed1(e, u); one {
			return true, strings.TrimSpace(e)
		}
	}
	return true, strings.Join(list, ",")
}

// goBypassed1 tells whether a single NO_PROXY entry matches, to name it.
func goBypassed1(entry string, u *url.URL) (bool, error) {
	const probe = "http://proxy.invalid:1"
	cfg := httpproxy.Config{HTTPProxy: probe, HTTPSProxy: probe, NoProxy: entry}
	p, err := cfg.ProxyFunc()(u)
	return err == nil && p == nil, err
}

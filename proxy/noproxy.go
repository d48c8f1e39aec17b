package proxy

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/proxy/discover"
	"github.com/okviz/okviz-check/proxy/internal/lists"
)

// ClientRoute is how one family of command-line clients would send a
// request, judging by the proxy environment variables alone.
type ClientRoute struct {
	Client   string `json:"client"`              // "Go", "curl", "Python requests", "Node.js"
	Proxy    string `json:"proxy,omitempty"`     // proxy URL (may carry credentials; print with redact.URL); "" is direct
	ProxyVar string `json:"proxy_var,omitempty"` // the variable the proxy came from
	Bypass   string `json:"bypass,omitempty"`    // the NO_PROXY entry that sent it direct
	Why      string `json:"why,omitempty"`       // a client quirk that explains the match, or why it goes direct
}

// ClientRoutes evaluates the env source of Discover for targetURL (a URL
// or host[:port]; https assumed) the way each client family reads the
// variables: Go's net/http, curl, Python requests (with urllib), and
// Node.js with NODE_USE_ENV_PROXY=1.
func ClientRoutes(sources []discover.Source, targetURL string) []ClientRoute {
	var e discover.Env
	for i := range sources {
		if sources[i].Name == "env" {
			e = sources[i].Settings().Env
		}
	}
	t := parseBypassTarget(targetURL)
	lo, up := "https_proxy", "HTTPS_PROXY"
	if t.scheme == "http" {
		lo, up = "http_proxy", "HTTP_PROXY"
	}
	curlVars := []string{lo, up}
	if t.scheme == "http" {
		curlVars = []string{lo} // curl ignores HTTP_PROXY (CGI safety)
	}
	clients := []envClient{
		// Go's net/http reads the upper-case names first and ignores ALL_PROXY.
		{"Go", []string{up, lo}, []string{"NO_PROXY", "no_proxy"}, nil, goNoProxy},
		{"curl", append(curlVars, "all_proxy", "ALL_PROXY"), []string{"no_proxy", "NO_PROXY"}, nil, curlNoProxy},
		{"Python requests", []string{lo, up, "all_proxy", "ALL_PROXY"}, []string{"no_proxy", "NO_PROXY"}, nil, pythonNoProxy},
		{"Node.js", []string{lo, up}, []string{"no_proxy", "NO_PROXY"}, nodeProxyCheck, nodeNoProxy},
	}
	routes := make([]ClientRoute, len(clients))
	for i, c := range clients {
		routes[i] = c.route(e, t)
	}
	return routes
}

// envClient is how one client family reads the proxy variables.
type envClient struct {
	name        string
	proxyVars   []string                    // first non-empty wins
	noProxyVars []string                    // first non-empty wins
	check       func(name, v string) string // why the value is ignored, or ""
	match       func(list string, t bypassTarget) (bool, string, string)
}

func (c envClient) route(e discover.Env, t bypassTarget) ClientRoute {
	r := ClientRoute{Client: c.name}
	v, name := e.First(c.proxyVars...)
	if v == "" {
		r.Why = "none of " + strings.Join(c.proxyVars, ", ") + " is set"
		return r
	}
	if c.check != nil {
		if why := c.check(name, v); why != "" {
			r.Why = why
			return r
		}
	}
	np, _ := e.First(c.noProxyVars...)
	if ok, entry, why := c.match(np, t); ok {
		r.Bypass, r.Why = entry, why
		return r
	}
	r.Proxy, r.ProxyVar = v, name
	return r
}

// nodeProxyCheck: Node uses only http:// and https:// proxy URLs.
func nodeProxyCheck(name, v string) string {
	if l := strings.ToLower(v); !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
		return fmt.Sprintf("%s has no http:// or https:// scheme, which Node ignores", name)
	}
	return ""
}

// goNoProxy asks golang.org/x/net/http/httpproxy and explains the match.
func goNoProxy(list string, t bypassTarget) (bool, string, string) {
	ok, entry := goBypassed(lists.Split(list, ","), t)
	if !ok {
		return false, "", ""
	}
	return true, entry, goQuirk(entry, t)
}

func goQuirk(entry string, t bypassTarget) string {
	switch {
	case strings.HasPrefix(entry, "localhost"):
		return entry
	case strings.HasPrefix(entry, "*."):
		return "Go reads *.domain as .domain"
	case entry == "*":
		return "* disables the proxy"
	case !strings.HasPrefix(entry, ".") && t.host != strings.ToLower(entry) && !strings.Contains(entry, "/"):
		return "Go matches subdomains of a plain domain"
	case strings.Contains(entry, "/"):
		return "Go understands CIDR blocks"
	}
	return ""
}

// curlNoProxy is Curl_check_noproxy (curl 7.86 and later): "*" alone
// matches everything; entries are separated by commas (white space
// around them is skipped, and white space ends the list); a leading and a
// trailing dot are ignored; a name matches itself and its subdomains; IP
// targets match IP or CIDR entries only; no wildcards, no ports.
func curlNoProxy(list string, t bypassTarget) (bool, string, string) {
	if strings.TrimSpace(list) == "*" {
		return true, "*", "* disables the proxy"
	}
	host := strings.TrimSuffix(t.host, ".")
	for _, tok := range curlTokens(list) {
		if t.isIP {
			if strings.Contains(tok, "/") {
				if p, err := netip.ParsePrefix(tok); err == nil && p.Contains(t.ip.Unmap()) {
					return true, tok, "curl understands CIDR blocks"
				}
				continue
			}
			if a, err := netip.ParseAddr(strings.Trim(tok, "[]")); err == nil && a.Unmap() == t.ip.Unmap() {
				return true, tok, ""
			}
			continue
		}
		name := strings.ToLower(strings.TrimPrefix(strings.TrimSuffix(tok, "."), "."))
		if name == "" {
			continue
		}
		if host == name {
			why := ""
			if strings.HasPrefix(tok, ".") {
				why = "curl ignores the leading dot, so the entry also matches the domain itself"
			}
			return true, tok, why
		}
		if strings.HasSuffix(host, "."+name) {
			why := ""
			if !strings.HasPrefix(tok, ".") {
				why = "curl matches subdomains of a plain domain"
			}
			return true, tok, why
		}
	}
	return false, "", ""
}

// curlTokens splits a no_proxy value as curl walks it.
func curlTokens(list string) []string {
	var out []string
	p := list
	for p != "" {
		p = strings.TrimLeft(p, " \t")
		end := strings.IndexAny(p, " \t,")
		if end < 0 {
			end = len(p)
		}
		if end > 0 {
			out = append(out, p[:end])
		}
		p = strings.TrimLeft(p[end:], " \t")
		if !strings.HasPrefix(p, ",") {
			break // curl stops at anything but a comma
		}
		p = strings.TrimLeft(p, ",")
	}
	return out
}

// pythonNoProxy is requests' should_bypass_proxies followed by urllib's
// proxy_bypass_environment: requests drops spaces, matches IPv4 targets
// against IPv4 addresses and CIDR blocks, and other hosts by a plain
// "ends with" (no dot boundary, so "okviz.com" also matches
// "notokviz.com"); urllib then ignores a leading dot and matches the name
// and its subdomains; "*" alone matches everything.
func pythonNoProxy(list string, t bypassTarget) (bool, string, string) {
	compact := strings.ReplaceAll(list, " ", "")
	host := t.host
	hostPort := host + ":" + strconv.Itoa(t.port)
	for _, entry := range strings.Split(compact, ",") {
		if entry == "" {
			continue
		}
		if t.isIP && t.ip.Is4() {
			if p, err := netip.ParsePrefix(entry); err == nil && p.Addr().Is4() {
				if p.Contains(t.ip) {
					return true, entry, "requests understands IPv4 CIDR blocks"
				}
			} else if entry == host {
				return true, entry, ""
			}
			continue
		}
		le := strings.ToLower(entry)
		if strings.HasSuffix(host, le) || strings.HasSuffix(hostPort, le) {
			why := ""
			if host != le && !strings.HasSuffix(host, "."+strings.TrimPrefix(le, ".")) && !strings.HasPrefix(le, ".") {
				why = "requests matches any name that ends with the entry, without a dot boundary"
			}
			return true, entry, why
		}
	}
	if strings.TrimSpace(list) == "*" {
		return true, "*", "* disables the proxy"
	}
	for _, entry := range strings.Split(list, ",") {
		name := strings.ToLower(strings.TrimLeft(strings.TrimSpace(entry), "."))
		if name == "" {
			continue
		}
		if host == name || hostPort == name {
			why := ""
			if strings.HasPrefix(strings.TrimSpace(entry), ".") {
				why = "Python ignores the leading dot, so the entry also matches the domain itself"
			}
			return true, strings.TrimSpace(entry), why
		}
		if strings.HasSuffix(host, "."+name) || strings.HasSuffix(hostPort, "."+name) {
			return true, strings.TrimSpace(entry), ""
		}
	}
	return false, "", ""
}

// nodeNoProxy is ProxyConfig.shouldUseProxy of Node's built-in env proxy
// support: entries split on commas, trimmed and lower-cased; "*"; exact
// host or host:port; ".domain" matches names ending with "domain" (no dot
// boundary); "*.domain" matches subdomains; "a.b.c.d-e.f.g.h" IPv4 ranges.
// A plain domain does not match its subdomains.
func nodeNoProxy(list string, t bypassTarget) (bool, string, string) {
	host := t.host
	hostPort := host + ":" + strconv.Itoa(t.port)
	for _, raw := range strings.Split(list, ",") {
		entry := strings.ToLower(strings.TrimSpace(raw))
		switch {
		case entry == "":
			continue
		case entry == "*":
			return true, entry, "* disables the proxy"
		case entry == host || entry == hostPort:
			return true, entry, ""
		case strings.HasPrefix(entry, ".") && strings.HasSuffix(host, entry[1:]):
			why := ""
			if host == entry[1:] {
				why = "Node ignores the leading dot, so the entry also matches the domain itself"
			} else if !strings.HasSuffix(host, entry) {
				why = "Node matches any name that ends with the entry, without a dot boundary"
			}
			return true, entry, why
		case strings.HasPrefix(entry, "*.") && strings.HasSuffix(host, entry[1:]):
			return true, entry, ""
		case strings.Contains(entry, "-") && t.isIP && t.ip.Is4():
			lo, hi, _ := strings.Cut(entry, "-")
			a, err1 := netip.ParseAddr(strings.TrimSpace(lo))
			b, err2 := netip.ParseAddr(strings.TrimSpace(hi))
			if err1 == nil && err2 == nil && a.Is4() && b.Is4() && a.Compare(t.ip) <= 0 && t.ip.Compare(b) <= 0 {
				return true, entry, "Node understands address ranges"
			}
		}
	}
	return false, "", ""
}

// NoProxyNotes explains, for one target, where the command-line clients
// would disagree because they read the proxy variables differently: "curl
// would go direct for api.okviz.com because ...; Go, Node.js would use
// http://***@p:8080 (HTTPS_PROXY)". Nil when they all agree.
func NoProxyNotes(sources []discover.Source, targetURL string) []string {
	routes := ClientRoutes(sources, targetURL)
	type group struct {
		clients []string
		reasons []string
		proxy   string
		vars    []string
	}
	var order []string
	groups := map[string]*group{}
	for _, r := range routes {
		key := "direct"
		if r.Proxy != "" {
			key = redact.URL(r.Proxy)
			if p, err := discover.NormalizeProxy(r.Proxy, "http"); err == nil {
				key = redact.URL(p)
			}
		}
		g := groups[key]
		if g == nil {
			g = &group{proxy: key}
			groups[key] = g
			order = append(order, key)
		}
		g.clients = append(g.clients, r.Client)
		switch {
		case r.Proxy != "":
			g.vars = appendOnce(g.vars, r.ProxyVar)
		case r.Bypass != "":
			reason := fmt.Sprintf("%s: NO_PROXY entry %q matches", r.Client, r.Bypass)
			if r.Why != "" {
				reason += " (" + r.Why + ")"
			}
			g.reasons = append(g.reasons, reason)
		case r.Why != "":
			g.reasons = append(g.reasons, r.Client+": "+r.Why)
		}
	}
	if len(order) < 2 {
		return nil
	}
	host := parseBypassTarget(targetURL).host
	// Direct first: the surprise is usually a client that skips the proxy.
	if groups["direct"] != nil && order[0] != "direct" {
		order = append([]string{"direct"}, slices.DeleteFunc(order, func(k string) bool { return k == "direct" })...)
	}
	var parts []string
	for _, key := range order {
		g := groups[key]
		who := strings.Join(g.clients, ", ")
		if key == "direct" {
			p := fmt.Sprintf("%s would go direct for %s", who, host)
			if len(g.reasons) > 0 {
				p += " because " + strings.Join(g.reasons, "; ")
			}
			parts = append(parts, p)
			continue
		}
		parts = append(parts, fmt.Sprintf("%s would use the proxy %s (%s)", who, key, strings.Join(g.vars, ", ")))
	}
	sep := "; "
	if len(parts) == 2 {
		sep = ", but "
	}
	return []string{strings.Join(parts, sep)}
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

package proxy

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpproxy"

	"github.com/okviz/okviz-check/proxy/discover"
	"github.com/okviz/okviz-check/proxy/internal/lists"
)

// ClientRoute is how one command-line program would send a request,
// judging by the proxy environment variables alone.
type ClientRoute struct {
	Client   string // one of the Program names
	Proxy    string // the proxy as written in the variable (may carry credentials; print with redact.URL); "" is direct
	ProxyVar string // the variable the proxy came from
	Bypass   string // the NO_PROXY entry that sent it direct
	Why      string // why it goes direct, or the quirk that explains a match
	Rules    string // the release whose rules the model follows
	// Older says how a still-common older release decides differently
	// for this target; empty when it decides the same.
	Older string
}

// The programs ClientRoutes models, as the report names them.
const (
	ProgramCurl   = "curl"
	ProgramPython = "Python requests"
	ProgramGo     = "Go net/http"
	ProgramNode   = "Node.js"
)

// The releases the models follow. Each was checked against the real
// program where this machine has it (proxy/programs_real_test.go).
const (
	rulesCurl   = "curl 8.9 and later: Curl_check_noproxy"
	rulesPython = "requests 2.34 with urllib's proxy_bypass_environment"
	rulesGo     = "Go net/http ProxyFromEnvironment (golang.org/x/net/http/httpproxy)"
	rulesNode   = "Node.js 24 built-in http, https and fetch with NODE_USE_ENV_PROXY=1"
)

// ClientRoutes evaluates the env source of Discover for targetURL (a URL
// or host[:port]; https assumed) the way each program reads the
// variables: curl, Python requests, Go's net/http and Node.js.
func ClientRoutes(sources []discover.Source, targetURL string) []ClientRoute {
	e := envOf(sources)
	t := parseBypassTarget(targetURL)
	return []ClientRoute{curlRoute(e, t, curlCurrent), pythonRoute(e, t, false), goRoute(e, t), nodeRoute(e, t, false)}
}

func envOf(sources []discover.Source) discover.Env {
	for i := range sources {
		if sources[i].Name == "env" {
			return sources[i].Settings().Env
		}
	}
	return nil
}

// firstNonEmpty returns the first of names with a non-empty value (Go's
// getEnvAny, JavaScript's a || b).
func firstNonEmpty(e discover.Env, names ...string) (string, string) {
	for _, n := range names {
		if v := e[n]; v != "" {
			return v, n
		}
	}
	return "", ""
}

func direct(r ClientRoute, why string) ClientRoute {
	r.Proxy, r.ProxyVar, r.Why = "", "", why
	return r
}

// curl releases whose no_proxy reading differs.
type curlRelease int

const (
	curlCurrent curlRelease = iota // 8.9 and later: entries need commas
	curl786                        // 7.86 to 8.8: CIDR blocks; blanks also separate entries
	curlOld                        // before 7.86: no CIDR blocks
)

// curlRoute is curl's detect_proxy and its no_proxy check: for https the
// first of https_proxy and HTTPS_PROXY that is set, else all_proxy, else
// ALL_PROXY (for http only http_proxy: curl never reads HTTP_PROXY, for
// CGI safety); no_proxy before NO_PROXY. curl_getenv reads an empty
// variable as unset.
func curlRoute(e discover.Env, t bypassTarget, rel curlRelease) ClientRoute {
	r := ClientRoute{Client: ProgramCurl, Rules: rulesCurl}
	lo := t.scheme + "_proxy"
	names := []string{lo}
	if t.scheme != "http" {
		names = append(names, strings.ToUpper(lo))
	}
	names = append(names, "all_proxy", "ALL_PROXY")
	v, name := firstNonEmpty(e, names...)
	if v == "" {
		return direct(r, "none of "+strings.Join(names, ", ")+" is set")
	}
	np, _ := firstNonEmpty(e, "no_proxy", "NO_PROXY")
	if hit, entry, why := curlNoProxy(np, t, rel); hit {
		r = direct(r, why)
		r.Bypass = entry
	} else {
		r.Proxy, r.ProxyVar = v, name
	}
	if rel == curlCurrent {
		var older []string
		if old := curlRoute(e, t, curl786); old.Proxy != r.Proxy {
			older = append(older, "curl 7.86 to 8.8 (Debian 12 ships 7.88) also reads blank-separated no_proxy entries and "+routeWord(old))
		}
		if old := curlRoute(e, t, curlOld); old.Proxy != r.Proxy {
			older = append(older, "curl before 7.86 (Debian 11, RHEL 8) reads no CIDR blocks in no_proxy and "+routeWord(old))
		}
		r.Older = strings.Join(older, "; ")
	}
	return r
}

// routeWord is "would go direct" or "would use the proxy".
func routeWord(r ClientRoute) string {
	if r.Proxy == "" {
		return "would go direct"
	}
	return "would use the proxy"
}

// curlNoProxy is Curl_check_noproxy: "*" as the whole value matches
// everything; entries are separated by commas (white space around them is
// skipped; from 8.9 anything else after white space ends the list, before
// it a blank also separates entries); a leading and a trailing dot are
// ignored; a name matches itself and its subdomains; IP targets match IP
// or (from 7.86) CIDR entries only; no wildcards, no ports.
func curlNoProxy(list string, t bypassTarget, rel curlRelease) (bool, string, string) {
	if list == "*" {
		return true, "*", "* disables the proxy"
	}
	host := strings.TrimSuffix(t.host, ".")
	for _, tok := range curlTokens(list, rel != curlCurrent) {
		if t.isIP {
			if strings.Contains(tok, "/") {
				if p, err := netip.ParsePrefix(tok); err == nil && rel != curlOld && p.Contains(t.ip.Unmap()) {
					return true, tok, "curl understands CIDR blocks"
				}
				continue
			}
			if a, err := netip.ParseAddr(strings.Trim(tok, "[]")); err == nil && a.Unmap() == t.ip.Unmap() {
				return true, tok, "the entry is the address"
			}
			continue
		}
		name := strings.ToLower(strings.TrimPrefix(strings.TrimSuffix(tok, "."), "."))
		if name == "" {
			continue
		}
		if host == name {
			why := "the entry is the host name"
			if strings.HasPrefix(tok, ".") {
				why = "curl ignores the leading dot, so the entry also matches the domain itself"
			}
			return true, tok, why
		}
		if strings.HasSuffix(host, "."+name) {
			why := "the host is a subdomain of the entry"
			if !strings.HasPrefix(tok, ".") {
				why = "curl matches subdomains of a plain domain"
			}
			return true, tok, why
		}
	}
	return false, "", ""
}

// curlTokens splits a no_proxy value as curl walks it; blanks says
// whether a blank separates entries (before 8.9) or ends the list.
func curlTokens(list string, blanks bool) []string {
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
		if !strings.HasPrefix(p, ",") && !blanks {
			break // curl 8.9 stops at anything but a comma
		}
		p = strings.TrimLeft(p, ",")
	}
	return out
}

// pythonEnv is urllib's getproxies_environment for the names the env
// source records: a lower-case name wins over the upper-case one, and a
// lower-case name set to "" removes the entry (even when the upper-case
// one is set); under CGI (REQUEST_METHOD set) HTTP_PROXY is ignored.
// Values are keyed "https", "http", "all", "no"; names says which
// variable each came from.
func pythonEnv(e discover.Env) (vals, names map[string]string) {
	vals, names = map[string]string{}, map[string]string{}
	for _, base := range []string{"https", "http", "all", "no", "ftp"} {
		lo, up := base+"_proxy", strings.ToUpper(base+"_proxy")
		if v, ok := e[lo]; ok {
			if v != "" {
				vals[base], names[base] = v, lo
			}
			continue
		}
		if _, cgi := e["REQUEST_METHOD"]; cgi && base == "http" {
			continue
		}
		if v := e[up]; v != "" {
			vals[base], names[base] = v, up
		}
	}
	return vals, names
}

// pythonRoute is requests' resolve_proxies on the environment: the
// NO_PROXY check of should_bypass_proxies (its own matching, then urllib's
// proxy_bypass_environment), then the scheme's proxy or ALL_PROXY.
// legacy is requests up to 2.32.3, whose own matching has no dot
// boundary.
func pythonRoute(e discover.Env, t bypassTarget, legacy bool) ClientRoute {
	r := ClientRoute{Client: ProgramPython, Rules: rulesPython}
	vals, names := pythonEnv(e)
	p, from := vals[t.scheme], names[t.scheme]
	if p == "" {
		p, from = vals["all"], names["all"]
	}
	if p == "" {
		why := fmt.Sprintf("none of %s_proxy, %s, all_proxy, ALL_PROXY is set", t.scheme, strings.ToUpper(t.scheme+"_proxy"))
		for _, base := range []string{t.scheme, "all"} {
			if v, ok := e[base+"_proxy"]; ok && v == "" && e[strings.ToUpper(base+"_proxy")] != "" {
				why = fmt.Sprintf("%s_proxy is set but empty, which hides %s from Python", base, strings.ToUpper(base+"_proxy"))
			}
		}
		return direct(r, why)
	}
	own, _ := firstNonEmpty(e, "no_proxy", "NO_PROXY")
	if hit, entry, why := requestsNoProxy(own, t, legacy); hit {
		r = direct(r, why)
		r.Bypass = entry
	} else if hit, entry, why := urllibNoProxy(vals["no"], t); hit {
		r = direct(r, why)
		r.Bypass = entry
	} else {
		r.Proxy, r.ProxyVar = p, from
	}
	if !legacy {
		if old := pythonRoute(e, t, true); old.Proxy != r.Proxy {
			r.Older = fmt.Sprintf("requests up to 2.32.3 (Debian 12 ships 2.28.1) matches NO_PROXY entries as plain suffixes, without a dot boundary, and %s", routeWord(old))
			if old.Bypass != "" {
				r.Older += fmt.Sprintf(" (entry %q)", old.Bypass)
			}
		}
	}
	return r
}

// requestsNoProxy is the first half of requests' should_bypass_proxies:
// blanks removed, entries split on commas; IPv4 targets match IPv4
// addresses and CIDR blocks; other hosts match an entry (leading dots
// ignored) equal to the host or host:port (the port only when the URL
// names it), or, with a dot boundary, a domain of it. legacy (up to
// 2.32.3) matches any host or host:port that ends with the entry.
func requestsNoProxy(list string, t bypassTarget, legacy bool) (bool, string, string) {
	if list == "" {
		return false, "", ""
	}
	host := t.host
	hostPort := host
	if t.portSet {
		hostPort += ":" + strconv.Itoa(t.port)
	}
	for _, entry := range strings.Split(strings.ReplaceAll(list, " ", ""), ",") {
		if entry == "" {
			continue
		}
		if t.isIP && t.ip.Is4() {
			if p, err := netip.ParsePrefix(entry); err == nil && p.Addr().Is4() && p.Bits() > 0 {
				if p.Contains(t.ip) {
					return true, entry, "requests understands IPv4 CIDR blocks"
				}
			} else if entry == host {
				return true, entry, "the entry is the address"
			}
			continue
		}
		if legacy {
			if strings.HasSuffix(host, entry) || strings.HasSuffix(hostPort, entry) {
				why := "the host ends with the entry"
				if trimmed := strings.TrimPrefix(entry, "."); host != trimmed && hostPort != trimmed && !strings.HasSuffix(host, "."+trimmed) && !strings.HasSuffix(hostPort, "."+trimmed) {
					why = "requests matches any name that ends with the entry, without a dot boundary"
				}
				return true, entry, why
			}
			continue
		}
		name := strings.TrimLeft(entry, ".")
		if host == name || hostPort == name {
			why := "the entry is the host name"
			if name != entry {
				why = "requests ignores the leading dot, so the entry also matches the domain itself"
			} else if hostPort == name && host != name {
				why = "the entry is the host and the port the URL names"
			}
			return true, entry, why
		}
		if strings.HasSuffix(host, "."+name) || strings.HasSuffix(hostPort, "."+name) {
			why := "the host is a subdomain of the entry"
			if name == entry {
				why = "requests matches subdomains of a plain domain"
			}
			return true, entry, why
		}
	}
	return false, "", ""
}

// urllibNoProxy is Python's proxy_bypass_environment on the host name
// alone (requests passes no port): "*" as the whole value matches
// everything; entries are split on commas and trimmed, leading dots and
// case ignored; a name matches itself and its subdomains.
func urllibNoProxy(list string, t bypassTarget) (bool, string, string) {
	if list == "" {
		return false, "", ""
	}
	if list == "*" {
		return true, "*", "* disables the proxy"
	}
	for _, raw := range strings.Split(list, ",") {
		entry := strings.TrimSpace(raw)
		name := strings.ToLower(strings.TrimLeft(entry, "."))
		if name == "" {
			continue
		}
		if t.host == name {
			return true, entry, "Python's urllib matches the host name, leading dots ignored"
		}
		if strings.HasSuffix(t.host, "."+name) {
			return true, entry, "Python's urllib matches subdomains of the entry"
		}
	}
	return false, "", ""
}

// goRoute asks the code net/http's ProxyFromEnvironment runs
// (golang.org/x/net/http/httpproxy) with the variables as it reads them:
// upper case first, the first non-empty wins, no ALL_PROXY.
func goRoute(e discover.Env, t bypassTarget) ClientRoute {
	r := ClientRoute{Client: ProgramGo, Rules: rulesGo}
	httpV, _ := firstNonEmpty(e, "HTTP_PROXY", "http_proxy")
	httpsV, _ := firstNonEmpty(e, "HTTPS_PROXY", "https_proxy")
	noV, _ := firstNonEmpty(e, "NO_PROXY", "no_proxy")
	cfg := httpproxy.Config{HTTPProxy: httpV, HTTPSProxy: httpsV, NoProxy: noV, CGI: e["REQUEST_METHOD"] != ""}
	u := t.url()
	names := []string{"HTTPS_PROXY", "https_proxy"}
	if t.scheme == "http" {
		names = []string{"HTTP_PROXY", "http_proxy"}
	}
	v, name := firstNonEmpty(e, names...)
	p, err := cfg.ProxyFunc()(u)
	switch {
	case err != nil:
		return direct(r, fmt.Sprintf("Go refuses the proxy: %v", err))
	case p != nil:
		r.Proxy, r.ProxyVar = v, name
		return r
	case v == "":
		return direct(r, "none of "+strings.Join(names, ", ")+" is set (Go ignores ALL_PROXY)")
	case t.host == "localhost" || t.isIP && t.ip.IsLoopback():
		return direct(r, "Go never proxies localhost or a loopback address")
	}
	for _, entry := range lists.Split(noV, ",") {
		if one, _ := goBypassed1(entry, u); one {
			r = direct(r, goQuirk(entry, t))
			r.Bypass = entry
			return r
		}
	}
	return direct(r, "Go cannot use the proxy value "+strconv.Quote(v))
}

// url is the target as a URL for Go's proxy function.
func (t bypassTarget) url() *url.URL {
	host := t.host
	if t.isIP && t.ip.Is6() && !t.ip.Is4In6() {
		host = "[" + host + "]"
	}
	scheme := t.scheme
	if scheme != "http" {
		scheme = "https"
	}
	return &url.URL{Scheme: scheme, Host: host + ":" + strconv.Itoa(t.port)}
}

func goQuirk(entry string, t bypassTarget) string {
	switch {
	case entry == "*":
		return "* disables the proxy"
	case strings.HasPrefix(entry, "*."):
		return "Go reads *.domain as .domain"
	case strings.Contains(entry, "/"):
		return "Go understands CIDR blocks"
	case !strings.HasPrefix(entry, ".") && t.host != strings.ToLower(entry) && !strings.Contains(entry, ":"):
		return "Go matches subdomains of a plain domain"
	case strings.Contains(entry, ":"):
		return "the entry names the host and its port"
	}
	return "the entry matches the host"
}

// nodeRoute is Node's built-in proxy support (lib/internal/http.js,
// Node.js 24): only with NODE_USE_ENV_PROXY=1; https_proxy before
// HTTPS_PROXY (the first non-empty), no ALL_PROXY, only http:// and
// https:// proxies; no_proxy before NO_PROXY. legacy is Node.js before
// 22.21 (20 included), which reads no proxy variable at all.
func nodeRoute(e discover.Env, t bypassTarget, legacy bool) ClientRoute {
	r := ClientRoute{Client: ProgramNode, Rules: rulesNode}
	if legacy {
		return direct(r, "Node.js before 22.21 reads no proxy variable")
	}
	if e["NODE_USE_ENV_PROXY"] != "1" {
		return direct(r, "Node.js's built-in http, https and fetch read the proxy variables only with NODE_USE_ENV_PROXY=1 (Node.js 24, 22.21); libraries such as axios read them on their own")
	}
	names := []string{"https_proxy", "HTTPS_PROXY"}
	if t.scheme == "http" {
		names = []string{"http_proxy", "HTTP_PROXY"}
	}
	v, name := firstNonEmpty(e, names...)
	if v == "" {
		return direct(r, "none of "+strings.Join(names, ", ")+" is set (Node ignores ALL_PROXY)")
	}
	if l := strings.ToLower(v); !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
		return direct(r, fmt.Sprintf("%s has no http:// or https:// scheme, which Node ignores", name))
	}
	np, _ := firstNonEmpty(e, "no_proxy", "NO_PROXY")
	if hit, entry, why := nodeNoProxy(np, t); hit {
		r = direct(r, why)
		r.Bypass = entry
		return r
	}
	r.Proxy, r.ProxyVar = v, name
	r.Older = "Node.js before 22.21 (20 included) reads no proxy variable and would go direct"
	return r
}

// nodeNoProxy is ProxyConfig.shouldUseProxy: entries split on commas,
// trimmed and lower-cased; "*"; exact host or host:port (the port only
// when the URL names it); ".domain" matches names ending with "domain"
// (no dot boundary); "*.domain" matches subdomains; "a.b.c.d-e.f.g.h"
// IPv4 ranges. A plain domain does not match its subdomains.
func nodeNoProxy(list string, t bypassTarget) (bool, string, string) {
	host := t.host
	hostPort := host
	if t.portSet {
		hostPort += ":" + strconv.Itoa(t.port)
	}
	for _, raw := range strings.Split(list, ",") {
		entry := strings.ToLower(strings.TrimSpace(raw))
		switch {
		case entry == "":
			continue
		case entry == "*":
			return true, entry, "* disables the proxy"
		case entry == host || entry == hostPort:
			return true, entry, "the entry is the host name"
		case strings.HasPrefix(entry, ".") && strings.HasSuffix(host, entry[1:]):
			why := "the host is a subdomain of the entry"
			if host == entry[1:] {
				why = "Node ignores the leading dot, so the entry also matches the domain itself"
			} else if !strings.HasSuffix(host, entry) {
				why = "Node matches any name that ends with the entry, without a dot boundary"
			}
			return true, entry, why
		case strings.HasPrefix(entry, "*.") && strings.HasSuffix(host, entry[1:]):
			return true, entry, "the host is a subdomain of the entry"
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

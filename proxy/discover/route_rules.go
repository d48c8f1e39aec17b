package discover

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/okviz/okviz-check/internal/redact"
)

// ProxyRules is a manual proxy configuration in Chromium's model
// (ProxyConfig::ProxyRules). Every entry is a normalised proxy URL
// "scheme://[user:pass@]host:port" with scheme http, https, socks4 or
// socks5; entries may carry credentials, so print them through redact.URL.
type ProxyRules struct {
	// All, when set, is used for every URL scheme and the per-scheme
	// lists are ignored.
	All []string `json:"all,omitempty"`
	// HTTP, HTTPS and FTP are used for URLs of that scheme.
	HTTP  []string `json:"http,omitempty"`
	HTTPS []string `json:"https,omitempty"`
	FTP   []string `json:"ftp,omitempty"`
	// Fallback is used for a scheme without its own list (a SOCKS proxy
	// configured next to per-scheme proxies on Windows and macOS).
	Fallback []string `json:"fallback,omitempty"`
}

// Empty reports whether no proxy is configured at all.
func (r ProxyRules) Empty() bool {
	return len(r.All)+len(r.HTTP)+len(r.HTTPS)+len(r.FTP)+len(r.Fallback) == 0
}

// For returns the proxies Chromium would use for a URL of the given scheme,
// nil meaning direct (ProxyConfig::ProxyRules::Apply).
func (r ProxyRules) For(scheme string) []string {
	if len(r.All) > 0 {
		return r.All
	}
	var list []string
	switch strings.ToLower(scheme) {
	case "http", "ws":
		list = r.HTTP
	case "https", "wss":
		list = r.HTTPS
	case "ftp":
		list = r.FTP
	}
	if len(list) == 0 {
		list = r.Fallback
	}
	return list
}

// display returns the rules as the report shows them, redacted.
func (r ProxyRules) display() map[string][]string {
	if r.Empty() {
		return nil
	}
	m := map[string][]string{}
	for k, v := range map[string][]string{"all": r.All, "http": r.HTTP, "https": r.HTTPS, "ftp": r.FTP, "fallback": r.Fallback} {
		if len(v) > 0 {
			m[k] = redact.URLs(v)
		}
	}
	return m
}

// defaultProxyPort is the port Chromium assumes for a proxy scheme.
func defaultProxyPort(scheme string) int {
	switch scheme {
	case "https":
		return 443
	case "socks4", "socks5", "socks5h":
		return 1080
	}
	return 80
}

// NormalizeProxy turns one proxy as written in a setting ("host:port",
// "http://user:pw@host", "socks5://[::1]:1080") into a full proxy URL.
// defScheme applies when the entry has no scheme. As in Chromium, a
// "socks://" scheme means SOCKS5, a trailing slash is dropped and a missing
// port is the scheme's default.
func NormalizeProxy(entry, defScheme string) (string, error) {
	e := strings.TrimSpace(entry)
	e = strings.TrimSuffix(e, "/")
	if e == "" {
		return "", fmt.Errorf("empty proxy")
	}
	if strings.ContainsAny(e, " \t\r\n\x00") {
		return "", fmt.Errorf("proxy %q contains white space or control characters", redact.URL(entry))
	}
	scheme := defScheme
	rest := e
	if i := strings.Index(e, "://"); i >= 0 {
		scheme = strings.ToLower(e[:i])
		rest = e[i+3:]
	}
	switch scheme {
	case "http", "https", "socks4", "socks5", "socks5h":
	case "socks":
		scheme = "socks5"
	case "direct":
		return "", fmt.Errorf("%q is not a proxy", redact.URL(entry))
	default:
		return "", fmt.Errorf("proxy %q: unsupported scheme %q", redact.URL(entry), scheme)
	}
	u, err := url.Parse(scheme + "://" + rest)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("proxy %q is not host[:port] or a proxy URL", redact.URL(entry))
	}
	host := u.Hostname()
	if host == "" {
		return "", fmt.Errorf("proxy %q has no host", redact.URL(entry))
	}
	port := defaultProxyPort(scheme)
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("proxy %q: port %q out of range", redact.URL(entry), p)
		}
		port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return "", fmt.Errorf("proxy %q: empty port", redact.URL(entry))
	}
	out := url.URL{Scheme: scheme, User: u.User, Host: net.JoinHostPort(strings.ToLower(host), strconv.Itoa(port))}
	return out.String(), nil
}

// ParseProxyURL checks and normalises a proxy given by the user (--proxy,
// OKVIZ_CHECK_PROXY_URL): an http, https or socks5 URL, or host:port for an
// HTTP proxy. The result keeps any credentials.
func ParseProxyURL(s string) (string, error) {
	p, err := NormalizeProxy(s, "http")
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(p, "socks4://") {
		return "", fmt.Errorf("proxy %q: SOCKS4 is not supported, use socks5://", redact.URL(s))
	}
	return p, nil
}

// ParseGivenProxy reads a proxy the user typed (--proxy,
// OKVIZ_CHECK_PROXY_URL, the config file's proxy.url) in any of the forms
// admins paste: a proxy URL ("http://proxy:8080", "socks5://gw:1080");
// WinINET's "host:port", which the Internet Options dialog writes and which
// means an HTTP proxy for every scheme; or WinINET's per-scheme ProxyServer
// value ("http=a:80;https=b:443"), whose https entry serves https targets.
// A registry value's bad entries are dropped silently, as Chromium does;
// a typed value with one is an error that says which, since the user can
// fix it. The rules keep any credentials.
func ParseGivenProxy(s string) (ProxyRules, error) {
	if strings.TrimSpace(s) == "" {
		return ProxyRules{}, errors.New("empty proxy")
	}
	if !perSchemeForm(s) {
		if !strings.Contains(s, "://") {
			host := strings.TrimSpace(s)
			if i := strings.LastIndex(host, "@"); i >= 0 {
				host = host[i+1:]
			}
			if h, _, err := net.SplitHostPort(host); err == nil {
				host = h
			}
			if host != "" && strings.Trim(host, "0123456789") == "" {
				return ProxyRules{}, fmt.Errorf("proxy %q is a port without a host (want host:port, e.g. proxy.corp.example:8080)", redact.URL(s))
			}
		}
		p, err := ParseProxyURL(s)
		if err != nil {
			return ProxyRules{}, err
		}
		return ProxyRules{All: []string{p}}, nil
	}
	r, problems := ParseProxyRules(s)
	if len(problems) > 0 {
		return ProxyRules{}, fmt.Errorf("per-scheme proxy %q (as in WinINET's ProxyServer, e.g. http=proxy:80;https=proxy:443): %s",
			redact.URL(s), strings.ReplaceAll(strings.Join(problems, "; "), " ignored:", ":"))
	}
	if len(r.All)+len(r.HTTP)+len(r.HTTPS)+len(r.FTP)+len(r.Fallback) == 0 {
		return ProxyRules{}, fmt.Errorf("per-scheme proxy %q names no proxy", redact.URL(s))
	}
	return r, nil
}

// WinINETForm reports a value in one of WinINET's forms, host:port or
// per-scheme, rather than a proxy URL.
func WinINETForm(s string) bool { return !strings.Contains(s, "://") || perSchemeForm(s) }

// perSchemeForm reports a value in the "scheme=host:port;..." form: an
// "=" or ";" before any "://" (a URL's password may hold either).
func perSchemeForm(s string) bool {
	i := strings.IndexAny(s, "=;")
	j := strings.Index(s, "://")
	return i >= 0 && (j < 0 || i < j)
}

// ParseProxyRules reads a proxy rule string in Chromium's format, which is
// also the format of the Windows ProxyServer value and of the browser
// policies: "host:port" (one proxy for every scheme, comma-separated
// fallbacks allowed) or "http=h:p;https=h:p;ftp=h:p;socks=h:p". As in
// Chromium (and Internet Explorer), "socks=" means a SOCKS4 proxy for the
// schemes without their own entry. Entries that cannot be used are dropped
// and explained in the returned problems, as Chromium drops them silently.
func ParseProxyRules(s string) (ProxyRules, []string) {
	var r ProxyRules
	var problems []string
	perScheme := false
	addList := func(dst *[]string, list, defScheme string) {
		for _, item := range strings.Split(list, ",") {
			if strings.TrimSpace(item) == "" {
				continue
			}
			p, err := NormalizeProxy(item, defScheme)
			if err != nil {
				problems = append(problems, err.Error())
				continue
			}
			*dst = append(*dst, p)
		}
	}
	parts := strings.Split(s, ";")
	for i, part := range parts {
		if strings.TrimSpace(part) == "" {
			continue
		}
		scheme, list, ok := strings.Cut(part, "=")
		if !ok {
			// A plain entry means "this proxy for everything"; Chromium
			// stops reading there, and ignores it after per-scheme ones.
			if perScheme {
				problems = append(problems, fmt.Sprintf("%q ignored: a proxy for all schemes cannot follow per-scheme entries", redact.URL(strings.TrimSpace(part))))
				continue
			}
			addList(&r.All, part, "http")
			if rest := strings.Trim(strings.Join(parts[i+1:], ";"), "; \t"); rest != "" {
				problems = append(problems, fmt.Sprintf("%q ignored: only the first proxy for all schemes is used", redact.URL(rest)))
			}
			return r, problems
		}
		scheme = strings.ToLower(strings.TrimSpace(scheme))
		perScheme = true
		switch scheme {
		case "http":
			addList(&r.HTTP, list, "http")
		case "https":
			addList(&r.HTTPS, list, "http")
		case "ftp":
			addList(&r.FTP, list, "http")
		case "socks":
			addList(&r.Fallback, list, "socks4")
		default:
			problems = append(problems, fmt.Sprintf("%q ignored: unknown scheme %q", redact.URL(strings.TrimSpace(part)), scheme))
		}
	}
	return r, problems
}

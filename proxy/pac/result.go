package pac

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// ProxyKind is the keyword of one element of a PAC result string.
type ProxyKind string

// The keywords Chromium accepts in a PAC result (net/base/proxy_string_util.cc).
// HTTP is not one of them: Firefox accepts it, Chromium drops the element.
const (
	ProxyDirect ProxyKind = "DIRECT"
	ProxyHTTP   ProxyKind = "PROXY"  // HTTP proxy, default port 80
	ProxyHTTPS  ProxyKind = "HTTPS"  // HTTP proxy spoken to over TLS, default port 443
	ProxySOCKS  ProxyKind = "SOCKS"  // SOCKS version 4 in Chromium, default port 1080
	ProxySOCKS4 ProxyKind = "SOCKS4" // default port 1080
	ProxySOCKS5 ProxyKind = "SOCKS5" // the proxy resolves the name, default port 1080
)

// ProxyEntry is one element of a PAC result: where to send the request, in
// the order a browser tries them (it fails over to the next entry when a
// connection to the proxy cannot be made).
type ProxyEntry struct {
	Kind ProxyKind
	Host string // lower-case name or IP literal without brackets; empty for DIRECT
	Port int    // 0 for DIRECT
}

// String formats the entry the way a PAC script writes it: "PROXY host:port".
func (e ProxyEntry) String() string {
	if e.Kind == ProxyDirect {
		return string(ProxyDirect)
	}
	return string(e.Kind) + " " + e.HostPort()
}

// HostPort is host:port, with brackets around an IPv6 literal; empty for DIRECT.
func (e ProxyEntry) HostPort() string {
	if e.Kind == ProxyDirect {
		return ""
	}
	return net.JoinHostPort(e.Host, strconv.Itoa(e.Port))
}

// URL is the entry as a proxy URL (http://, https://, socks4://, socks5://),
// or "direct" for DIRECT. SOCKS without a version is socks4://, as in Chromium.
func (e ProxyEntry) URL() string {
	var scheme string
	switch e.Kind {
	case ProxyDirect:
		return "direct"
	case ProxyHTTP:
		scheme = "http"
	case ProxyHTTPS:
		scheme = "https"
	case ProxySOCKS, ProxySOCKS4:
		scheme = "socks4"
	case ProxySOCKS5:
		scheme = "socks5"
	default:
		return ""
	}
	return scheme + "://" + e.HostPort()
}

// ResultError says that a PAC result string has elements no browser can
// use. Chromium silently drops such elements and goes DIRECT when nothing
// is left; Chromium holds what it would use instead, so a report can say
// both "the script is wrong" and "this is what the browser does about it".
type ResultError struct {
	Result   string       // the whole string the script returned
	Bad      []string     // the elements that could not be parsed
	Reasons  []string     // why, one per element of Bad
	Chromium []ProxyEntry // the valid elements, or DIRECT when there are none
}

func (e *ResultError) Error() string {
	var b strings.Builder
	b.WriteString("unusable PAC result ")
	b.WriteString(strconv.Quote(pacTruncate(e.Result, 200)))
	for i, bad := range e.Bad {
		fmt.Fprintf(&b, "; %q: %s", pacTruncate(bad, 100), e.Reasons[i])
	}
	return b.String()
}

// ParseResult parses a PAC result such as "PROXY a:8080; SOCKS5 b; DIRECT"
// into entries, in order. Keywords are case-insensitive, white space and
// empty elements are ignored, and an empty result means DIRECT. Any element
// that is not a keyword with a valid host[:port] makes it fail with a
// *ResultError.
func ParseResult(s string) ([]ProxyEntry, error) {
	var entries []ProxyEntry
	var rerr *ResultError
	for _, elem := range strings.Split(s, ";") {
		elem = strings.TrimSpace(elem)
		if elem == "" {
			continue
		}
		e, err := parseResultElement(elem)
		if err != nil {
			if rerr == nil {
				rerr = &ResultError{Result: s}
			}
			rerr.Bad = append(rerr.Bad, elem)
			rerr.Reasons = append(rerr.Reasons, err.Error())
			continue
		}
		entries = append(entries, e)
	}
	if len(entries) == 0 {
		entries = []ProxyEntry{{Kind: ProxyDirect}}
	}
	if rerr != nil {
		rerr.Chromium = entries
		return nil, rerr
	}
	return entries, nil
}

// parseResultElement parses one trimmed, non-empty element.
func parseResultElement(elem string) (ProxyEntry, error) {
	keyword, rest, _ := strings.Cut(strings.Map(pacTabToSpace, elem), " ")
	rest = strings.TrimSpace(rest)
	var kind ProxyKind
	var defPort int
	switch strings.ToUpper(keyword) {
	case "DIRECT":
		if rest != "" {
			return ProxyEntry{}, fmt.Errorf("DIRECT takes no address")
		}
		return ProxyEntry{Kind: ProxyDirect}, nil
	case "PROXY":
		kind, defPort = ProxyHTTP, 80
	case "HTTPS":
		kind, defPort = ProxyHTTPS, 443
	case "SOCKS":
		kind, defPort = ProxySOCKS, 1080
	case "SOCKS4":
		kind, defPort = ProxySOCKS4, 1080
	case "SOCKS5":
		kind, defPort = ProxySOCKS5, 1080
	case "HTTP":
		return ProxyEntry{}, fmt.Errorf("HTTP is not a PAC keyword (Chromium ignores it; write PROXY)")
	default:
		return ProxyEntry{}, fmt.Errorf("unknown keyword %q (want DIRECT, PROXY, HTTPS, SOCKS, SOCKS4 or SOCKS5)", pacTruncate(keyword, 40))
	}
	if rest == "" {
		return ProxyEntry{}, fmt.Errorf("%s needs a host[:port]", kind)
	}
	if strings.ContainsRune(rest, ' ') {
		return ProxyEntry{}, fmt.Errorf("%q is more than one word: separate entries with ';'", rest)
	}
	host, port, err := parseHostPort(rest, defPort)
	if err != nil {
		return ProxyEntry{}, err
	}
	return ProxyEntry{Kind: kind, Host: host, Port: port}, nil
}

// parseHostPort parses host, host:port, [v6] or [v6]:port. A bare IPv6
// literal without brackets is rejected: its last group would read as a port.
func parseHostPort(s string, defPort int) (string, int, error) {
	host, portStr := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", 0, fmt.Errorf("%q: missing ']'", s)
		}
		host = s[1:end]
		switch tail := s[end+1:]; {
		case tail == "":
		case strings.HasPrefix(tail, ":"):
			portStr = tail[1:]
		default:
			return "", 0, fmt.Errorf("%q: unexpected text after ']'", s)
		}
		if !strings.Contains(host, ":") || net.ParseIP(host) == nil {
			return "", 0, fmt.Errorf("%q is not an IPv6 address", host)
		}
	} else if i := strings.LastIndexByte(s, ':'); i >= 0 {
		host, portStr = s[:i], s[i+1:]
		switch {
		case strings.Contains(s, "://"):
			return "", 0, fmt.Errorf("%q is a URL, not a valid host[:port]", s)
		case strings.Contains(s, "@"):
			return "", 0, fmt.Errorf("%q: credentials are not a valid host[:port]", s)
		case net.ParseIP(s) != nil:
			return "", 0, fmt.Errorf("%q: put an IPv6 address in brackets", s)
		case strings.Contains(host, ":"):
			return "", 0, fmt.Errorf("%q is not a valid host[:port]", s)
		}
	}
	port := defPort
	if portStr != "" || strings.HasSuffix(s, ":") {
		n, err := strconv.Atoi(portStr)
		if err != nil || n < 1 || n > 65535 || portStr[0] == '+' {
			return "", 0, fmt.Errorf("port %q is not between 1 and 65535", portStr)
		}
		port = n
	}
	host = strings.ToLower(host)
	if !strings.Contains(host, ":") && !validProxyHost(host) {
		return "", 0, fmt.Errorf("%q is not a valid host name", host)
	}
	return host, port, nil
}

// validProxyHost accepts what can name a proxy: DNS labels of letters,
// digits, '-' and '_' (a trailing dot allowed), or an IPv4 literal.
func validProxyHost(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

func pacTabToSpace(r rune) rune {
	if r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' {
		return ' '
	}
	return r
}

// pacTruncate shortens s to at most n bytes (on a rune boundary) for messages.
func pacTruncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

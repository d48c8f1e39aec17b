package pac

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// URLError is a URL that cannot be given to a PAC script.
type URLError struct {
	URL    string
	Reason string
}

func (e *URLError) Error() string {
	return fmt.Sprintf("URL %q: %s", pacTruncate(e.URL, 200), e.Reason)
}

// pacDefaultPort is the port a canonical URL of the scheme leaves out.
func pacDefaultPort(scheme string) string {
	switch scheme {
	case "http", "ws":
		return "80"
	case "https", "wss":
		return "443"
	case "ftp":
		return "21"
	}
	return ""
}

// SanitizeURL returns the url and host arguments Chromium passes to
// FindProxyForURL for rawURL (net/docs/proxy.md): credentials and fragment
// are always dropped; for https:// and wss:// the path and query are too,
// leaving scheme://host[:port]/; http:// keeps path and query. Scheme and
// host are lower-cased, an international name becomes punycode, a default
// port is left out, and host is the bare host (an IPv6 literal without
// brackets, no port).
func SanitizeURL(rawURL string) (sanitized, host string, err error) {
	bad := func(reason string) (string, string, error) {
		return "", "", &URLError{URL: rawURL, Reason: reason}
	}
	if strings.ContainsFunc(rawURL, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return bad("contains white space or control characters")
	}
	u, perr := url.Parse(rawURL)
	if perr != nil {
		return bad("not a valid URL")
	}
	if u.Scheme == "" || u.Opaque != "" {
		return bad("not an absolute URL (want e.g. https://host/)")
	}
	scheme := strings.ToLower(u.Scheme)
	host = u.Hostname()
	if host == "" {
		return bad("no host")
	}
	if host, err = pacCanonicalHost(host); err != nil {
		return bad(err.Error())
	}
	port := u.Port()
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return bad(fmt.Sprintf("port %q is not between 1 and 65535", port))
		}
		port = strconv.Itoa(n)
		if pacDefaultPort(scheme) == port {
			port = ""
		}
	}
	hostport := host
	if strings.Contains(host, ":") {
		hostport = "[" + host + "]"
	}
	if port != "" {
		hostport += ":" + port
	}
	path := "/"
	if scheme != "https" && scheme != "wss" {
		if p := u.EscapedPath(); p != "" {
			path = p
		}
		if u.RawQuery != "" || u.ForceQuery {
			path += "?" + u.RawQuery
		}
	}
	return scheme + "://" + hostport + path, host, nil
}

// pacCanonicalHost lower-cases a host, canonicalises an IP literal and
// converts an international name to punycode.
func pacCanonicalHost(host string) (string, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return "", fmt.Errorf("an IPv6 zone is not allowed in a URL host")
		}
		return a.String(), nil
	}
	if !pacIsASCII(host) {
		a, err := idna.Lookup.ToASCII(host)
		if err != nil {
			return "", fmt.Errorf("%q is not a valid host name", host)
		}
		host = a
	}
	host = strings.ToLower(host)
	if host == "" {
		return "", fmt.Errorf("empty host name")
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return "", fmt.Errorf("%q is not a valid host name", host)
		}
	}
	if strings.Contains(host, "..") || strings.HasPrefix(host, ".") {
		return "", fmt.Errorf("%q is not a valid host name", host)
	}
	return host, nil
}

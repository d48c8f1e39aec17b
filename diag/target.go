package diag

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// DefaultTarget is the OKVIZ license endpoint, checked when no target is given.
const DefaultTarget = "https://api.okviz.com/"

// Target is one thing to reach: a host and port, probed over HTTPS.
type Target struct {
	Raw  string // as the user wrote it
	URL  string // normalised https URL
	Host string // lower-case host name or IP literal, no brackets
	Port int
	Path string // request path for the HTTP probe, starts with "/"
}

// HostPort is Host:Port, with brackets for IPv6 literals.
func (t Target) HostPort() string { return net.JoinHostPort(t.Host, strconv.Itoa(t.Port)) }

// IsIP reports whether the target is an address literal rather than a name.
func (t Target) IsIP() bool { return net.ParseIP(t.Host) != nil }

// ParseTarget accepts a host, host:port, [v6]:port or an https:// URL.
func ParseTarget(s string) (Target, error) {
	raw := s
	s = strings.TrimSpace(s)
	if s == "" {
		return Target{}, fmt.Errorf("empty target")
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return Target{}, fmt.Errorf("target %q: contains white space or control characters", raw)
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return Target{}, fmt.Errorf("target %q: not a host or https URL", raw)
	}
	if u.Scheme != "https" {
		return Target{}, fmt.Errorf("target %q: only https:// targets can be checked (got %s://)", raw, u.Scheme)
	}
	if u.User != nil {
		// Name the target without its credentials: errors reach terminals and logs.
		return Target{}, fmt.Errorf("target %q: credentials in a target URL are not supported", "https://***@"+u.Host+u.Path)
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "" {
		return Target{}, fmt.Errorf("target %q: no host", raw)
	}
	if net.ParseIP(host) == nil && !validHostname(host) {
		return Target{}, fmt.Errorf("target %q: %q is not a valid host name", raw, host)
	}
	port := 443
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Target{}, fmt.Errorf("target %q: port %q is not between 1 and 65535", raw, p)
		}
		port = n
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	t := Target{Raw: raw, Host: host, Port: port, Path: path}
	hp := hostForURL(host)
	if port != 443 {
		hp += ":" + strconv.Itoa(port)
	}
	t.URL = "https://" + hp + path
	return t, nil
}

// validHostname checks RFC 1123 labels (letters, digits, hyphens, and the
// underscore that real DNS names sometimes carry), 253 characters at most.
func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// hostForURL writes a host as it stands in a URL: IPv6 literals in brackets.
func hostForURL(h string) string {
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

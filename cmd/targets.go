package cmd

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"golang.org/x/net/idna"

	"github.com/okviz/okviz-check/diag"
)

// parseTarget reads one target as the user wrote it: a host, host:port or
// an https:// URL. International names are converted to their ASCII
// (punycode) form with IDNA 2008 as browsers do; a network (CIDR) or a
// path without a scheme is refused with what to write instead.
func parseTarget(s string) (diag.Target, error) {
	norm, err := normalizeTarget(s)
	if err != nil {
		return diag.Target{}, err
	}
	return diag.ParseTarget(norm)
}

// normalizeTarget checks the shape of a target and converts an
// international host name to ASCII.
func normalizeTarget(s string) (string, error) {
	t := strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(t); err == nil {
		return "", fmt.Errorf("target %q is a network (CIDR), not a host: give one address in it (e.g. %s) or a host name", s, firstHost(p))
	}
	scheme := strings.Contains(t, "://")
	if !scheme {
		if i := strings.IndexAny(t, "/?#"); i >= 0 {
			return "", fmt.Errorf("target %q is not a host, host:port or https:// URL: to give a path, write the whole URL (https://%s)", s, t)
		}
	}
	if isASCII(t) {
		return t, nil
	}
	u, err := url.Parse(t)
	if !scheme {
		u, err = url.Parse("https://" + t)
	}
	if err != nil || u.Hostname() == "" || isASCII(u.Hostname()) {
		return t, nil // diag.ParseTarget says what is wrong
	}
	ascii, err := idna.Lookup.ToASCII(u.Hostname())
	if err != nil {
		return "", fmt.Errorf("target %q: %q is not a valid international domain name (IDNA 2008): it holds characters browsers do not allow in a host name", s, u.Hostname())
	}
	if p := u.Port(); p != "" {
		u.Host = ascii + ":" + p
	} else {
		u.Host = ascii
	}
	if !scheme {
		return u.Host, nil
	}
	return u.String(), nil
}

// firstHost is the first usable address of a network, for the hint.
func firstHost(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	if p.Bits() < a.BitLen() {
		a = a.Next()
	}
	return a
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

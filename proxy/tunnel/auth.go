package tunnel

import (
	"net/url"
	"slices"
	"strings"
)

// authSchemes lists the authentication schemes a proxy offers in its
// Proxy-Authenticate header values, in the order offered, each once (see
// parseChallenges for the splitting rules: one header may carry several
// challenges, each with comma-separated parameters).
func authSchemes(values []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, c := range parseChallenges(values) {
		if !seen[c.Scheme] {
			seen[c.Scheme] = true
			out = append(out, c.Scheme)
		}
	}
	return out
}

// splitUnquoted splits s at commas that are outside double-quoted strings.
func splitUnquoted(s string) []string {
	var parts []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++ // quoted-pair: the next byte is literal
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// isTokenChar reports whether c may appear in an HTTP token (RFC 9110 §5.6.2).
func isTokenChar(c byte) bool {
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// canonicalScheme spells the well-known schemes the way documentation and
// the report do; scheme names are case-insensitive, others are kept as sent.
func canonicalScheme(s string) string {
	for _, known := range []string{"Basic", "Digest", "NTLM", "Negotiate", "Kerberos", "Bearer"} {
		if strings.EqualFold(s, known) {
			return known
		}
	}
	return s
}

// hopName returns the proxy URL as okviz-check prints it: scheme, host and
// port, with any credentials replaced by *** (http://***@proxy:8080). A
// missing port is filled in with the scheme's default so that the output
// names the address actually contacted. nil prints as DIRECT.
func hopName(u *url.URL) string {
	if u == nil {
		return Direct
	}
	var b strings.Builder
	b.WriteString(strings.ToLower(u.Scheme))
	b.WriteString("://")
	if u.User != nil {
		b.WriteString("***@")
	}
	b.WriteString(proxyAddr(u))
	return b.String()
}

// secrets lists the strings that must not appear in anything returned for
// these credentials: the user name and password (raw and URL-escaped), the
// user:pass pair and the Basic token made from it. Very short names and
// passwords are left out because replacing them would mangle ordinary
// words; the pair and the token are always covered. The user name itself
// is shown only where the report says as whom (Hop.Auth.User).
func secrets(creds ...*Credentials) []string {
	var list []string
	for _, c := range creds {
		if c == nil {
			continue
		}
		hdr, _ := basicAnswer{creds: *c}.answer(nil)
		list = append(list,
			strings.TrimPrefix(hdr, "Basic "),
			url.UserPassword(c.User, c.Password).String(),
			c.User+":"+c.Password,
		)
		for _, s := range []string{c.User, c.Password, url.QueryEscape(c.User), url.QueryEscape(c.Password)} {
			if len(s) >= 4 {
				list = append(list, s)
			}
		}
	}
	return list
}

// scrub replaces every secret in s with ***, longest first so that a pair
// is not half-replaced by one of its parts.
func scrub(s string, secrets []string) string {
	sorted := slices.Clone(secrets)
	slices.SortFunc(sorted, func(a, b string) int { return len(b) - len(a) })
	for _, sec := range sorted {
		if sec != "" && sec != ":" {
			s = strings.ReplaceAll(s, sec, "***")
		}
	}
	return s
}

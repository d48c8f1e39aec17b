package tunnel

import (
	"strings"
)

// challenge is one challenge of a Proxy-Authenticate header: its scheme
// and either a token68 (NTLM and Negotiate carry their binary tokens that
// way) or auth-params (Basic and Digest), names lower-cased.
type challenge struct {
	Scheme string
	Token  string
	Params map[string]string
}

// parseChallenges reads every challenge of the header values, in order.
// One header may carry several challenges separated by commas, and a
// challenge's parameters are comma separated too (RFC 9110 §11.6.1):
// `Basic realm="a, b", Digest realm="x", nonce="y"`. A comma-separated piece
// starts a new challenge when it begins with a token that is not followed
// by "=" (which would make it an auth-param); quoted strings are skipped.
func parseChallenges(values []string) []challenge {
	var out []challenge
	for _, v := range values {
		for _, piece := range splitUnquoted(v) {
			piece = strings.TrimLeft(piece, " \t")
			end := 0
			for end < len(piece) && isTokenChar(piece[end]) {
				end++
			}
			if end == 0 {
				continue
			}
			rest := strings.TrimLeft(piece[end:], " \t")
			if strings.HasPrefix(rest, "=") {
				// An auth-param of the current challenge.
				if len(out) > 0 {
					name, value := param(piece)
					out[len(out)-1].Params[name] = value
				}
				continue
			}
			c := challenge{Scheme: canonicalScheme(piece[:end]), Params: map[string]string{}}
			if rest != "" {
				if isToken68(rest) {
					c.Token = rest
				} else {
					name, value := param(rest)
					c.Params[name] = value
				}
			}
			out = append(out, c)
		}
	}
	return out
}

// param splits `name = "quoted \" value"` or `name=token` into its lower
// name and its unquoted value.
func param(s string) (string, string) {
	name, value, _ := strings.Cut(s, "=")
	name = strings.ToLower(strings.TrimSpace(name))
	value = strings.TrimSpace(value)
	if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
		var b strings.Builder
		inner := value[1 : len(value)-1]
		for i := 0; i < len(inner); i++ {
			if inner[i] == '\\' && i+1 < len(inner) {
				i++
			}
			b.WriteByte(inner[i])
		}
		value = b.String()
	}
	return name, value
}

// isToken68 reports whether s is a token68: base64-like characters with
// optional trailing "=" padding, and nothing else.
func isToken68(s string) bool {
	s = strings.TrimRight(s, "=")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~+/", c) >= 0) {
			return false
		}
	}
	return true
}

// challengesFor returns the challenges of one scheme, in order.
func challengesFor(values []string, scheme string) []challenge {
	var out []challenge
	for _, c := range parseChallenges(values) {
		if strings.EqualFold(c.Scheme, scheme) {
			out = append(out, c)
		}
	}
	return out
}

// Package redact hides credentials before anything is printed: the user
// info of proxy, PAC and DoH URLs, in a single value (URL) or anywhere in
// free text such as an error message, a note or a JSON document (Text).
// It is the one redactor of okviz-check: every package that prints or
// returns text for printing uses it, so the rules below hold everywhere.
//
// When in doubt it hides too much rather than too little: a password with
// an unescaped "@", ":", "/", "?" or "#" is hidden whole.
package redact

import (
	"net/url"
	"strings"
)

// mask replaces the user info.
const mask = "***"

// URL hides the credentials of a proxy or PAC URL so it can be printed:
// "http://user:pass@h:8080" becomes "http://***@h:8080". It also handles
// values without a scheme ("user:pass@h:8080") and passwords with an
// unescaped "@", "/", "?", "#" or white space in them: the user info runs
// to the last "@" of the authority. An "@" that is clearly in the path
// ("http://pac.example/p.pac?owner=a@b") is kept. A password with both an
// unescaped "@" and a later "/" cannot be told from a host and path; escape
// it (%40, %2F) in settings.
func URL(rawURL string) string {
	if from, to, ok := userinfo(rawURL); ok {
		return rawURL[:from] + mask + rawURL[to:]
	}
	return rawURL
}

// ProxyValue masks the credentials in a proxy setting as admins write it:
// a URL, WinINET's host:port, or its per-scheme list
// "http=user:pass@a:80;https=b:443", whose entries URL alone would not
// find (no "://"). The scheme names and hosts stay.
func ProxyValue(v string) string {
	if !strings.Contains(v, "@") {
		return v
	}
	entries := strings.Split(v, ";")
	for i, e := range entries {
		name, rest, ok := strings.Cut(e, "=")
		if !ok || strings.Contains(name, "://") || strings.Contains(name, "@") {
			entries[i] = URL(e)
			continue
		}
		entries[i] = name + "=" + URL(rest)
	}
	return strings.Join(entries, ";")
}

// URLs applies URL to every element of a list; an empty list is nil.
func URLs(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = URL(s)
	}
	return out
}

// userinfo finds the user info of a URL: rawURL[from:to] is replaced by the
// mask, to is the index of the "@" that ends it. ok is false when there is
// none (or it is empty: "http://@h").
func userinfo(rawURL string) (from, to int, ok bool) {
	start := 0
	if i := strings.Index(rawURL, "://"); i >= 0 {
		start = i + len("://")
	}
	rest := rawURL[start:]
	at := strings.IndexByte(rest, '@')
	if at < 0 {
		return 0, 0, false
	}
	end := len(rest)
	if slash := strings.IndexByte(rest, '/'); slash > at {
		// "user:pass@host/path": the user info ends at the last "@"
		// before the path.
		end = slash
	} else if slash >= 0 {
		// A "/" before the first "@": a path containing "@", or a
		// password containing "/". Only an authority that cannot be
		// "user:password" (no ":") is taken to be a plain host.
		probe := rawURL
		if start == 0 {
			probe = "http://" + rawURL
		}
		if u, err := url.Parse(probe); err == nil && u.User == nil && !strings.Contains(rest[:slash], ":") {
			return 0, 0, false
		}
	}
	last := strings.LastIndexByte(rest[:end], '@')
	if last == 0 {
		return 0, 0, false
	}
	return start, start + last, true
}

// Text hides the credentials of every URL in s, a message or a document
// meant for printing. A URL is found by its scheme ("http://", "socks5://"
// …). One that starts a quoted string (Go's %q, JSON) runs to the closing
// quote, so a password with spaces in it is hidden whole; a bare one runs
// to white space, a quote, a backslash or an angle bracket, so a mask never
// reaches past the URL it is in nor out of the string around it.
//
// known lists values the caller knows may be in s, such as the flag value
// an error message is about: each (and each item of a comma-separated
// list) is replaced by its redacted form first, which also covers values
// without a scheme ("user:pass@proxy:8080") and bare ones with spaces.
func Text(s string, known ...string) string {
	for _, v := range known {
		for _, item := range items(v) {
			if r := URL(item); r != item {
				s = strings.ReplaceAll(s, item, r)
			}
		}
	}
	if !strings.Contains(s, "://") {
		return s
	}
	var b strings.Builder
	done := 0 // s[:done] is written to b
	for pos := 0; pos < len(s); {
		k := strings.Index(s[pos:], "://")
		if k < 0 {
			break
		}
		k += pos
		begin := schemeStart(s, k)
		if begin < 0 {
			pos = k + len("://")
			continue
		}
		end := tokenEnd(s, begin)
		from, to, ok := userinfo(s[begin:end])
		if !ok {
			pos = k + len("://")
			continue
		}
		b.WriteString(s[done : begin+from])
		b.WriteString(mask)
		done = begin + to
		pos = done
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// items returns v and, when it is a list, each of its comma- or
// space-separated items.
func items(v string) []string {
	if v == "" {
		return nil
	}
	out := []string{v}
	if strings.ContainsAny(v, ", ") {
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			if f != v {
				out = append(out, f)
			}
		}
	}
	return out
}

// schemeStart returns where the URL scheme that ends at s[k] (the "://")
// starts: letters, digits, "+", "-" and "." that begin with a letter. -1
// when there is no scheme.
func schemeStart(s string, k int) int {
	i := k
	for i > 0 {
		c := s[i-1]
		if isLetter(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' {
			i--
			continue
		}
		break
	}
	for i < k && !isLetter(s[i]) {
		i++ // "9http://" is the scheme "http"
	}
	if i == k {
		return -1
	}
	return i
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// tokenEnd returns where the URL that starts at s[begin] ends: at the
// closing quote when it starts a quoted string (backslash escapes
// skipped), else at white space, a quote, a backslash or an angle bracket.
func tokenEnd(s string, begin int) int {
	if begin > 0 && s[begin-1] == '"' {
		for i := begin; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				return i
			case '\n':
				return i
			}
		}
	}
	for i := begin; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\f', '\v', '"', '\\', '<', '>':
			return i
		}
	}
	return len(s)
}

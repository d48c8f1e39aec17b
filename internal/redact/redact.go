// Package redact hides the credentials in proxy and PAC URLs so that they
// can be printed: in reports, notes, errors and logs.
package redact

import (
	"net/url"
	"strings"
)

// URL hides the credentials of a proxy or PAC URL so it can be printed:
// "http://user:pass@h:8080" becomes "http://***@h:8080". It also handles
// values without a scheme ("user:pass@h:8080") and passwords with an
// unescaped "@", "/", "?" or "#" in them: when in doubt it hides too much
// (everything up to the last "@") rather than too little. An "@" that is
// clearly in the path ("http://pac.example/p.pac?owner=a@b") is kept. A
// password with both an unescaped "@" and a later "/" cannot be told from
// a host and path; escape it (%40, %2F) in settings.
func URL(rawURL string) string {
	start := 0
	if i := strings.Index(rawURL, "://"); i >= 0 {
		start = i + len("://")
	}
	rest := rawURL[start:]
	at := strings.IndexByte(rest, '@')
	if at < 0 {
		return rawURL
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
			return rawURL
		}
	}
	last := strings.LastIndexByte(rest[:end], '@')
	return rawURL[:start] + "***" + rest[last:]
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

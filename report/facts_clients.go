package report

import (
	"strings"

	"github.com/okviz/okviz-check/diag"
)

// clientsFact is the one line the compact text gives when the clients
// that run the visual take different routes: "routes differ: browser
// proxy http://p:8080 (from windows-ie-user); desktop proxy
// http://q:3128 (from webview2); cli direct (from env)". Nothing when
// they all agree: the route is then the one the summary names.
func clientsFact(f *factList, clients []diag.ClientRoute) {
	if len(clients) < 2 {
		return
	}
	differ := false
	for _, c := range clients[1:] {
		if !diag.SameRoute(clients[0].Decision, c.Decision) {
			differ = true
		}
	}
	if !differ {
		return
	}
	parts := make([]string, len(clients))
	for i, c := range clients {
		parts[i] = clean(c.Client) + " " + clean(c.Route)
		if c.SameAs != "" {
			parts[i] += " (same route as " + clean(c.SameAs) + ": probed once)"
		} else if c.Probed {
			parts[i] += " (probed)"
		}
	}
	// Whole, like the notes: the difference is the point.
	f.add("routes differ: " + strings.Join(parts, "; "))
}

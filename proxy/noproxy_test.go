package proxy

import (
	"strings"
	"testing"
)

func TestClientRoutes(t *testing.T) {
	const P = "http://p.corp.example:8080"
	tests := []struct {
		name   string
		env    map[string]string
		target string
		// "P" means the proxy P, "" direct, anything else that proxy.
		goWant, curlWant, pyWant, nodeWant string
	}{
		{"leading dot", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": ".okviz.com"}, "https://okviz.com/", P, "", "", ""},
		{"plain domain", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "okviz.com"}, "api.okviz.com", "", "", "", P},
		{"wildcard", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "*.okviz.com"}, "api.okviz.com", "", P, P, ""},
		{"cidr", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "10.0.0.0/8"}, "https://10.1.2.3/", "", "", "", P},
		{"range", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "10.0.0.1-10.0.0.9"}, "https://10.0.0.5/", P, P, P, ""},
		{"port", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "api.okviz.com:443"}, "api.okviz.com", "", P, "", ""},
		{"star in list", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "localhost,*"}, "api.okviz.com", "", P, P, ""},
		{"star alone", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "*"}, "api.okviz.com", "", "", "", ""},
		{"no boundary", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "okviz.com"}, "notokviz.com", P, P, "", P},
		{"case", map[string]string{"HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:2"}, "api.okviz.com", "http://upper:1", "http://lower:2", "http://lower:2", "http://lower:2"},
		{"no scheme", map[string]string{"https_proxy": "p.corp.example:8080"}, "api.okviz.com", "p.corp.example:8080", "p.corp.example:8080", "p.corp.example:8080", ""},
		{"all_proxy", map[string]string{"ALL_PROXY": P}, "api.okviz.com", "", P, P, ""},
		{"upper no_proxy", map[string]string{"https_proxy": P, "no_proxy": "api.okviz.com", "NO_PROXY": "other.example"}, "api.okviz.com", P, "", "", ""},
		{"curl reads up to a blank", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "api.okviz.com a.example"}, "api.okviz.com", P, "", P, P},
		{"localhost", map[string]string{"HTTPS_PROXY": P}, "https://localhost:8443/", "", P, P, P},
	}
	for _, tt := range tests {
		routes := ClientRoutes(envSources(tt.env), tt.target)
		for i, want := range []string{tt.goWant, tt.curlWant, tt.pyWant, tt.nodeWant} {
			if routes[i].Proxy != want {
				t.Errorf("%s: %s = %q (bypass %q, %s), want %q", tt.name, routes[i].Client, routes[i].Proxy, routes[i].Bypass, routes[i].Why, want)
			}
		}
	}
}

func TestNoProxyNotes(t *testing.T) {
	src := envSources(map[string]string{"HTTPS_PROXY": "http://u:secret@p.corp.example:8080", "NO_PROXY": ".okviz.com"})
	notes := NoProxyNotes(src, "https://okviz.com/")
	if len(notes) != 1 {
		t.Fatalf("notes = %q", notes)
	}
	n := notes[0]
	for _, want := range []string{"curl, Python requests, Node.js would go direct for okviz.com because", `curl: NO_PROXY entry ".okviz.com" matches (curl ignores the leading dot`, "itself), but Go would use the proxy http://***@p.corp.example:8080 (HTTPS_PROXY)"} {
		if !strings.Contains(n, want) {
			t.Errorf("note %q lacks %q", n, want)
		}
	}
	if strings.Contains(n, "secret") {
		t.Errorf("credential leak: %q", n)
	}
	if got := NoProxyNotes(envSources(map[string]string{"https_proxy": "http://p:1", "no_proxy": "api.okviz.com"}), "https://api.okviz.com/"); got != nil {
		t.Errorf("all agree, got %q", got)
	}
	if got := NoProxyNotes(envSources(nil), "api.okviz.com"); got != nil {
		t.Errorf("no env, got %q", got)
	}
	three := NoProxyNotes(envSources(map[string]string{"HTTPS_PROXY": "http://upper:1", "https_proxy": "lower:2"}), "api.okviz.com")
	if len(three) != 1 || strings.Count(three[0], "; ") != 2 {
		t.Errorf("three outcomes: %q", three)
	}
}

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
		curlWant, pyWant, goWant, nodeWant string
	}{
		{"leading dot", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": ".okviz.com"}, "https://okviz.com/", "", "", P, ""},
		{"plain domain", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "okviz.com"}, "api.okviz.com", "", "", "", P},
		{"wildcard", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "*.okviz.com"}, "api.okviz.com", P, P, "", ""},
		{"cidr", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "10.0.0.0/8"}, "https://10.1.2.3/", "", "", "", P},
		{"range", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "10.0.0.1-10.0.0.9"}, "https://10.0.0.5/", P, P, P, ""},
		// The port counts for Python and Node only where the URL names it.
		{"port, default", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "api.okviz.com:443"}, "api.okviz.com", P, P, "", P},
		{"port, named", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "api.okviz.com:8443"}, "https://api.okviz.com:8443/", P, "", "", ""},
		{"star in list", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "localhost,*"}, "api.okviz.com", P, P, "", ""},
		{"star alone", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "*"}, "api.okviz.com", "", "", "", ""},
		{"no boundary", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "okviz.com"}, "notokviz.com", P, P, P, P},
		{"case", map[string]string{"HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:2"}, "api.okviz.com", "http://lower:2", "http://lower:2", "http://upper:1", "http://lower:2"},
		{"empty lower case", map[string]string{"HTTPS_PROXY": P, "https_proxy": ""}, "api.okviz.com", P, "", P, P},
		{"no scheme", map[string]string{"https_proxy": "p.corp.example:8080"}, "api.okviz.com", "p.corp.example:8080", "p.corp.example:8080", "p.corp.example:8080", ""},
		{"all_proxy", map[string]string{"ALL_PROXY": P}, "api.okviz.com", P, P, "", ""},
		{"upper no_proxy", map[string]string{"https_proxy": P, "no_proxy": "api.okviz.com", "NO_PROXY": "other.example"}, "api.okviz.com", "", "", P, ""},
		{"curl reads up to a blank", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "api.okviz.com other.example"}, "api.okviz.com", "", P, P, P},
		{"localhost", map[string]string{"HTTPS_PROXY": P}, "https://localhost:8443/", P, P, "", P},
		{"loopback cidr", map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "10.0.0.0/8"}, "https://127.0.0.1:8443/", P, P, "", P},
	}
	for _, tt := range tests {
		env := map[string]string{"NODE_USE_ENV_PROXY": "1"}
		for k, v := range tt.env {
			env[k] = v
		}
		routes := ClientRoutes(envSources(env), tt.target)
		for i, want := range []string{tt.curlWant, tt.pyWant, tt.goWant, tt.nodeWant} {
			if routes[i].Proxy != want {
				t.Errorf("%s: %s = %q (bypass %q, %s), want %q", tt.name, routes[i].Client, routes[i].Proxy, routes[i].Bypass, routes[i].Why, want)
			}
		}
	}
	// Without NODE_USE_ENV_PROXY=1 Node's own clients go direct.
	if r := ClientRoutes(envSources(map[string]string{"HTTPS_PROXY": P}), "api.okviz.com")[3]; r.Proxy != "" || !strings.Contains(r.Why, "NODE_USE_ENV_PROXY") {
		t.Errorf("node without NODE_USE_ENV_PROXY: %+v", r)
	}
}

// TestClientRoutesOlder: the older releases' difference is stated exactly
// where they decide differently.
func TestClientRoutesOlder(t *testing.T) {
	const P = "http://p.corp.example:8080"
	py := ClientRoutes(envSources(map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "okviz.com"}), "notokviz.com")[1]
	if py.Proxy != P || !strings.Contains(py.Older, "would go direct") || !strings.Contains(py.Older, "2.32.3") {
		t.Errorf("python, no boundary: %+v", py)
	}
	if py := ClientRoutes(envSources(map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "okviz.com"}), "api.okviz.com")[1]; py.Older != "" {
		t.Errorf("python, subdomain: both releases go direct, got %q", py.Older)
	}
	curl := ClientRoutes(envSources(map[string]string{"HTTPS_PROXY": P, "NO_PROXY": "10.0.0.0/8"}), "https://10.1.2.3/")[0]
	if curl.Proxy != "" || !strings.Contains(curl.Older, "7.86") || !strings.Contains(curl.Older, "would use the proxy") {
		t.Errorf("curl cidr: %+v", curl)
	}
	if node := ClientRoutes(envSources(map[string]string{"HTTPS_PROXY": P, "NODE_USE_ENV_PROXY": "1"}), "api.okviz.com")[3]; node.Proxy != P || !strings.Contains(node.Older, "would go direct") {
		t.Errorf("node: %+v", node)
	}
}

func TestNoProxyNotes(t *testing.T) {
	src := envSources(map[string]string{"HTTPS_PROXY": "http://u:secret@p.corp.example:8080", "NO_PROXY": ".okviz.com", "NODE_USE_ENV_PROXY": "1"})
	notes := NoProxyNotes(src, "https://okviz.com/")
	if len(notes) != 1 {
		t.Fatalf("notes = %q", notes)
	}
	n := notes[0]
	for _, want := range []string{"curl, Python requests, Node.js would go direct for okviz.com because", `curl: NO_PROXY entry ".okviz.com" matches (curl ignores the leading dot`, "itself), but Go net/http would use the proxy http://***@p.corp.example:8080 (HTTPS_PROXY)"} {
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
	three := NoProxyNotes(envSources(map[string]string{"HTTPS_PROXY": "http://upper:1", "https_proxy": "lower:2", "NODE_USE_ENV_PROXY": "1"}), "api.okviz.com")
	if len(three) != 1 || !strings.Contains(three[0], "Node.js would go direct") {
		t.Errorf("three outcomes: %q", three)
	}
	// Node's own clients not opted in: no note about them.
	three = NoProxyNotes(envSources(map[string]string{"HTTPS_PROXY": "http://upper:1", "https_proxy": "lower:2", "NO_PROXY": "x.example"}), "api.okviz.com")
	if len(three) != 1 || strings.Contains(three[0], "Node") || strings.Count(three[0], "; ") != 0 {
		t.Errorf("two outcomes: %q", three)
	}
}

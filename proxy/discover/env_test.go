package discover

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func envSources(env map[string]string) []Source {
	m := &fakeMachine{goos: "linux", env: env}
	return Discover(context.Background(), m.system(), Given{})
}

func TestChromiumEnvSettings(t *testing.T) {
	tests := []struct {
		env   map[string]string
		found bool
		want  Settings
	}{
		{nil, false, Settings{}},
		{map[string]string{"auto_proxy": ""}, true, Settings{AutoDetect: true}},
		{map[string]string{"auto_proxy": "http://pac.corp.example/p.pac", "https_proxy": "ignored:1"}, true, Settings{PACURL: "http://pac.corp.example/p.pac"}},
		// all_proxy wins; the scheme is dropped (FixupProxyHostScheme), the
		// credentials are kept to answer the proxy's challenge.
		{map[string]string{"ALL_PROXY": "socks5://u:p@s.corp.example:1080", "https_proxy": "h:1"}, true, Settings{Rules: ProxyRules{All: []string{"http://u:p@s.corp.example:1080"}}}},
		{map[string]string{"http_proxy": "http://a:1", "HTTPS_PROXY": "https://b:2", "no_proxy": "corp.example;.x.example"}, true,
			Settings{Rules: ProxyRules{HTTP: []string{"http://a:1"}, HTTPS: []string{"http://b:2"}}, Bypass: []string{"corp.example", ".x.example"}}},
		{map[string]string{"SOCKS_SERVER": "s:1080", "SOCKS_VERSION": "4"}, true, Settings{Rules: ProxyRules{All: []string{"socks4://s:1080"}}}},
		{map[string]string{"SOCKS_SERVER": "socks4://s"}, true, Settings{Rules: ProxyRules{All: []string{"socks4://s:1080"}}}},
		{map[string]string{"SOCKS_SERVER": "s"}, true, Settings{Rules: ProxyRules{All: []string{"socks5://s:1080"}}}},
		{map[string]string{"no_proxy": "*"}, true, Settings{Direct: true}},
		{map[string]string{"https_proxy": "bad proxy value"}, false, Settings{}},
	}
	for _, tt := range tests {
		got, found := chromiumEnvSettings(readEnvVars(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }))
		tt.want.BypassStyle = BypassChromiumSuffix
		if found != tt.found || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%v: got %+v found %v, want %+v", tt.env, got, found, tt.want)
		}
	}
}

func TestEnvSource(t *testing.T) {
	s := findSource(t, envSources(map[string]string{
		"HTTPS_PROXY": "http://user:secret@upper.corp.example:3128", "https_proxy": "http://lower.corp.example:3128",
		"NO_PROXY": "localhost,.corp.example", "ALL_PROXY": "socks5://s:1080",
	}), "env")
	if !s.Found || s.Proxies["https"][0] != "http://***@upper.corp.example:3128" || !reflect.DeepEqual(s.Bypass, []string{"localhost", ".corp.example"}) {
		t.Errorf("env source: %+v", s)
	}
	if !hasNote(s.Notes, "Go uses HTTPS_PROXY, curl, Python and Node use https_proxy") {
		t.Errorf("no case note in %q", s.Notes)
	}
	for _, n := range append(s.Notes, s.Origin) {
		if strings.Contains(n, "secret") {
			t.Errorf("credential leak: %q", n)
		}
	}
	s = findSource(t, envSources(map[string]string{"HTTP_PROXY": "p:1"}), "env")
	if !hasNote(s.Notes, "HTTPS_PROXY is not") {
		t.Errorf("no http-only note: %q", s.Notes)
	}
	s = findSource(t, envSources(map[string]string{"all_proxy": "p:1"}), "env")
	if !hasNote(s.Notes, "Go and Node ignore it") {
		t.Errorf("no all_proxy note: %q", s.Notes)
	}
	if s := findSource(t, envSources(map[string]string{"NODE_USE_ENV_PROXY": "1"}), "env"); s.Found {
		t.Errorf("NODE_USE_ENV_PROXY alone is not a proxy setting: %+v", s)
	}
}

func TestEnvSourceWindowsCase(t *testing.T) {
	// Windows environment names are case-insensitive.
	m := &fakeMachine{goos: "windows", env: map[string]string{"HTTPS_PROXY": "p:1", "https_proxy": "p:1"}}
	s := m.discover(t, "env")
	if s.Origin != "environment: HTTPS_PROXY" || len(s.Notes) != 0 {
		t.Errorf("got %+v", s)
	}
}

// TestEnvBrowserNotes: an https:// or socks5h:// proxy variable is named
// as one whose scheme the browser ignores; credentials are noted, never shown.
func TestEnvBrowserNotes(t *testing.T) {
	notes := envBrowserNotes(readEnvVars(func(k string) (string, bool) {
		v, ok := map[string]string{"HTTPS_PROXY": "https://bob:S3cret@p.corp.example:3129", "all_proxy": "socks5h://s.corp.example:1080", "http_proxy": "http://h:1"}[k]
		return v, ok
	}))
	all := strings.Join(notes, "\n")
	for _, w := range []string{IgnoredSchemeNote + "https_proxy=https://***@p.corp.example:3129: it speaks plain HTTP to p.corp.example:3129, where curl and Python use https",
		IgnoredSchemeNote + "all_proxy=socks5h://s.corp.example:1080", "a browser would prompt for them"} {
		if !strings.Contains(all, w) {
			t.Errorf("notes %q lack %q", notes, w)
		}
	}
	if strings.Contains(all, "S3cret") || strings.Contains(all, "bob") || strings.Contains(all, "h:1") {
		t.Errorf("notes %q", notes)
	}
}

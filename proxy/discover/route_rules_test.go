package discover

import (
	"reflect"
	"strings"
	"testing"
)

func TestNormalizeProxy(t *testing.T) {
	tests := []struct {
		in, def, want string
		wantErr       bool
	}{
		{"proxy:8080", "http", "http://proxy:8080", false},
		{"proxy", "http", "http://proxy:80", false},
		{"https://proxy", "http", "https://proxy:443", false},
		{"socks://s", "http", "socks5://s:1080", false},
		{"s:1080", "socks4", "socks4://s:1080", false},
		{"http://u:p@Proxy.Example:3128/", "http", "http://u:p@proxy.example:3128", false},
		{"[::1]:3128", "http", "http://[::1]:3128", false},
		{"10.0.0.1:65535", "http", "http://10.0.0.1:65535", false},
		{"", "http", "", true},
		{"proxy:0", "http", "", true},
		{"proxy:65536", "http", "", true},
		{"proxy:", "http", "", true},
		{"ftp://proxy:21", "http", "", true},
		{"direct://", "http", "", true},
		{"pro xy:80", "http", "", true},
		{"http://:8080", "http", "", true},
	}
	for _, tt := range tests {
		got, err := NormalizeProxy(tt.in, tt.def)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("normalizeProxy(%q, %q) = %q, %v; want %q, err=%v", tt.in, tt.def, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseProxyURL(t *testing.T) {
	if _, err := ParseProxyURL("socks4://s:1080"); err == nil {
		t.Error("socks4 accepted for --proxy")
	}
	got, err := ParseProxyURL("user:secret@p:3128")
	if err != nil || got != "http://user:secret@p:3128" {
		t.Errorf("got %q, %v", got, err)
	}
	if _, err := ParseProxyURL("http://u:secret@p:99999"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("error %v should exist and not contain the password", err)
	}
}

func TestParseProxyRules(t *testing.T) {
	tests := []struct {
		in       string
		want     ProxyRules
		problems int
	}{
		{"proxy:8080", ProxyRules{All: []string{"http://proxy:8080"}}, 0},
		{"a:1,b:2", ProxyRules{All: []string{"http://a:1", "http://b:2"}}, 0},
		{"http=a:1;https=b:2", ProxyRules{HTTP: []string{"http://a:1"}, HTTPS: []string{"http://b:2"}}, 0},
		{"HTTP = a:1 ; https=https://b", ProxyRules{HTTP: []string{"http://a:1"}, HTTPS: []string{"https://b:443"}}, 0},
		// Internet Explorer's socks= is SOCKS4 and the fallback for other schemes.
		{"http=a:1;socks=s:1080", ProxyRules{HTTP: []string{"http://a:1"}, Fallback: []string{"socks4://s:1080"}}, 0},
		{"ftp=f:21;gopher=g:70", ProxyRules{FTP: []string{"http://f:21"}}, 1},
		// Chromium stops at the first plain entry.
		{"a:1;b:2", ProxyRules{All: []string{"http://a:1"}}, 1},
		{"https=b:2;a:1", ProxyRules{HTTPS: []string{"http://b:2"}}, 1},
		{"https=b:99999", ProxyRules{}, 1},
		{"", ProxyRules{}, 0},
		{";;", ProxyRules{}, 0},
	}
	for _, tt := range tests {
		got, problems := ParseProxyRules(tt.in)
		if !reflect.DeepEqual(got, tt.want) || len(problems) != tt.problems {
			t.Errorf("ParseProxyRules(%q) = %+v %q; want %+v with %d problems", tt.in, got, problems, tt.want, tt.problems)
		}
	}
}

func TestProxyRulesFor(t *testing.T) {
	r := ProxyRules{HTTP: []string{"http://a:1"}, Fallback: []string{"socks4://s:1080"}}
	if got := r.For("https"); !reflect.DeepEqual(got, []string{"socks4://s:1080"}) {
		t.Errorf("https falls back to SOCKS: got %v", got)
	}
	if got := r.For("http"); !reflect.DeepEqual(got, []string{"http://a:1"}) {
		t.Errorf("http: got %v", got)
	}
	if got := (ProxyRules{HTTP: []string{"http://a:1"}}).For("https"); got != nil {
		t.Errorf("no https proxy and no fallback means direct, got %v", got)
	}
	all := ProxyRules{All: []string{"http://p:1"}, HTTPS: []string{"http://ignored:2"}}
	if got := all.For("https"); !reflect.DeepEqual(got, []string{"http://p:1"}) {
		t.Errorf("All wins: got %v", got)
	}
}

// TestParseGivenProxy: the forms admins paste into --proxy, the config's
// proxy.url and OKVIZ_CHECK_PROXY_URL. "proxy.corp.example:8080" is how the
// Internet Options dialog stores one proxy for every scheme; the per-scheme
// value is the ProxyServer form Microsoft documents for WinINET
// ("http=http_proxy:80;https=https_proxy:443"), whose https entry serves
// https targets.
func TestParseGivenProxy(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want ProxyRules
		err  string
	}{
		{in: "proxy.corp.example:8080", want: ProxyRules{All: []string{"http://proxy.corp.example:8080"}}},
		{in: "10.0.0.1:3128", want: ProxyRules{All: []string{"http://10.0.0.1:3128"}}},
		{in: "[fd00::1]:3128", want: ProxyRules{All: []string{"http://[fd00::1]:3128"}}},
		{in: "proxy.corp.example", want: ProxyRules{All: []string{"http://proxy.corp.example:80"}}},
		{in: "http://u:p%3Bq=r@proxy:8080", want: ProxyRules{All: []string{"http://u:p;q=r@proxy:8080"}}},
		{in: "https://proxy.corp.example", want: ProxyRules{All: []string{"https://proxy.corp.example:443"}}},
		{in: "http=a.corp.example:80;https=b.corp.example:443",
			want: ProxyRules{HTTP: []string{"http://a.corp.example:80"}, HTTPS: []string{"http://b.corp.example:443"}}},
		{in: " HTTPS = b.corp.example:8443 ; ", want: ProxyRules{HTTPS: []string{"http://b.corp.example:8443"}}},
		{in: "https=https://b.corp.example:443", want: ProxyRules{HTTPS: []string{"https://b.corp.example:443"}}},
		{in: "http=a:80;https=b:443;ftp=c:21;socks=d:1080",
			want: ProxyRules{HTTP: []string{"http://a:80"}, HTTPS: []string{"http://b:443"}, FTP: []string{"http://c:21"}, Fallback: []string{"socks4://d:1080"}}},
		{in: "", err: "empty proxy"},
		{in: "8080", err: "a port without a host"},
		{in: "u:secret@8080", err: "a port without a host"},
		{in: "proxy:99999", err: "out of range"},
		{in: "proxy:", err: "empty port"},
		{in: "http=a:80;gopher=b:70", err: `"gopher=b:70": unknown scheme "gopher"`},
		{in: "a:80;b:80", err: "only the first proxy for all schemes is used"},
		{in: "http=a:80;b:80", err: "cannot follow per-scheme entries"},
		{in: "https=", err: "names no proxy"},
		{in: ";", err: "names no proxy"},
		{in: "https=direct://b:80", err: "is not a proxy"},
		{in: "https=u:secret@b:0", err: "out of range"},
	} {
		got, err := ParseGivenProxy(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseGivenProxy(%q) = %v, %v; want an error with %q", tt.in, got, err, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("ParseGivenProxy(%q): the error shows the password: %v", tt.in, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseGivenProxy(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
		if !WinINETForm(tt.in) && !strings.Contains(tt.in, "://") {
			t.Errorf("WinINETForm(%q) = false", tt.in)
		}
	}
}

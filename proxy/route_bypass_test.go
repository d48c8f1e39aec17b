package proxy

import (
	"testing"

	"github.com/okviz/okviz-check/proxy/discover"
)

func TestBypassChromium(t *testing.T) {
	list := []string{"<local>", "*.corp.example", ".intranet.example", "exact.example", "10.0.0.0/8", "[fd00::]/8", "192.0.2.7", "http://plain-http.example", "ported.example:8443", "10.*"}
	tests := []struct {
		target string
		want   bool
	}{
		{"printer", true},                      // <local>: no dot
		{"printer.", false},                    // has a dot
		{"a.corp.example", true},               // wildcard
		{"corp.example", false},                // *.corp.example needs a subdomain
		{"x.intranet.example", true},           // leading dot = subdomains
		{"intranet.example", false},            // but not the domain itself
		{"exact.example", true},                // exact
		{"sub.exact.example", false},           // exact only
		{"EXACT.Example", true},                // case-insensitive
		{"10.1.2.3", true},                     // CIDR on an IP literal
		{"https://[fd00::1]:443/", true},       // IPv6 CIDR
		{"192.0.2.7", true},                    // IP literal
		{"192.0.2.8", false},                   //
		{"http://plain-http.example/", true},   // scheme-restricted rule
		{"https://plain-http.example/", false}, //
		{"ported.example:8443", true},          // port-restricted rule
		{"ported.example", false},              // 443 ≠ 8443
		{"10.evil.example", true},              // "10.*" is a host glob
		{"api.okviz.com", false},
		{"localhost", true},          // implicit
		{"sub.localhost", true},      // implicit
		{"127.0.0.53", true},         // implicit
		{"[::1]:80", true},           // implicit
		{"169.254.169.254", true},    // implicit link-local
		{"[::ffff:127.0.0.1]", true}, // implicit mapped loopback
		{"loopback", true},           // <local> (and on Windows, implicit)
	}
	for _, tt := range tests {
		got, why := bypassed(list, discover.BypassChromium, false, "linux", tt.target)
		if got != tt.want {
			t.Errorf("bypassed(%q) = %v (%s), want %v", tt.target, got, why, tt.want)
		}
	}
}

func TestBypassChromiumSpecials(t *testing.T) {
	// "loopback" is an implicit rule only on Windows.
	if got, _ := bypassed(nil, discover.BypassChromium, false, "windows", "loopback"); !got {
		t.Error("windows: loopback should be implicit")
	}
	if got, _ := bypassed(nil, discover.BypassChromium, false, "linux", "loopback"); got {
		t.Error("linux: loopback is not implicit")
	}
	// <-loopback> removes the implicit rules.
	if got, _ := bypassed([]string{"<-loopback>"}, discover.BypassChromium, false, "linux", "localhost"); got {
		t.Error("<-loopback> should send localhost to the proxy")
	}
	// Malformed rules are dropped, not fatal.
	if got, _ := bypassed([]string{"://x", "host:99999", "1.2.3.4/40", "*.ok.example"}, discover.BypassChromium, false, "linux", "a.ok.example"); !got {
		t.Error("valid rule after malformed ones ignored")
	}
	// Reversed (KDE): only listed hosts use the proxy.
	if got, _ := bypassed([]string{"*.partner.example"}, discover.BypassChromium, true, "linux", "x.partner.example"); got {
		t.Error("reversed: listed host should use the proxy")
	}
	if got, _ := bypassed([]string{"*.partner.example"}, discover.BypassChromium, true, "linux", "api.okviz.com"); !got {
		t.Error("reversed: unlisted host should go direct")
	}
}

func TestBypassSuffixAndGo(t *testing.T) {
	tests := []struct {
		list   []string
		target string
		suffix bool // Chromium on Linux (no_proxy, KDE)
		goWant bool
	}{
		{[]string{"okviz.com"}, "api.okviz.com", true, true},
		{[]string{"okviz.com"}, "notokviz.com", true, false}, // Chromium's suffix matching has no dot boundary
		{[]string{".okviz.com"}, "okviz.com", false, false},
		{[]string{"*.okviz.com"}, "api.okviz.com", true, true},
		{[]string{"*"}, "api.okviz.com", true, true},
		{[]string{"10.0.0.0/8"}, "10.9.9.9", true, true},
		{[]string{"api.okviz.com:443"}, "api.okviz.com", true, true},
		{[]string{"api.okviz.com:8443"}, "api.okviz.com", false, false},
		{nil, "localhost", true, true},
	}
	for _, tt := range tests {
		if got, why := bypassed(tt.list, discover.BypassChromiumSuffix, false, "linux", tt.target); got != tt.suffix {
			t.Errorf("suffix %v %q = %v (%s), want %v", tt.list, tt.target, got, why, tt.suffix)
		}
		if got, why := bypassed(tt.list, discover.BypassGo, false, "linux", tt.target); got != tt.goWant {
			t.Errorf("go %v %q = %v (%s), want %v", tt.list, tt.target, got, why, tt.goWant)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"*", "anything", true},
		{"*.a.example", "x.a.example", true},
		{"a?c", "abc", true},
		{"[x]", "[x]", true},
		{`a\b`, `a\b`, true},
		{"*.a.example", "a.example", false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.p, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v", tt.p, tt.s, got)
		}
	}
}

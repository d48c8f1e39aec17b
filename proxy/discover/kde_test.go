package discover

import (
	"strings"
	"testing"
)

func TestParseKioslaverc(t *testing.T) {
	k, err := ParseKioslaverc(testdata(t, "kde", "manual-kioslaverc"))
	if err != nil {
		t.Fatal(err)
	}
	if k["ProxyType"] != "1" || k["httpsProxy"] != "http://secure.corp.example 8443" || k["Proxy Config Script"] != "" {
		t.Errorf("got %q", k)
	}
	if k, _ := ParseKioslaverc(testdata(t, "kde", "reversed-kioslaverc")); k["httpProxy"] != "http://proxy.corp.example:3128" {
		t.Errorf("[$e] marker not stripped: %q", k)
	}
	if k, err := ParseKioslaverc(testdata(t, "kde", "other-groups-kioslaverc")); err != nil || len(k) != 0 {
		t.Errorf("other groups: %q, %v", k, err)
	}
	if _, err := ParseKioslaverc(testdata(t, "kde", "binary-kioslaverc")); err == nil {
		t.Error("binary file accepted")
	}
	if k, err := ParseKioslaverc([]byte("[Proxy Settings]\nno equals sign\n[bad]=x\n=empty key\n")); err != nil || len(k) != 0 {
		t.Errorf("junk lines: %q, %v", k, err)
	}
}

func TestKDESource(t *testing.T) {
	both := func(p string) map[string][]string { return map[string][]string{"http": {p}, "https": {p}} }
	tests := []struct {
		file     string
		env      map[string]string
		reversed bool
		unusable bool
		want     want
	}{
		{"manual-kioslaverc", nil, false, false, want{mode: "manual",
			proxies: map[string][]string{"http": {"http://proxy.corp.example:8080"}, "https": {"http://secure.corp.example:8443"}, "fallback": {"socks5://socks.corp.example:1080"}},
			bypass:  []string{"localhost", "127.0.0.1", "corp.example"}}},
		{"pac-kioslaverc", nil, false, false, want{mode: "pac", pac: "http://pac.corp.example/proxy.pac"}},
		{"wpad-kioslaverc", nil, false, false, want{mode: "auto-detect", autoDetect: true}},
		{"env-kioslaverc", map[string]string{"HTTPS_PROXY": "http://envproxy.corp.example:3128", "NO_PROXY": "internal.example,.corp.example"}, false, false,
			want{mode: "manual", proxies: map[string][]string{"https": {"http://envproxy.corp.example:3128"}}, bypass: []string{"internal.example", ".corp.example"}}},
		{"reversed-kioslaverc", nil, true, false, want{mode: "manual", proxies: both("http://proxy.corp.example:3128"), bypass: []string{".partner.example", "legacy.example"}}},
		{"none-kioslaverc", nil, false, false, want{mode: "direct"}},
		{"manual-noproxy-kioslaverc", nil, false, true, want{mode: "direct"}},
	}
	for _, tt := range tests {
		env := map[string]string{"HOME": "/home/u", "XDG_CURRENT_DESKTOP": "KDE"}
		for k, v := range tt.env {
			env[k] = v
		}
		m := &fakeMachine{goos: "linux", env: env, files: map[string][]byte{"/home/u/.config/kioslaverc": testdata(t, "kde", tt.file)}}
		s := m.discover(t, "kde")
		tt.want.check(t, tt.file, s)
		if !s.Found || s.set.Reversed != tt.reversed || s.set.Unusable != tt.unusable || !s.set.Active || s.set.BypassStyle != BypassChromiumSuffix {
			t.Errorf("%s: found %v reversed %v unusable %v active %v style %q", tt.file, s.Found, s.set.Reversed, s.set.Unusable, s.set.Active, s.set.BypassStyle)
		}
	}
	// KDEHOME wins; a binary file is an error, not a panic.
	m := &fakeMachine{goos: "linux", env: map[string]string{"KDEHOME": "/k", "HOME": "/home/u", "XDG_CURRENT_DESKTOP": "KDE"},
		files: map[string][]byte{"/k/share/config/kioslaverc": testdata(t, "kde", "binary-kioslaverc"), "/home/u/.config/kioslaverc": testdata(t, "kde", "manual-kioslaverc")}}
	if s := m.discover(t, "kde"); s.Found || s.Err == "" || s.Origin != "/k/share/config/kioslaverc" {
		t.Errorf("KDEHOME binary: %+v", s)
	}
}

// TestNoDesktopReadsNothing: on a server (no desktop session) the GNOME and
// KDE settings are not read at all: Chromium would not use them.
func TestNoDesktopReadsNothing(t *testing.T) {
	m := &fakeMachine{goos: "linux", env: map[string]string{"HOME": "/home/u"},
		files: map[string][]byte{"/home/u/.config/kioslaverc": testdata(t, "kde", "manual-kioslaverc")}}
	for _, name := range []string{"kde", "gnome"} {
		s := m.discover(t, name)
		if s.Found || len(s.Notes) == 0 || !strings.Contains(s.Notes[0], "not read") {
			t.Errorf("%s without a desktop session: %+v", name, s)
		}
	}
}

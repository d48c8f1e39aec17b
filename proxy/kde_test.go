package proxy

import (
	"context"
	"reflect"
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
	tests := []struct {
		file       string
		env        map[string]string
		mode       string
		proxies    map[string][]string
		pac        string
		autoDetect bool
		bypass     []string
		reversed   bool
		unusable   bool
	}{
		{"manual-kioslaverc", nil, "manual", map[string][]string{"http": {"http://proxy.corp.example:8080"}, "https": {"http://secure.corp.example:8443"}, "fallback": {"socks5://socks.corp.example:1080"}},
			"", false, []string{"localhost", "127.0.0.1", "corp.example"}, false, false},
		{"pac-kioslaverc", nil, "pac", nil, "http://pac.corp.example/proxy.pac", false, nil, false, false},
		{"wpad-kioslaverc", nil, "auto-detect", nil, "", true, nil, false, false},
		{"env-kioslaverc", map[string]string{"HTTPS_PROXY": "http://envproxy.corp.example:3128", "NO_PROXY": "internal.example,.corp.example"},
			"manual", map[string][]string{"https": {"http://envproxy.corp.example:3128"}}, "", false, []string{"internal.example", ".corp.example"}, false, false},
		{"reversed-kioslaverc", nil, "manual", map[string][]string{"http": {"http://proxy.corp.example:3128"}, "https": {"http://proxy.corp.example:3128"}},
			"", false, []string{".partner.example", "legacy.example"}, true, false},
		{"none-kioslaverc", nil, "direct", nil, "", false, nil, false, false},
		{"manual-noproxy-kioslaverc", nil, "direct", nil, "", false, nil, false, true},
	}
	for _, tt := range tests {
		env := map[string]string{"HOME": "/home/u", "XDG_CURRENT_DESKTOP": "KDE"}
		for k, v := range tt.env {
			env[k] = v
		}
		m := &fakeMachine{goos: "linux", env: env, files: map[string][]byte{"/home/u/.config/kioslaverc": testdata(t, "kde", tt.file)}}
		s := findSource(t, Discover(context.Background(), m.system(), Given{}), "kde")
		if !s.Found || s.Mode != tt.mode || !reflect.DeepEqual(s.Proxies, tt.proxies) || s.PACURL != tt.pac || s.AutoDetect != tt.autoDetect ||
			!reflect.DeepEqual(s.Bypass, tt.bypass) || s.set.reversed != tt.reversed || s.set.unusable != tt.unusable || !s.set.active {
			t.Errorf("%s: found %v mode %q proxies %v pac %q auto %v bypass %q reversed %v unusable %v active %v notes %q",
				tt.file, s.Found, s.Mode, s.Proxies, s.PACURL, s.AutoDetect, s.Bypass, s.set.reversed, s.set.unusable, s.set.active, s.Notes)
		}
		if s.set.bypassStyle != BypassChromiumSuffix {
			t.Errorf("%s: KDE bypass lists are suffix matched", tt.file)
		}
	}
	// KDEHOME wins; a binary file is an error, not a panic.
	m := &fakeMachine{goos: "linux", env: map[string]string{"KDEHOME": "/k", "HOME": "/home/u"},
		files: map[string][]byte{"/k/share/config/kioslaverc": testdata(t, "kde", "binary-kioslaverc"), "/home/u/.config/kioslaverc": testdata(t, "kde", "manual-kioslaverc")}}
	if s := findSource(t, Discover(context.Background(), m.system(), Given{}), "kde"); s.Found || s.Err == "" || s.Origin != "/k/share/config/kioslaverc" {
		t.Errorf("KDEHOME binary: %+v", s)
	}
}

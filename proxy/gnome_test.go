package proxy

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func TestParseGVariant(t *testing.T) {
	tests := []struct {
		in      string
		want    any
		wantErr bool
	}{
		{"'manual'", "manual", false},
		{`"it's"`, "it's", false},
		{`'a\'b\\c'`, `a'b\c`, false},
		{`'\u00e9'`, "é", false},
		{"8080", int64(8080), false},
		{"uint32 3128", int64(3128), false},
		{"true", true, false},
		{"@as []", []string{}, false},
		{"['localhost', '127.0.0.0/8', \"::1\"]", []string{"localhost", "127.0.0.0/8", "::1"}, false},
		{"[]", []string{}, false},
		{"'unterminated", nil, true},
		{"['a' 'b']", nil, true},
		{"['a',", nil, true},
		{"[1, 2]", nil, true},
		{"'a' trailing", nil, true},
		{"@as", nil, true},
		{`'\u12'`, nil, true},
		{"nonsense words here", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseGVariant(tt.in)
		if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseGVariant(%q) = %#v, %v", tt.in, got, err)
		}
	}
}

func TestGnomeSource(t *testing.T) {
	tests := []struct {
		file       string
		found      bool
		usable     bool
		mode       string
		proxies    map[string][]string
		pac        string
		autoDetect bool
		bypass     []string
		err        bool
	}{
		{"manual.txt", true, true, "manual", map[string][]string{"http": {"http://proxy.corp.example:8080"}, "https": {"http://secure.corp.example:8443"}},
			"", false, []string{"localhost", "127.0.0.0/8", "::1", "*.corp.example", ".intranet.example"}, false},
		{"auto-pac.txt", true, true, "pac", nil, "http://pac.corp.example/proxy.pac", false, nil, false},
		{"auto-wpad.txt", true, true, "auto-detect", nil, "", true, nil, false},
		{"auto-file.txt", true, true, "pac", nil, "file:///etc/proxy/local.pac", false, nil, false},
		{"none.txt", true, true, "direct", nil, "", false, nil, false},
		{"socks-only.txt", true, true, "manual", map[string][]string{"all": {"socks5://socks.corp.example:1080"}}, "", false, []string{"localhost"}, false},
		{"manual-empty.txt", true, false, "direct", nil, "", false, nil, false},
		{"escaped.txt", true, true, "manual", map[string][]string{"https": {"http://secure.corp.example:3129"}}, "", false, []string{"it's.example", "tab\there", "été.example"}, false},
		{"malformed.txt", false, false, "", nil, "", false, nil, true},
		{"malformed-array.txt", false, false, "", nil, "", false, nil, true},
		{"other-schema.txt", false, false, "", nil, "", false, nil, false},
	}
	for _, tt := range tests {
		m := &fakeMachine{goos: "linux", env: map[string]string{"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"},
			cmds: map[string][]byte{"gsettings list-recursively org.gnome.system.proxy": testdata(t, "gnome", tt.file)}}
		s := findSource(t, Discover(context.Background(), m.system(), Given{}), "gnome")
		if s.Found != tt.found || s.set.unusable == tt.usable && tt.found || s.Mode != tt.mode || !reflect.DeepEqual(s.Proxies, tt.proxies) ||
			s.PACURL != tt.pac || s.AutoDetect != tt.autoDetect || !reflect.DeepEqual(s.Bypass, tt.bypass) || (s.Err != "") != tt.err {
			t.Errorf("%s: found %v unusable %v mode %q proxies %v pac %q auto %v bypass %q err %q notes %q", tt.file, s.Found, s.set.unusable, s.Mode, s.Proxies, s.PACURL, s.AutoDetect, s.Bypass, s.Err, s.Notes)
		}
		if !s.set.active {
			t.Errorf("%s: GNOME desktop not detected", tt.file)
		}
		for _, n := range s.Notes {
			if containsAny(n, "hunter2", "alice") {
				t.Errorf("%s: credentials in note %q", tt.file, n)
			}
		}
	}
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func TestLinuxDesktop(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, "gnome"},
		{map[string]string{"XDG_CURRENT_DESKTOP": "X-Cinnamon"}, "gnome"},
		{map[string]string{"XDG_CURRENT_DESKTOP": "KDE"}, "kde"},
		{map[string]string{"XDG_CURRENT_DESKTOP": "XFCE", "DESKTOP_SESSION": "gnome"}, ""},
		{map[string]string{"XDG_CURRENT_DESKTOP": "MATE", "DESKTOP_SESSION": "mate"}, "gnome"},
		{map[string]string{"DESKTOP_SESSION": "plasma"}, "kde"},
		{map[string]string{"KDE_FULL_SESSION": "true"}, "kde"},
		{map[string]string{"GNOME_DESKTOP_SESSION_ID": "this-is-deprecated"}, "gnome"},
		{nil, ""},
	}
	for _, tt := range tests {
		got, why := linuxDesktop(func(k string) string { return tt.env[k] })
		if got != tt.want || why == "" {
			t.Errorf("%v: got %q (%s), want %q", tt.env, got, why, tt.want)
		}
	}
}

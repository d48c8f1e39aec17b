package discover

import (
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
		file   string
		found  bool
		usable bool
		err    bool
		want   want
	}{
		{"manual.txt", true, true, false, want{mode: "manual", proxies: map[string][]string{"http": {"http://proxy.corp.example:8080"}, "https": {"http://secure.corp.example:8443"}},
			bypass: []string{"localhost", "127.0.0.0/8", "::1", "*.corp.example", ".intranet.example"}}},
		{"auto-pac.txt", true, true, false, want{mode: "pac", pac: "http://pac.corp.example/proxy.pac"}},
		{"auto-wpad.txt", true, true, false, want{mode: "auto-detect", autoDetect: true}},
		{"auto-file.txt", true, true, false, want{mode: "pac", pac: "file:///etc/proxy/local.pac"}},
		{"none.txt", true, true, false, want{mode: "direct"}},
		{"socks-only.txt", true, true, false, want{mode: "manual", proxies: map[string][]string{"all": {"socks5://socks.corp.example:1080"}}, bypass: []string{"localhost"}}},
		{"manual-empty.txt", true, false, false, want{mode: "direct"}},
		{"escaped.txt", true, true, false, want{mode: "manual", proxies: map[string][]string{"https": {"http://secure.corp.example:3129"}}, bypass: []string{"it's.example", "tab\there", "été.example"}}},
		{"malformed.txt", false, false, true, want{}},
		{"malformed-array.txt", false, false, true, want{}},
		{"other-schema.txt", false, false, false, want{}},
	}
	for _, tt := range tests {
		m := &fakeMachine{goos: "linux", env: map[string]string{"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"},
			cmds: map[string][]byte{"gsettings list-recursively org.gnome.system.proxy": testdata(t, "gnome", tt.file)}}
		s := m.discover(t, "gnome")
		tt.want.check(t, tt.file, s)
		if s.Found != tt.found || tt.found && s.set.Unusable == tt.usable || (s.Err != "") != tt.err || !s.set.Active {
			t.Errorf("%s: found %v unusable %v error %q active %v", tt.file, s.Found, s.set.Unusable, s.Err, s.set.Active)
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

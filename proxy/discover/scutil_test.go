package discover

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseScutil(t *testing.T) {
	d, err := ParseScutil(testdata(t, "macos", "scutil-manual.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if d.str("HTTPProxy") != "proxy.corp.example" || !d.flag("HTTPSEnable") || d.flag("SOCKSEnable") {
		t.Errorf("scalars: %v", d)
	}
	if got := d.strings("ExceptionsList"); !reflect.DeepEqual(got, []string{"*.local", "169.254/16", "*.corp.example"}) {
		t.Errorf("ExceptionsList = %q", got)
	}
	d, err = ParseScutil(testdata(t, "macos", "scutil-pac.txt"))
	if err != nil {
		t.Fatal(err)
	}
	scoped, ok := d["__SCOPED__"].(ScutilDict)
	if !ok || len(scoped) != 2 {
		t.Fatalf("__SCOPED__ = %#v", d["__SCOPED__"])
	}
	if u := d.str("ProxyAutoConfigURLString"); u != "http://pac.corp.example:8081/proxy.pac?site=hq" {
		t.Errorf("URL with colons = %q", u)
	}
	if d, err := ParseScutil(testdata(t, "macos", "scutil-noproxies.txt")); err != nil || len(d) != 0 {
		t.Errorf("No proxies: %v, %v", d, err)
	}
	for _, name := range []string{"scutil-unclosed.txt", "scutil-garbage.txt", "scutil-noseparator.txt"} {
		if _, err := ParseScutil(testdata(t, "macos", name)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	for _, in := range []string{"", "\n\n", "<dictionary> {\n}\n}\n", strings.Repeat("<dictionary> {\nk : <dictionary> {\n", 40)} {
		if _, err := ParseScutil([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestScutilSource(t *testing.T) {
	tests := []struct {
		file string
		want want
		note string
	}{
		{"scutil-manual.txt", want{mode: "manual", proxies: map[string][]string{"http": {"http://proxy.corp.example:8080"}, "https": {"http://secure.corp.example:8443"}},
			bypass: []string{"<local>", "*.local", "169.254/16", "*.corp.example"}}, ""},
		{"scutil-pac.txt", want{mode: "pac", pac: "http://pac.corp.example:8081/proxy.pac?site=hq", bypass: []string{"*.local", "169.254/16"}}, "interface utun3"},
		{"scutil-autodiscovery.txt", want{mode: "auto-detect", proxies: map[string][]string{"fallback": {"socks5://socks.corp.example:1080"}}, autoDetect: true}, ""},
		{"scutil-tight.txt", want{mode: "manual", proxies: map[string][]string{"http": {"http://192.0.2.10:3128"}}}, "HTTPSProxy is empty"},
		{"scutil-empty.txt", want{mode: "direct"}, ""},
	}
	for _, tt := range tests {
		m := &fakeMachine{goos: "darwin", cmds: map[string][]byte{"scutil --proxy": testdata(t, "macos", tt.file)}}
		s := m.discover(t, "macos-scutil")
		tt.want.check(t, tt.file, s)
		if !s.Found || s.Err != "" || tt.note != "" && !hasNote(s.Notes, tt.note) {
			t.Errorf("%s: found %v, error %q, no note %q in %q", tt.file, s.Found, s.Err, tt.note, s.Notes)
		}
	}
	m := &fakeMachine{goos: "darwin", cmds: map[string][]byte{"scutil --proxy": testdata(t, "macos", "scutil-unclosed.txt")}}
	if s := m.discover(t, "macos-scutil"); s.Found || s.Err == "" {
		t.Errorf("malformed output: %+v", s)
	}
	m = &fakeMachine{goos: "darwin"} // scutil missing
	if s := m.discover(t, "macos-scutil"); s.Found || s.Err != "" {
		t.Errorf("missing scutil: %+v", s)
	}
}

func TestParseScutilDNSSearch(t *testing.T) {
	got := ParseScutilDNSSearch(testdata(t, "macos", "scutil-dns.txt"))
	if want := []string{"eng.corp.example", "corp.example", "local"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := ParseScutilDNSSearch([]byte("garbage\n:\n")); got != nil {
		t.Errorf("garbage: %q", got)
	}
}

func FuzzParseScutil(f *testing.F) {
	f.Add([]byte("<dictionary> {\n  HTTPEnable : 1\n}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseScutil(b)
		if err != nil {
			return
		}
		st, _ := scutilSettings(d)
		for _, p := range st.Rules.For("https") {
			if _, err := NormalizeProxy(p, "http"); err != nil {
				t.Fatalf("unusable proxy %q from %q", p, b)
			}
		}
	})
}

package redact

import (
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"http://proxy:8080", "http://proxy:8080"},
		{"http://user:pass@h:8080", "http://***@h:8080"},
		{"http://user@h:8080", "http://***@h:8080"},
		{"https://user:pass@h:8443/path?q=1", "https://***@h:8443/path?q=1"},
		{"user:pass@h:8080", "***@h:8080"},
		{"socks5://u:p@[::1]:1080", "socks5://***@[::1]:1080"},
		// A password with an unescaped "@", "/", "#" or "?" must not leak.
		{"http://user:p@ss@h:8080", "http://***@h:8080"},
		{"http://user:pa/ss@h:8080", "http://***@h:8080"},
		{"http://user:pa#ss@h:8080", "http://***@h:8080"},
		{"http://user:pa?ss@h:8080", "http://***@h:8080"},
		{"DOMAIN%5Cuser:secret@proxy:3128", "***@proxy:3128"},
		// "@" in the path or query is not a credential.
		{"http://pac.example/proxy.pac?owner=a@b.example", "http://pac.example/proxy.pac?owner=a@b.example"},
		{"http://0:#000@0", "http://***@0"},
		{"http://user:12/ss@h:1", "http://***@h:1"},
		{"http://user:p@ss@h:8080/x@y", "http://***@h:8080/x@y"},
		// Ambiguous with a password containing "/": hide rather than leak.
		{"http://pac.example:8080/p.pac?o=a@b", "http://***@b"},
		// KDE writes "host port".
		{"http://user:pw@h 8080", "http://***@h 8080"},
	}
	for _, tt := range tests {
		got := URL(tt.in)
		if got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		for _, secret := range []string{"pass", "p@ss", "pa/ss", "pa#ss", "pa?ss", "secret", ":pw"} {
			if strings.Contains(tt.in, secret) && strings.Contains(got, secret) {
				t.Errorf("URL(%q) = %q leaks %q", tt.in, got, secret)
			}
		}
	}
}

func FuzzURL(f *testing.F) {
	f.Add("user", "pass", "h:8080")
	f.Add("DOMAIN%5Cuser", "p@ss/w#rd?", "proxy:3128/")
	f.Add("u", "secret", "h/p.pac?owner=a@b")
	f.Add("", "pw", "[::1]:1080")
	f.Fuzz(func(t *testing.T, user, pass, rest string) {
		s := "http://" + user + ":" + pass + "@" + rest
		got := URL(s)
		ui := user + ":" + pass
		if strings.Contains(user, "/") || strings.Contains(ui, "@") && strings.Contains(ui[strings.Index(ui, "@"):], "/") {
			// The user name decides where the authority ends, and an
			// unescaped "@" followed by "/" reads as host and path.
			return
		}
		if len(pass) >= 4 && !strings.Contains("http://***@"+rest, pass) && strings.Contains(got, pass) {
			t.Errorf("URL(%q) = %q leaks the password", s, got)
		}
	})
}

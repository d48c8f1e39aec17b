package pac

import (
	"errors"
	"testing"
)

func TestSanitizeURL(t *testing.T) {
	tests := []struct {
		in, url, host string
	}{
		// https and wss: path, query, fragment and credentials go (Chromium, net/docs/proxy.md).
		{"https://api.okviz.com/", "https://api.okviz.com/", "api.okviz.com"},
		{"https://api.okviz.com", "https://api.okviz.com/", "api.okviz.com"},
		{"https://www.google.com/Foo", "https://www.google.com/", "www.google.com"},
		{"https://[dead::beef]/foo?bar", "https://[dead::beef]/", "dead::beef"},
		{"https://www.example.com:8080#search", "https://www.example.com:8080/", "www.example.com"},
		{"https://username:password@www.example.com", "https://www.example.com/", "www.example.com"},
		{"wss://chat.example/socket?x=1", "wss://chat.example/", "chat.example"},
		// http keeps path and query, drops fragment and credentials.
		{"http://intranet/a/b?c=d#frag", "http://intranet/a/b?c=d", "intranet"},
		{"http://user@intranet", "http://intranet/", "intranet"},
		{"http://intranet/?", "http://intranet/?", "intranet"},
		{"http://intranet/a%20b", "http://intranet/a%20b", "intranet"},
		// Canonical scheme, host and port.
		{"HTTPS://API.OKVIZ.COM:443/", "https://api.okviz.com/", "api.okviz.com"},
		{"http://Intranet:80/x", "http://intranet/x", "intranet"},
		{"https://api.okviz.com:0443/", "https://api.okviz.com/", "api.okviz.com"},
		{"https://api.okviz.com:8443/", "https://api.okviz.com:8443/", "api.okviz.com"},
		{"https://[0:0::1]:443/", "https://[::1]/", "::1"},
		{"https://198.18.0.1/", "https://198.18.0.1/", "198.18.0.1"},
		{"https://bücher.example/", "https://xn--bcher-kva.example/", "xn--bcher-kva.example"},
		{"https://under_score.corp/", "https://under_score.corp/", "under_score.corp"},
		{"https://fqdn.corp./", "https://fqdn.corp./", "fqdn.corp."},
		{"ftp://files.corp/x", "ftp://files.corp/x", "files.corp"},
	}
	for _, tt := range tests {
		u, h, err := SanitizeURL(tt.in)
		if err != nil || u != tt.url || h != tt.host {
			t.Errorf("SanitizeURL(%q) = %q, %q, %v; want %q, %q", tt.in, u, h, err, tt.url, tt.host)
		}
	}
}

func TestSanitizeURLRejects(t *testing.T) {
	for _, in := range []string{
		"", "api.okviz.com", "/relative", "https://", "https:///path", "https://a b/", "https://a\x00/",
		"https://host:99999/", "https://host:0/", "mailto:x@y", "https://[fe80::1%25eth0]/",
		"https://a..b/", "https://bad!host/", "https://.corp/", "https://\u00ad/",
	} {
		_, _, err := SanitizeURL(in)
		var ue *URLError
		if !errors.As(err, &ue) {
			t.Errorf("SanitizeURL(%q): err = %v, want a *URLError", in, err)
		}
	}
}

package diag

import (
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in              string
		url, host, path string
		port            int
		wantErr         string
	}{
		{in: "api.okviz.com", url: "https://api.okviz.com/", host: "api.okviz.com", port: 443, path: "/"},
		{in: "https://API.okviz.com./v1/check?x=1", url: "https://api.okviz.com/v1/check?x=1", host: "api.okviz.com", port: 443, path: "/v1/check?x=1"},
		{in: "api.okviz.com:8443", url: "https://api.okviz.com:8443/", host: "api.okviz.com", port: 8443, path: "/"},
		{in: "[fd00:198:18::1]:443", url: "https://[fd00:198:18::1]/", host: "fd00:198:18::1", port: 443, path: "/"},
		{in: "198.18.0.1", url: "https://198.18.0.1/", host: "198.18.0.1", port: 443, path: "/"},
		{in: "", wantErr: "empty target"},
		{in: "http://api.okviz.com/", wantErr: "only https://"},
		{in: "https://user:pw@api.okviz.com/", wantErr: "credentials"},
		{in: "api.okviz.com:0", wantErr: "between 1 and 65535"},
		{in: "api.okviz.com:http", wantErr: "not a host or https URL"},
		{in: "bad_-.com-", wantErr: "not a valid host name"},
		{in: "a b", wantErr: "white space"},
		{in: "https://", wantErr: "no host"},
		{in: strings.Repeat("a", 64) + ".com", wantErr: "not a valid host name"},
		{in: "exa\x1bmple.com", wantErr: "control characters"},
	}
	for _, tt := range tests {
		got, err := ParseTarget(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseTarget(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseTarget(%q): %v", tt.in, err)
			continue
		}
		if got.URL != tt.url || got.Host != tt.host || got.Port != tt.port || got.Path != tt.path {
			t.Errorf("ParseTarget(%q) = %+v, want url %s host %s port %d path %s", tt.in, got, tt.url, tt.host, tt.port, tt.path)
		}
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"api.okviz.com", "https://api.okviz.com:443/x?y", "[::1]:8443", "http://x", "%zz", "https://[::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := ParseTarget(s)
		if err != nil {
			return
		}
		// A parsed target round-trips through its own URL.
		again, err := ParseTarget(tg.URL)
		if err != nil {
			t.Fatalf("ParseTarget(%q) gave URL %q that does not parse: %v", s, tg.URL, err)
		}
		if again.URL != tg.URL || again.Host != tg.Host || again.Port != tg.Port {
			t.Fatalf("round trip of %q: %+v then %+v", s, tg, again)
		}
		if tg.Port < 1 || tg.Port > 65535 || tg.Host == "" {
			t.Fatalf("ParseTarget(%q) = %+v: bad port or host", s, tg)
		}
	})
}

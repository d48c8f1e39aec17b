package pac

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseResult(t *testing.T) {
	direct := ProxyEntry{Kind: ProxyDirect}
	tests := []struct {
		in   string
		want []ProxyEntry
	}{
		{"DIRECT", []ProxyEntry{direct}},
		{"", []ProxyEntry{direct}},
		{"  ;; ; ", []ProxyEntry{direct}},
		{"PROXY a:8080", []ProxyEntry{{ProxyHTTP, "a", 8080}}},
		{"PROXY a", []ProxyEntry{{ProxyHTTP, "a", 80}}},
		{"HTTPS secure.corp", []ProxyEntry{{ProxyHTTPS, "secure.corp", 443}}},
		{"SOCKS s", []ProxyEntry{{ProxySOCKS, "s", 1080}}},
		{"SOCKS4 s:9", []ProxyEntry{{ProxySOCKS4, "s", 9}}},
		{"SOCKS5 s", []ProxyEntry{{ProxySOCKS5, "s", 1080}}},
		{"proxy A.Corp:3128; direct", []ProxyEntry{{ProxyHTTP, "a.corp", 3128}, direct}},
		{"  PROXY   a:1  ;;  SOCKS5\tb:2 ; DIRECT ;", []ProxyEntry{{ProxyHTTP, "a", 1}, {ProxySOCKS5, "b", 2}, direct}},
		{"PROXY [::1]:8080", []ProxyEntry{{ProxyHTTP, "::1", 8080}}},
		{"PROXY [fd00:198:18::1]", []ProxyEntry{{ProxyHTTP, "fd00:198:18::1", 80}}},
		{"PROXY 198.18.0.1:65535", []ProxyEntry{{ProxyHTTP, "198.18.0.1", 65535}}},
		{"PROXY under_score.corp:1", []ProxyEntry{{ProxyHTTP, "under_score.corp", 1}}},
		{"PROXY fqdn.corp.:1", []ProxyEntry{{ProxyHTTP, "fqdn.corp.", 1}}},
	}
	for _, tt := range tests {
		got, err := ParseResult(tt.in)
		if err != nil {
			t.Errorf("ParseResult(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseResult(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseResultRejects(t *testing.T) {
	tests := []struct {
		in       string
		reason   string       // part of the error text
		chromium []ProxyEntry // what a browser would use instead
	}{
		{"garbage", "unknown keyword", []ProxyEntry{{Kind: ProxyDirect}}},
		{"HTTP a:80", "not a PAC keyword", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY", "needs a host", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY a:0", "between 1 and 65535", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY a:65536", "between 1 and 65535", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY a:", "between 1 and 65535", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY a:+80", "between 1 and 65535", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY a:http", "between 1 and 65535", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY ::1", "brackets", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY [::1", "missing ']'", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY [1.2.3.4]:80", "not an IPv6", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY [::1]x", "after ']'", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY a b", "separate entries with ';'", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY a:8080 DIRECT", "separate entries with ';'", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY user:pw@a:80", "credentials", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY http://a:80", "is a URL", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY a:b:80", "not a valid host", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY a@b", "not a valid host", []ProxyEntry{{Kind: ProxyDirect}}},
		{"DIRECT a", "no address", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY a:1, PROXY b:2", "", []ProxyEntry{{Kind: ProxyDirect}}},
		{"PROXY good:1; FOO bar; DIRECT", "unknown keyword", []ProxyEntry{{ProxyHTTP, "good", 1}, {Kind: ProxyDirect}}},
	}
	for _, tt := range tests {
		got, err := ParseResult(tt.in)
		var re *ResultError
		if !errors.As(err, &re) {
			t.Errorf("ParseResult(%q) = %v, %v; want a *ResultError", tt.in, got, err)
			continue
		}
		if got != nil {
			t.Errorf("ParseResult(%q) returned entries %v with an error", tt.in, got)
		}
		if !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ParseResult(%q) error %q does not say %q", tt.in, err, tt.reason)
		}
		if !reflect.DeepEqual(re.Chromium, tt.chromium) {
			t.Errorf("ParseResult(%q) Chromium = %v, want %v", tt.in, re.Chromium, tt.chromium)
		}
		if re.Result != tt.in || len(re.Bad) == 0 || len(re.Bad) != len(re.Reasons) {
			t.Errorf("ParseResult(%q) error fields = %+v", tt.in, re)
		}
	}
}

func TestProxyEntryFormats(t *testing.T) {
	tests := []struct {
		e            ProxyEntry
		url, str, hp string
	}{
		{ProxyEntry{Kind: ProxyDirect}, "direct", "DIRECT", ""},
		{ProxyEntry{ProxyHTTP, "a", 8080}, "http://a:8080", "PROXY a:8080", "a:8080"},
		{ProxyEntry{ProxyHTTPS, "a", 443}, "https://a:443", "HTTPS a:443", "a:443"},
		{ProxyEntry{ProxySOCKS, "s", 1080}, "socks4://s:1080", "SOCKS s:1080", "s:1080"},
		{ProxyEntry{ProxySOCKS4, "s", 1}, "socks4://s:1", "SOCKS4 s:1", "s:1"},
		{ProxyEntry{ProxySOCKS5, "::1", 1080}, "socks5://[::1]:1080", "SOCKS5 [::1]:1080", "[::1]:1080"},
	}
	for _, tt := range tests {
		if got := tt.e.URL(); got != tt.url {
			t.Errorf("%v.URL() = %q, want %q", tt.e, got, tt.url)
		}
		if got := tt.e.String(); got != tt.str {
			t.Errorf("String() = %q, want %q", got, tt.str)
		}
		if got := tt.e.HostPort(); got != tt.hp {
			t.Errorf("HostPort() = %q, want %q", got, tt.hp)
		}
		// What String prints parses back to the same entry.
		back, err := ParseResult(tt.e.String())
		if err != nil || len(back) != 1 || back[0] != tt.e {
			t.Errorf("ParseResult(%q) = %v, %v; want %v", tt.e.String(), back, err, tt.e)
		}
	}
}

// FuzzParseResult: never panics; a success is a non-empty list whose
// String form parses back to the same list; a failure is a *ResultError
// whose fallback list is never empty.
func FuzzParseResult(f *testing.F) {
	for _, s := range []string{"DIRECT", "PROXY a:1; DIRECT", "SOCKS5 [::1]:1080", "HTTPS x", ";;", "PROXY a:99999", "proxy [::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseResult(s)
		if err != nil {
			var re *ResultError
			if !errors.As(err, &re) || len(re.Chromium) == 0 || len(re.Bad) == 0 {
				t.Fatalf("ParseResult(%q): error %v without a usable *ResultError", s, err)
			}
			return
		}
		if len(got) == 0 {
			t.Fatalf("ParseResult(%q) returned no entries", s)
		}
		parts := make([]string, len(got))
		for i, e := range got {
			parts[i] = e.String()
			if e.Kind != ProxyDirect && (e.Port < 1 || e.Port > 65535 || e.Host == "") {
				t.Fatalf("ParseResult(%q): bad entry %+v", s, e)
			}
		}
		back, err := ParseResult(strings.Join(parts, "; "))
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Fatalf("round trip of %q: %v, %v; want %v", s, back, err, got)
		}
	})
}

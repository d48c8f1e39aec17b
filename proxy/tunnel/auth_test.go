package tunnel

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestAuthSchemes(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   []string
	}{
		{"none", nil, []string{}},
		{"one per header", []string{"Negotiate", "NTLM", `Basic realm="Corp"`}, []string{"Negotiate", "NTLM", "Basic"}},
		{"several in one header", []string{`Basic realm="a, b", Digest realm="x", nonce="n,1", qop="auth,auth-int", algorithm=MD5`}, []string{"Basic", "Digest"}},
		{"case folded, duplicates once", []string{"ntlm", "NTLM", "negotiate", "BASIC realm=x"}, []string{"NTLM", "Negotiate", "Basic"}},
		{"token68 and unknown scheme", []string{"Negotiate YIIGhgYGKwYBBQUCoIIGejCC==", "Kerberos", "X-Vendor abc"}, []string{"Negotiate", "Kerberos", "X-Vendor"}},
		{"spaces around =", []string{`Basic realm = "x" , charset = "UTF-8"`}, []string{"Basic"}},
		{"escaped quote", []string{`Basic realm="say \"hi\", ok", Digest realm="r"`}, []string{"Basic", "Digest"}},
		{"empty pieces and junk", []string{", ,", `"quoted"`, "Bearer"}, []string{"Bearer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := authSchemes(tt.values); !slices.Equal(got, tt.want) || got == nil {
				t.Errorf("authSchemes(%q) = %#v, want %q", tt.values, got, tt.want)
			}
		})
	}
}

func TestHopName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://user:pass@proxy.corp:8080", "http://***@proxy.corp:8080"},
		{"http://proxy.corp", "http://proxy.corp:80"},
		{"HTTPS://proxy.corp", "https://proxy.corp:443"},
		{"socks5h://u@[2001:db8::1]", "socks5h://***@[2001:db8::1]:1080"},
		{"socks4://10.0.0.1:1081", "socks4://10.0.0.1:1081"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := hopName(u); got != tt.want {
			t.Errorf("hopName(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := hopName(nil); got != "DIRECT" {
		t.Errorf("hopName(nil) = %q", got)
	}
}

func TestBasicAuth(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"http://proxy:3128", "", false},
		{"http://Aladdin:open%20sesame@proxy:3128", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", true}, // RFC 7617's example
		{"http://CORP%5Cbob@proxy:3128", "Basic Q09SUFxib2I6", true},                            // CORP\bob with an empty password
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.in)
		got, ok := "", false
		if c := urlCredentials(u); c != nil {
			got, _ = basicAnswer{creds: *c}.answer(nil)
			ok = true
		}
		if got != tt.want || ok != tt.ok {
			t.Errorf("basicAuth(%s) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestScrub(t *testing.T) {
	u, _ := url.Parse("http://CORP%5Cbob.smith:p%40ss%20word@proxy:3128")
	sec := secrets(urlCredentials(u))
	in := "auth Q09SUFxib2Iuc21pdGg6cEBzcyB3b3Jk user CORP\\bob.smith pass p@ss word raw CORP%5Cbob.smith:p%40ss%20word escaped p%40ss+word"
	got := scrub(in, sec)
	for _, leak := range []string{"Q09SUF", "bob.smith", "p@ss word", "p%40ss", "p%40ss+word"} {
		if strings.Contains(got, leak) {
			t.Errorf("scrub left %q in %q", leak, got)
		}
	}
	if !strings.HasPrefix(got, "auth *** user *** pass *** raw *** escaped ***") {
		t.Errorf("scrub = %q", got)
	}
	short, _ := url.Parse("http://a:b@proxy:3128")
	if got := scrub("a bad day", secrets(urlCredentials(short))); got != "a bad day" {
		t.Errorf("one-letter credentials mangled text: %q", got)
	}
	if got := scrub("token YTpi and a:b", secrets(urlCredentials(short))); got != "token *** and ***" {
		t.Errorf("pair and token of short credentials not scrubbed: %q", got)
	}
	if secrets(nil, urlCredentials(nil)) != nil || scrub("x", nil) != "x" {
		t.Error("no URL, nothing to scrub")
	}
}

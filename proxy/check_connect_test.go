package proxy

import (
	"net"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/proxy/tunnel"
)

// TestConnectCheckAuth: the summary and remediation of the auth outcomes
// name the scheme, the user and the credential source that would work on
// the OS, never a password nor a scrubbed example URL.
func TestConnectCheckAuth(t *testing.T) {
	failed := tunnel.Hop{Proxy: "http://***@proxy:3128", Code: tunnel.CodeAuthFailed, Status: 407, Schemes: []string{"NTLM"}, Reason: "407 Proxy Authentication Required",
		AuthSent: true, Auth: &diag.ProxyAuth{Scheme: "NTLM", User: `CORP\bob`, Source: "the proxy URL", Rounds: []int{407, 407, 407}}}
	c := connectCheck(nil, []tunnel.Hop{failed}, "linux")
	for _, w := range []string{"NTLM authentication as CORP\\bob (from the proxy URL) was refused"} {
		if !strings.Contains(c.Summary, w) {
			t.Errorf("summary %q lacks %q", c.Summary, w)
		}
	}
	if !strings.Contains(c.Remediation, `CORP\bob`) || !strings.Contains(c.Remediation, "the proxy URL") {
		t.Errorf("remediation %q", c.Remediation)
	}

	ok := tunnel.Hop{Proxy: "http://proxy:3128", Code: tunnel.CodeOK, Status: 200, Auth: &diag.ProxyAuth{Scheme: "Digest", User: "bob", Source: "--proxy-user and OKVIZ_CHECK_PROXY_PASSWORD", Rounds: []int{407, 200}}}
	if c := connectCheck(fakeConn{}, []tunnel.Hop{ok}, "linux"); c.Code != diag.ProxyOK || !strings.Contains(c.Summary, "after Digest authentication (credentials from --proxy-user and OKVIZ_CHECK_PROXY_PASSWORD; 407, 200)") {
		t.Errorf("ok: %+v", c)
	}

	for _, tt := range []struct {
		schemes []string
		goos    string
		want    []string
		not     []string
	}{
		{[]string{"Basic"}, "linux", []string{"--proxy-user USER", "OKVIZ_CHECK_PROXY_PASSWORD", "a browser prompts"}, []string{"***"}},
		{[]string{"NTLM", "Negotiate"}, "linux", []string{`--proxy-user DOMAIN\user (or user@domain)`, "NTLM", "run kinit"}, nil},
		{[]string{"NTLM"}, "linux", []string{`--proxy-user DOMAIN\user (or user@domain)`}, []string{"kinit"}},
		{[]string{"Negotiate", "NTLM"}, "windows", []string{"Windows login", `DOMAIN\user`}, nil},
		{[]string{"Negotiate"}, "darwin", []string{"Negotiate", "run kinit", "KRB5CCNAME"}, []string{"OKVIZ_CHECK_PROXY_PASSWORD"}},
		{[]string{"Bearer"}, "linux", []string{"cannot answer"}, nil},
	} {
		hop := tunnel.Hop{Proxy: "http://proxy:3128", Code: tunnel.CodeAuthRequired, Status: 407, Schemes: tt.schemes, Reason: "407; no credentials were given"}
		c := connectCheck(nil, []tunnel.Hop{hop}, tt.goos)
		if c.Code != diag.ProxyAuthRequired || !strings.Contains(c.Summary, "no credentials were given") {
			t.Errorf("%v: %+v", tt.schemes, c)
		}
		for _, w := range tt.want {
			if !strings.Contains(c.Remediation, w) {
				t.Errorf("%v on %s: remediation %q lacks %q", tt.schemes, tt.goos, c.Remediation, w)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(c.Remediation, w) {
				t.Errorf("%v on %s: remediation %q has %q", tt.schemes, tt.goos, c.Remediation, w)
			}
		}
	}

	up := tunnel.Hop{Proxy: "http://proxy:3128", Code: tunnel.CodeUpstreamFailed, Status: 503, Reason: "503 Service Unavailable; X-Squid-Error: ERR_CONNECT_FAIL 111"}
	if c := connectCheck(nil, []tunnel.Hop{up}, "linux"); c.Code != diag.ProxyUpstreamFailed || !strings.Contains(c.Summary, "could not reach the target itself: 503") {
		t.Errorf("upstream: %+v", c)
	}
}

// fakeConn is an open tunnel for connectCheck, which only tests it for nil.
type fakeConn struct{ net.Conn }

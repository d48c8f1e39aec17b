package tunnel

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/go-ntlmssp"
)

// TestDigestRFC7616 answers the example challenges of RFC 7616 §3.9.1
// (user Mufasa, password "Circle of Life") and checks the responses the
// RFC gives for MD5 and SHA-256.
func TestDigestRFC7616(t *testing.T) {
	const header = `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=%s, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`
	md5 := strings.Replace(header, "%s", "MD5", 1)
	sha := strings.Replace(header, "%s", "SHA-256", 1)
	for _, tt := range []struct {
		name   string
		values []string
		want   string
	}{
		{"MD5", []string{md5}, `response="8ca523f5e9506fed4657c9700eebdbec"`},
		{"SHA-256", []string{sha}, `response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"`},
		// Offered both, as in the RFC's example: SHA-256 wins.
		{"both", []string{sha, md5}, `response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"`},
		{"both, MD5 first", []string{md5 + ", " + sha}, `algorithm=SHA-256`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := &digestAuth{creds: Credentials{User: "Mufasa", Password: "Circle of Life"}, uri: "/dir/index.html", method: "GET",
				cnonce: func() string { return "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ" }}
			got, err := d.answer(challengesFor(tt.values, "Digest"))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []string{tt.want, `username="Mufasa"`, `qop=auth`, `nc=00000001`, `opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`, `uri="/dir/index.html"`} {
				if !strings.Contains(got, w) {
					t.Errorf("answer %q lacks %q", got, w)
				}
			}
			if strings.Contains(got, "Circle of Life") {
				t.Error("the password is in the answer")
			}
		})
	}
	d := &digestAuth{creds: Credentials{User: "u", Password: "p"}, uri: "h:443"}
	if _, err := d.answer(challengesFor([]string{`Digest realm="r", nonce="n", algorithm=SHA-512-256`}, "Digest")); err == nil {
		t.Error("an unknown algorithm was answered")
	}
	if _, err := d.answer(challengesFor([]string{`Digest realm="r", nonce="n", qop="auth-int"`}, "Digest")); err == nil {
		t.Error("qop=auth-int only was answered")
	}
}

func TestParseChallenges(t *testing.T) {
	got := parseChallenges([]string{`NTLM TlRMTVNTUAACAAAA==`, `Basic realm="a, b", Digest realm="x", nonce="y\"z", stale=true`, `Negotiate`})
	if len(got) != 4 {
		t.Fatalf("%+v", got)
	}
	if got[0].Scheme != "NTLM" || got[0].Token != "TlRMTVNTUAACAAAA==" {
		t.Errorf("NTLM: %+v", got[0])
	}
	if got[1].Scheme != "Basic" || got[1].Params["realm"] != "a, b" {
		t.Errorf("Basic: %+v", got[1])
	}
	if got[2].Scheme != "Digest" || got[2].Params["nonce"] != `y"z` || got[2].Params["stale"] != "true" || got[2].Params["realm"] != "x" {
		t.Errorf("Digest: %+v", got[2])
	}
	if got[3].Scheme != "Negotiate" || got[3].Token != "" {
		t.Errorf("Negotiate: %+v", got[3])
	}
}

// TestChooseAuth: Chromium's preference among what can be answered.
func TestChooseAuth(t *testing.T) {
	creds := &Credentials{User: `CORP\bob`, Password: "pw", Source: SourceURL}
	for _, tt := range []struct {
		offered []string
		creds   *Credentials
		integ   Integrated
		want    string
		why     string
	}{
		{[]string{"Basic", "Digest", "NTLM"}, creds, nil, "NTLM", ""},
		{[]string{"Basic", "Digest"}, creds, nil, "Digest", ""},
		{[]string{"Basic"}, creds, nil, "Basic", ""},
		{[]string{"Negotiate"}, creds, nil, "", "cannot answer Negotiate"},
		{[]string{"Basic"}, nil, nil, "", "no credentials were given"},
		{[]string{"Negotiate", "NTLM"}, nil, fakeIntegrated{schemes: []string{"Negotiate", "NTLM"}}, "Negotiate", ""},
		{[]string{"Negotiate", "Basic"}, creds, fakeIntegrated{schemes: []string{"Negotiate"}, err: "no Kerberos ticket: run kinit"}, "Basic", ""},
		{[]string{"Negotiate"}, nil, fakeIntegrated{schemes: []string{"Negotiate"}, err: "no Kerberos ticket: run kinit"}, "", "run kinit"},
	} {
		a, _, _, why := chooseAuth(tt.offered, tt.creds, tt.integ, "proxy.corp")
		got := ""
		if a != nil {
			got = a.scheme()
		}
		if got != tt.want || !strings.Contains(why, tt.why) {
			t.Errorf("chooseAuth(%q) = %q, %q; want %q, %q", tt.offered, got, why, tt.want, tt.why)
		}
	}
}

// fakeIntegrated stands in for SSPI or a ticket cache: its context echoes
// a fixed token per round.
type fakeIntegrated struct {
	schemes []string
	err     string
}

type fakeContext struct{ round int }

func (f fakeIntegrated) Schemes() []string { return f.schemes }
func (f fakeIntegrated) Who() string       { return `CORP\alice` }
func (f fakeIntegrated) Source() string    { return "the fake login" }
func (f fakeIntegrated) NewContext(scheme, host string) (SecurityContext, error) {
	if f.err != "" {
		return nil, errString(f.err)
	}
	return &fakeContext{}, nil
}
func (c *fakeContext) Step(in []byte) ([]byte, error) {
	c.round++
	return []byte("round-" + string(rune('0'+c.round)) + ":" + base64.StdEncoding.EncodeToString(in)), nil
}
func (c *fakeContext) Close() {}

type errString string

func (e errString) Error() string { return string(e) }

// TestTidyChallenge mends the CHALLENGE recorded from squid 5.7's
// ntlm_fake_auth (Debian 12), whose TargetName offset points far outside
// the message and whose TargetInfo fields overlap the payload.
func TestTidyChallenge(t *testing.T) {
	rec, _ := hex.DecodeString("4e544c4d535350000200000009000900aeaaaaaa018288a081fcbe6f0c1918aa0000000000003a00574f524b47524f5550")
	if _, err := ntlmssp.NewAuthenticateMessage(rec, `LAB\u`, "p", nil); err == nil {
		t.Fatal("the recorded challenge parses as it is: the test shows nothing")
	}
	fixed := tidyChallenge(rec)
	if len(fixed) != 48 || !bytes.Equal(fixed[20:32], rec[20:32]) || !bytes.Equal(fixed[:12], rec[:12]) {
		t.Fatalf("tidy: %x", fixed)
	}
	if _, err := ntlmssp.NewAuthenticateMessage(fixed, `LAB\u`, "p", nil); err != nil {
		t.Fatalf("mended challenge: %v", err)
	}
	if got := tidyChallenge(fixed); !bytes.Equal(got, fixed) {
		t.Errorf("a well-formed challenge was changed: %x", got)
	}
	if got := tidyChallenge(rec[:20]); len(got) != 20 {
		t.Errorf("a too-short message was mended: %x", got)
	}
}

// TestTunnelIntegratedTokenFlow runs a Negotiate handshake through the
// Integrated interface (what SSPI and the Kerberos ticket cache implement)
// against a fake proxy, on every OS: the first token goes unsolicited
// after the 407, the proxy's token is fed back in, every round stays on one
// connection, and the report says as whom and each round's status.
func TestTunnelIntegratedTokenFlow(t *testing.T) {
	var got []string
	p := startFake(t, func(s *session) {
		for _, answer := range []string{
			"HTTP/1.1 407 Auth\r\nProxy-Authenticate: Negotiate\r\nContent-Length: 0\r\n\r\n",
			"HTTP/1.1 407 Auth\r\nProxy-Authenticate: Negotiate c2VydmVyLTE=\r\nContent-Length: 0\r\n\r\n",
			"HTTP/1.1 200 Connection established\r\n\r\n",
		} {
			req, ok := s.read()
			if !ok {
				return
			}
			got = append(got, req.Header.Get("Proxy-Authorization"))
			if !s.write(answer) {
				return
			}
		}
		s.wait()
	})
	tun := Tunneler{Timeout: 5 * time.Second, Integrated: fakeIntegrated{schemes: []string{"Negotiate", "NTLM"}}}
	conn, hop := tun.Tunnel(context.Background(), proxyURL("http", p.addr(), false), testTarget)
	if conn == nil {
		t.Fatalf("no tunnel: %+v", hop)
	}
	conn.Close()
	want := []string{"", "Negotiate " + base64.StdEncoding.EncodeToString([]byte("round-1:")), "Negotiate " + base64.StdEncoding.EncodeToString([]byte("round-2:c2VydmVyLTE="))}
	if !slices.Equal(got, want) {
		t.Errorf("Proxy-Authorization sent %q, want %q", got, want)
	}
	if a := hop.Auth; a == nil || a.Scheme != "Negotiate" || a.User != `CORP\alice` || a.Source != "the fake login" || !slices.Equal(a.Rounds, []int{407, 407, 200}) {
		t.Errorf("auth %+v", hop.Auth)
	}
	if n := p.connCount(); n != 1 {
		t.Errorf("%d connections, want the handshake on one", n)
	}
}

// TestServerAuth: a PAC server's 401 is answered only with the OS's own
// credentials, as Chromium's PAC fetcher does; a password challenge says
// that browsers never answer it.
func TestServerAuth(t *testing.T) {
	integ := fakeIntegrated{schemes: []string{"Negotiate", "NTLM"}}
	h, why := ServerAuth{Integrated: integ}.Begin([]string{"Negotiate", "NTLM"}, "pac.corp.example")
	if h == nil || why != "" {
		t.Fatalf("Negotiate: %v, %q", h, why)
	}
	v, err := h.Answer([]string{"Negotiate"})
	if err != nil || !strings.HasPrefix(v, "Negotiate ") || !strings.Contains(h.Describe(), `Negotiate as CORP\alice`) {
		t.Errorf("answer %q, %v; %s", v, err, h.Describe())
	}
	h.Close()
	for _, tt := range []struct {
		offered []string
		integ   Integrated
		want    string
	}{
		{[]string{`Basic realm="pac"`}, integ, "never with a user name and password"},
		{[]string{`Digest realm="pac", nonce="n"`}, integ, "never with a user name and password"},
		{[]string{"Negotiate"}, nil, "asks for Negotiate; no credentials were given"},
		{[]string{"Negotiate"}, fakeIntegrated{schemes: []string{"Negotiate"}, err: "no Kerberos ticket: run kinit"}, "run kinit"},
		{nil, integ, "without naming a scheme"},
	} {
		if h, why := (ServerAuth{Integrated: tt.integ}).Begin(tt.offered, "pac.corp.example"); h != nil || !strings.Contains(why, tt.want) {
			t.Errorf("%v: %v, %q; want %q", tt.offered, h, why, tt.want)
		}
	}
}

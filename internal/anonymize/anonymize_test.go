package anonymize

import (
	"strings"
	"testing"

	"github.com/okviz/okviz-check/diag"
)

func TestText(t *testing.T) {
	a := New("api.okviz.com", "10.9.9.9")
	a.User(`CONTOSO\jdoe`)
	a.Host("http://proxy.corp.contoso.com:8080")
	a.Domain(".search.example")
	in := []string{
		`user jdoe (CONTOSO\jdoe) at C:\Users\JDoe\Desktop`,
		`CONNECT api.okviz.com:443 via proxy.corp.contoso.com:8080 -> 502`,
		`PAC: if (dnsDomainIs(host, ".corp.contoso.com")) return "PROXY web01.corp.contoso.com:3128";`,
		`nameserver 192.168.1.1 and 10.0.0.53, public 9.9.9.9, loopback 127.0.0.53, target 10.9.9.9`,
		`search search.example; printer.search.example and nas.local and fritz.box`,
		`link-local fe80::1c2d:3eff:fe4f:5a6b%eth0, ULA fd12:3456::1, public 2606:4700::1111, CGNAT 100.64.1.2`,
		`PROXY01:3128 and http://wpadsrv/wpad.dat but dial tcp:443 and wpad and localhost:8080`,
		`HKU\S-1-5-21-1004336348-1177238915-682003330-1001 (jdoe), SYSTEM is S-1-5-18, again s-1-5-21-1004336348-1177238915-682003330-1001`,
	}
	want := []string{
		`user user-1 (host-1\user-1) at C:\Users\user-1\Desktop`,
		`CONNECT api.okviz.com:443 via host-2:8080 -> 502`,
		`PAC: if (dnsDomainIs(host, ".domain-1")) return "PROXY host-3:3128";`,
		`nameserver private-ip-1 and private-ip-2, public 9.9.9.9, loopback 127.0.0.53, target 10.9.9.9`,
		`search domain-2; host-4 and host-5 and fritz.box`,
		`link-local private-ip-3%eth0, ULA private-ip-4, public 2606:4700::1111, CGNAT private-ip-5`,
		`host-6:3128 and http://host-7/wpad.dat but dial tcp:443 and wpad and localhost:8080`,
		`HKU\sid-1 (user-1), SYSTEM is S-1-5-18, again sid-1`,
	}
	for _, s := range in {
		a.Learn(s)
	}
	for i, s := range in {
		if got := a.Text(s); got != want[i] {
			t.Errorf("Text(%q)\n got %q\nwant %q", s, got, want[i])
		}
	}
	// Consistency: the same input gets the same token again, in any case.
	if got := a.Text("JDOE on 192.168.1.1 via PROXY.corp.contoso.com"); got != "user-1 on private-ip-1 via host-2" {
		t.Errorf("second pass: %q", got)
	}
}

// TestCodesSurvive: anonymizing a report never touches a problem code or a
// check id, whatever the registered names.
func TestCodesSurvive(t *testing.T) {
	a := New()
	a.User("dns")
	a.User("tls")
	a.Host("proxy.okviz.example")
	for _, c := range diag.Codes() {
		if got := a.Text(string(c.Code)); got != string(c.Code) {
			t.Errorf("code %q became %q", c.Code, got)
		}
	}
	for _, id := range []string{diag.CheckProxyConnect, "dns.system", "tcp.connect", "tls.handshake", "http.get", "direct.tcp.connect"} {
		if got := a.Text(id); got != id {
			t.Errorf("check id %q became %q", id, got)
		}
	}
}

// TestNothingToHide: text without local names or private addresses is left
// as it is.
func TestNothingToHide(t *testing.T) {
	a := New()
	s := "Ask your network team to allow api.okviz.com:443 (see https://learn.microsoft.com/x). Root CA: ISRG Root X1, 1.1.1.1, 2001:db8::1 10:30:00"
	a.Learn(s)
	if got := a.Text(s); got != s {
		t.Errorf("changed: %q", got)
	}
	if strings.Contains(s, "user-") || len(a.Tokens()) != 0 {
		t.Errorf("tokens handed out: %v", a.Tokens())
	}
}

func TestPublicSuffixNotADomain(t *testing.T) {
	a := New()
	a.Host("proxy.co.uk") // its parent is a public suffix: never hide all of .co.uk
	if got := a.Text("bbc.co.uk"); got != "bbc.co.uk" {
		t.Errorf("bbc.co.uk became %q", got)
	}
	if got := a.Text("proxy.co.uk"); got != "host-1" {
		t.Errorf("proxy.co.uk became %q", got)
	}
}

func FuzzText(f *testing.F) {
	f.Add("http://u@h:1/ 10.0.0.1 fe80::1 a.local", "h")
	f.Fuzz(func(t *testing.T, s, host string) {
		a := New()
		a.Host(host)
		a.User(host)
		a.Learn(s)
		_ = a.Text(s)
	})
}

package tunnel

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/internal/wine"
)

// TestKerberosNoTicket: without a ticket the Negotiate answer says plainly
// what to do (kinit), and a cache that is not a file says how to get one;
// chooseAuth turns that into the reason of proxy.auth_required.
func TestKerberosNoTicket(t *testing.T) {
	dir := wine.TempDir(t)
	env := map[string]string{}
	k := &kerberosLogin{getenv: func(s string) string { return env[s] }, uid: 4242}
	for _, tt := range []struct {
		ccname string
		want   string
	}{
		{"", "no ticket cache at /tmp/krb5cc_4242): run kinit"},
		{"FILE:" + filepath.Join(dir, "none"), "no ticket cache at " + filepath.Join(dir, "none") + "): run kinit"},
		{filepath.Join(dir, "none"), "run kinit"},
		{"KEYRING:persistent:1000", "KEYRING cache, which okviz-check cannot read: run kinit -c FILE:"},
		{"KCM:", "KCM cache"},
	} {
		env["KRB5CCNAME"] = tt.ccname
		if tt.ccname == "" {
			if _, err := os.Stat("/tmp/krb5cc_4242"); err == nil {
				continue // someone's real cache: not this test's business
			}
		}
		_, err := k.NewContext("Negotiate", "proxy.corp.example")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("KRB5CCNAME=%q: %v, want %q", tt.ccname, err, tt.want)
		}
	}
	// A cache file that is not a cache.
	bad := filepath.Join(dir, "garbage")
	if err := os.WriteFile(bad, []byte("not a ccache"), 0o600); err != nil {
		t.Fatal(err)
	}
	env["KRB5CCNAME"] = "FILE:" + bad
	if _, err := k.NewContext("Negotiate", "proxy.corp.example"); err == nil || !strings.Contains(err.Error(), "cannot be read") {
		t.Errorf("garbage cache: %v", err)
	}
	env["KRB5CCNAME"] = filepath.Join(dir, "none")
	a, _, _, why := chooseAuth([]string{"Negotiate"}, nil, k, "proxy.corp.example")
	if a != nil || !strings.Contains(why, "Negotiate via the Kerberos ticket cache: no Kerberos ticket") {
		t.Errorf("chooseAuth: %v, %q", a, why)
	}
	if spn("proxy.corp.example") != "HTTP/proxy.corp.example" {
		t.Error("SPN")
	}
}

// A Windows drive path is a cache file, not a cache type named after the
// drive letter.
func TestKerberosWindowsPath(t *testing.T) {
	for v, want := range map[string]bool{`C:\Users\ann\krb5cc`: true, `d:/tmp/cc`: true, "FILE:/tmp/cc": false, "KEYRING:persistent:1": false, "C:": false} {
		if got := windowsPath(v); got != want {
			t.Errorf("windowsPath(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestServiceTicketError: the KDC's "principal unknown", as gokrb5 reported
// it in the network lab (an MIT KDC asked for the SPN of a proxy alias),
// becomes the plain message; other errors keep gokrb5's words.
func TestServiceTicketError(t *testing.T) {
	const spnAlias = "HTTP/kproxy-alias.corp.example"
	labErr := errors.New("[Root cause: KDC_Error] KDC_Error: TGS Exchange Error: kerberos error response from KDC when requesting for " +
		spnAlias + ": KRB Error: (7) KDC_ERR_S_PRINCIPAL_UNKNOWN Server not found in Kerberos database - LOOKING_UP_SERVER")
	got := serviceTicketError(spnAlias, labErr).Error()
	for _, want := range []string{"the KDC does not know the service principal " + spnAlias, "setspn -S " + spnAlias} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	other := serviceTicketError(spnAlias, errors.New("KRB Error: (37) KRB_AP_ERR_SKEW Clock skew too great")).Error()
	if !strings.Contains(other, "KRB_AP_ERR_SKEW") || strings.Contains(other, "does not know") {
		t.Errorf("clock skew: %q", other)
	}
}

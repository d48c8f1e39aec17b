package tunnel

import (
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

//go:build !windows

package diag

import (
	"os"
	"slices"
	"testing"
)

func TestSystemNameserversReadsThisMachine(t *testing.T) {
	servers, err := SystemNameservers()
	if err != nil {
		if _, statErr := os.Stat("/etc/resolv.conf"); os.IsNotExist(statErr) {
			t.Skip("no /etc/resolv.conf on this machine")
		}
		t.Fatal(err)
	}
	f, err := os.Open("/etc/resolv.conf")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, _ := ParseResolvConf(f)
	for _, s := range want {
		if !slices.Contains(servers, s) {
			t.Errorf("SystemNameservers() = %q, misses %q from /etc/resolv.conf", servers, s)
		}
	}
}

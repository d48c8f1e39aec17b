//go:build !windows && !darwin

package diag

import (
	"context"
	"os"
	"strings"
)

// ReadHost reads /etc/os-release (else /usr/lib/os-release, its
// documented fallback), the kernel release and the effective uid.
func ReadHost(context.Context) Host {
	h := Host{Account: AccountUser}
	if uid := os.Geteuid(); uid >= 0 { // -1 where the OS has no uids
		h = unixAccount(uid)
	}
	data, err := os.ReadFile("/etc/os-release")
	if err != nil {
		data, err = os.ReadFile("/usr/lib/os-release")
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	h.OS = OSRelease(string(data), strings.TrimSpace(string(kernel)))
	if err != nil {
		h.OS.Error = "no os-release file: " + err.Error()
	}
	return h
}

package diag

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestReadHostLinux reads this machine's own os-release and kernel: the
// name is the file's, the build the running kernel's, and root is root.
func TestReadHostLinux(t *testing.T) {
	h := ReadHost(context.Background())
	data, err := os.ReadFile("/etc/os-release")
	if err != nil {
		t.Skipf("no /etc/os-release here: %v", err)
	}
	if want := OSRelease(string(data), "").Name; h.OS.Name != want || h.OS.Error != "" {
		t.Errorf("OS %+v, want the name %q", h.OS, want)
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	if h.OS.Build != strings.TrimSpace(string(kernel)) {
		t.Errorf("build %q, want the kernel release %q", h.OS.Build, kernel)
	}
	if root := os.Geteuid() == 0; h.Elevated != root || (h.Account == AccountRoot) != root {
		t.Errorf("euid %d: %+v", os.Geteuid(), h)
	}
}

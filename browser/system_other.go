//go:build !windows

package browser

import (
	"os"
	"syscall"

	"github.com/okviz/okviz-check/internal/proc"
)

// AppPath is Windows only: elsewhere there is no registry.
func AppPath(string) string { return "" }

// IsRoot says whether this process runs as root, where Chromium refuses
// to start without --no-sandbox.
func IsRoot() bool { return os.Geteuid() == 0 }

// terminate asks the browser's process group (proc.Bound made one) to
// quit: Chromium shuts down cleanly on SIGTERM and finishes its NetLog.
func terminate(cmd *proc.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }

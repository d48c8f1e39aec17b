//go:build !windows

package browser

import (
	"os"
	"os/exec"
	"syscall"
)

// AppPath is Windows only: elsewhere there is no registry.
func AppPath(string) string { return "" }

// IsRoot says whether this process runs as root, where Chromium refuses
// to start without --no-sandbox.
func IsRoot() bool { return os.Geteuid() == 0 }

// ownGroup starts the browser in a process group of its own, so its
// helper processes (zygote, renderers, GPU) can be ended with it.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// terminate asks the browser's process group to quit: Chromium shuts down
// cleanly on SIGTERM and finishes its NetLog.
func terminate(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }

// kill ends the browser's process group.
func kill(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

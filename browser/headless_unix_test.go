//go:build unix

package browser

import (
	"errors"
	"os/exec"
	"syscall"
	"testing"
)

// helperOf makes the fake browser's helper escape its process group, as a
// daemon that calls setsid does: no group kill reaches it, and it keeps
// the browser's log pipe open.
func helperOf(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }

// TestHeadlessEscapedHelper: a helper that escaped the browser's process
// group and holds its log pipe does not hold Run: Run returns while the
// helper still lives (proc.Bound's WaitDelay), where Wait used to wait for
// the pipe until the helper ended.
func TestHeadlessEscapedHelper(t *testing.T) {
	pid, ended, err := runWithHelper(t)
	syscall.Kill(pid, syscall.SIGKILL)
	if !errors.Is(err, ErrNoPage) {
		t.Errorf("Run: %v, want ErrNoPage", err)
	}
	if ended {
		t.Errorf("the escaped helper %d had ended (after %v) before Run returned: Run waited for the pipe it held", pid, helperLives)
	}
}

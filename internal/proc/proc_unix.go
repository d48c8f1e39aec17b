//go:build unix

package proc

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// Cmd is an exec.Cmd prepared by Bound. Its Start (and Run, Output,
// CombinedOutput, which start through it) puts the program in its process
// tree container; use them, not the embedded exec.Cmd's.
type Cmd struct {
	*exec.Cmd
}

// prepare starts the program as the leader of a new process group and
// makes cancellation kill the group, the program's children included.
func (c *Cmd) prepare() {
	cmd := c.Cmd
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone
		}
		return err
	}
}

func (c *Cmd) start() error { return c.Cmd.Start() }

func (c *Cmd) release() {}

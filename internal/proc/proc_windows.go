//go:build windows

package proc

import (
	"os/exec"
	"syscall"
)

// group starts the program in a new process group (so a Ctrl+C meant for
// okviz-check's console is not delivered to it twice) and keeps the
// default cancellation, which terminates the program. The programs run on
// Windows (reg, ipconfig, netsh) start no children; WaitDelay bounds the
// wait for pipes held by anything that does.
func group(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.CreationFlags |= syscall.CREATE_NEW_PROCESS_GROUP
}

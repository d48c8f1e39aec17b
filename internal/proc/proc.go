// Package proc runs external programs so that they cannot hold okviz-check
// past its deadline: proxy discovery's gsettings, scutil, nmcli, ipconfig
// and reg, and the network lab's commands.
//
// Bound does two things to an exec.Cmd made with exec.CommandContext. It
// puts the program in a process group of its own (Unix) and makes the
// context's cancellation kill that whole group, so a helper the program
// started (gsettings autolaunching a D-Bus daemon) dies with it. And it
// sets WaitDelay, so that once the program has exited or the context is
// done, Wait gives up on output pipes still held open by a descendant that
// escaped the group (a daemon that called setsid) instead of waiting for
// it.
package proc

import (
	"os/exec"
	"time"
)

// WaitDelay is how long Wait waits for a program's output pipes to close
// after it exited or was killed.
const WaitDelay = 500 * time.Millisecond

// Bound prepares cmd (from exec.CommandContext) as the package describes;
// call it before Start or Run.
func Bound(cmd *exec.Cmd) *exec.Cmd {
	cmd.WaitDelay = WaitDelay
	group(cmd)
	return cmd
}

//go:build !unix && !windows

package proc

import "os/exec"

// Cmd is an exec.Cmd prepared by Bound. Its Start (and Run, Output,
// CombinedOutput, which start through it) puts the program in its process
// tree container; use them, not the embedded exec.Cmd's.
type Cmd struct {
	*exec.Cmd
}

// prepare keeps the default cancellation, which kills the program alone.
func (c *Cmd) prepare() {}

func (c *Cmd) start() error { return c.Cmd.Start() }

func (c *Cmd) release() {}

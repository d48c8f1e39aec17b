//go:build !unix && !windows

package proc

import "os/exec"

// group keeps the default cancellation where there are no process groups.
func group(*exec.Cmd) {}

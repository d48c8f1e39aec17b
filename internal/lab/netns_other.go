//go:build !linux

package lab

import (
	"errors"
	"os/exec"
)

// Do runs fn inside the namespace; network namespaces exist only on Linux.
func (n *Netns) Do(fn func() error) error {
	return errors.New("lab: network namespaces need Linux")
}

func dieWithParent(*exec.Cmd) {}

func processAlive(int) bool { return true }

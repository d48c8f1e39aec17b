package lab

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// Do runs fn on an OS thread that has entered the namespace, so sockets fn
// creates belong to the namespace (they stay there when used from other
// goroutines later). Afterwards the thread returns to its own namespace;
// if it cannot, it stays locked and the Go runtime ends it with the
// goroutine, so the namespace never leaks into unrelated goroutines. fn
// must not rely on goroutines it starts being in the namespace.
func (n *Netns) Do(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		home, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			errc <- err
			return
		}
		defer home.Close()
		target, err := os.Open(filepath.Join("/run/netns", n.Name))
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		err = fn()
		// Threads must survive: a daemon started with Pdeathsig from a
		// thread that later exits would be killed with it.
		if unix.Setns(int(home.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}

// dieWithParent kills a daemon when the test process dies before its
// cleanup runs, so a crashed run leaves no dnsmasq or squid behind. (Linux
// sends the signal when the thread that started the child ends; Go ends
// threads only when a goroutine exits locked to one, which Do avoids.)
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// processAlive reports whether pid exists (signal 0 checks without sending).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

//go:build linux

package squidlab

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStopEndsTheGroup: squid runs in a process group of its own
// (proc.Bound), with its authentication helpers, and stop ends the whole
// group even when squid itself was killed and could not end its helpers.
func TestStopEndsTheGroup(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc to find squid's helpers with")
	}
	p := Start(t, Config{Users: map[string]string{"alice": "secret"}})
	pid := p.cmd.Process.Pid
	if pgid, err := syscall.Getpgid(pid); err != nil || pgid != pid {
		t.Fatalf("squid %d is in process group %d (%v); want a group of its own", pid, pgid, err)
	}
	// The helpers (basic_ncsa_auth, startup=1) come up with squid.
	var members []int
	for deadline := time.Now().Add(10 * time.Second); len(members) < 2 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		members = groupMembers(pid)
	}
	if len(members) < 2 {
		t.Fatalf("no helper in squid's group (members %v)", members)
	}
	syscall.Kill(pid, syscall.SIGSTOP) // a squid that cannot end its helpers
	p.stop()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if members = groupMembers(pid); len(members) == 0 {
			return
		}
	}
	t.Errorf("processes %v of squid's group outlived stop", members)
}

// groupMembers lists the live (not zombie) processes in process group pgid.
func groupMembers(pgid int) []int {
	dirs, _ := os.ReadDir("/proc")
	var pids []int
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		_, rest, _ := strings.Cut(string(b), ") ")
		f := strings.Fields(rest) // state, ppid, pgrp, …
		if len(f) > 2 && f[0] != "Z" && f[0] != "X" && f[2] == strconv.Itoa(pgid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

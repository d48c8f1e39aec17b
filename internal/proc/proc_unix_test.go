//go:build unix

package proc

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// alive reports whether pid is a running process (not gone, not a zombie).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z") && !strings.HasPrefix(rest, "X")
}

// TestBoundKillsTheGroup: a program that leaves a child holding its
// output, as gsettings leaves a D-Bus daemon, no longer holds Run past the
// deadline, and the child dies with it.
func TestBoundKillsTheGroup(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc to check the child with")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	cmd := Bound(exec.CommandContext(ctx, "sh", "-c", "sleep 30 & echo $!; wait"))
	var out bytes.Buffer
	cmd.Stdout = &out
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err == nil {
		t.Fatal("Run succeeded; want killed")
	}
	if took > 200*time.Millisecond+WaitDelay+time.Second {
		t.Errorf("Run returned after %v, long past the deadline", took)
	}
	pid, perr := strconv.Atoi(strings.TrimSpace(out.String()))
	if perr != nil {
		t.Fatalf("no child pid in %q", out.String())
	}
	deadline := time.Now().Add(2 * time.Second)
	for alive(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if alive(pid) {
		t.Errorf("the child %d outlived the command", pid)
	}
}

// TestBoundEscapedChild: a descendant in a session of its own (a daemon
// after setsid) survives the group kill, but WaitDelay stops Run waiting
// for the output pipe it holds, even after a clean exit.
func TestBoundEscapedChild(t *testing.T) {
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("no setsid")
	}
	cmd := Bound(exec.CommandContext(context.Background(), "sh", "-c", "setsid sleep 3 & echo started"))
	var out bytes.Buffer
	cmd.Stdout = &out
	start := time.Now()
	_ = cmd.Run()
	if took := time.Since(start); took > WaitDelay+time.Second {
		t.Errorf("Run waited %v for a pipe held by an escaped child", took)
	}
	if !strings.Contains(out.String(), "started") {
		t.Errorf("output lost: %q", out.String())
	}
}

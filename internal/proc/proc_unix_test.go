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

// TestBoundOutput: Output collects the standard output and, for a failing
// program, its standard error in the *exec.ExitError, as exec's does.
func TestBoundOutput(t *testing.T) {
	cmd := Bound(exec.CommandContext(context.Background(), "sh", "-c", "echo out; echo err >&2; exit 3"))
	out, err := cmd.Output()
	if string(out) != "out\n" {
		t.Errorf("output %q", out)
	}
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 3 || string(ee.Stderr) != "err\n" {
		t.Errorf("err = %v; want exit status 3 with the standard error", err)
	}
}

// TestKillTree: KillTree ends the group, children included.
func TestKillTree(t *testing.T) {
	cmd := Bound(exec.CommandContext(context.Background(), "sh", "-c", "sleep 30 & echo $!; wait"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var line [32]byte
	n, _ := out.Read(line[:])
	pid, perr := strconv.Atoi(strings.TrimSpace(string(line[:n])))
	if perr != nil {
		t.Fatalf("no child pid in %q", line[:n])
	}
	if err := cmd.KillTree(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	deadline := time.Now().Add(2 * time.Second)
	for alive(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if alive(pid) {
		t.Errorf("the child %d outlived KillTree", pid)
	}
}

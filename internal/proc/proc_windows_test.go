//go:build windows

package proc

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// The test binary plays the programs: run with OKVIZ_PROC_ROLE set,
// TestHelperProcess is the parent (starts a child, prints its pid, then
// sleeps or exits) or the child (sleeps). Plain exec.Command starts the
// child, as a helper program would, knowing nothing of jobs.
const roleVar = "OKVIZ_PROC_ROLE"

func TestHelperProcess(t *testing.T) {
	role := os.Getenv(roleVar)
	if role == "" {
		return
	}
	switch role {
	case "child":
		time.Sleep(2 * time.Minute)
	case "parent", "parent-exits":
		child := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		child.Env = append(os.Environ(), roleVar+"=child")
		if err := child.Start(); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		fmt.Println(child.Process.Pid)
		if role == "parent" {
			time.Sleep(2 * time.Minute)
		}
	}
	os.Exit(0)
}

// startParent starts the parent role under Bound and returns it with a
// handle on the child it started (opened while the child surely runs, so
// that a reused pid cannot fool the test).
func startParent(t *testing.T, ctx context.Context, role string) (*Cmd, windows.Handle) {
	t.Helper()
	cmd := Bound(exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$"))
	cmd.Env = append(os.Environ(), roleVar+"="+role)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	pid, perr := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || perr != nil {
		cmd.KillTree()
		cmd.Wait()
		t.Fatalf("no child pid from the parent: %q, %v", line, err)
	}
	child, err := windows.OpenProcess(windows.SYNCHRONIZE|windows.PROCESS_TERMINATE, false, uint32(pid))
	if err != nil {
		cmd.KillTree()
		cmd.Wait()
		t.Fatalf("opening the child %d: %v", pid, err)
	}
	t.Cleanup(func() {
		windows.TerminateProcess(child, 1) // whatever the test found
		windows.CloseHandle(child)
	})
	return cmd, child
}

// ended waits up to ten seconds for a process to end: a child that
// outlived its tree sleeps for two minutes.
func ended(h windows.Handle) bool {
	ev, err := windows.WaitForSingleObject(h, 10_000)
	return err == nil && ev == windows.WAIT_OBJECT_0
}

// TestBoundEndsTheTreeOnCancel: cancelling the context ends the program
// and the child it started, as the process group does on Unix; without
// the job only the program itself was killed.
func TestBoundEndsTheTreeOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd, child := startParent(t, ctx, "parent")
	cancel()
	if err := cmd.Wait(); err == nil {
		t.Error("Wait succeeded; want the parent killed")
	}
	if !ended(child) {
		t.Error("the child outlived the cancelled parent")
	}
}

// TestBoundEndsLeftoversOnExit: a program that exits and leaves a child
// running (a daemon it launched) does not leave it behind okviz-check:
// Wait closes the job, which ends it.
func TestBoundEndsLeftoversOnExit(t *testing.T) {
	cmd, child := startParent(t, context.Background(), "parent-exits")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the parent failed: %v", err)
	}
	if !ended(child) {
		t.Error("the child outlived the parent's job")
	}
}

// TestBoundOutput: Output through the job still collects the output and,
// for a failing program, its standard error.
func TestBoundOutput(t *testing.T) {
	cmd := Bound(exec.CommandContext(context.Background(), "cmd", "/c", "echo out& echo err 1>&2& exit 3"))
	out, err := cmd.Output()
	if !strings.Contains(string(out), "out") {
		t.Errorf("output %q", out)
	}
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 3 || !strings.Contains(string(ee.Stderr), "err") {
		t.Errorf("err = %v; want exit status 3 with the standard error", err)
	}
}

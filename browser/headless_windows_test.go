//go:build windows

package browser

import (
	"errors"
	"os/exec"
	"testing"

	"golang.org/x/sys/windows"
)

// helperOf starts the helper as Chromium starts its own: a plain child,
// which Windows puts in the browser's job.
func helperOf(*exec.Cmd) {}

// TestHeadlessHelperEnds: stopping the browser ends its helpers too (the
// job proc.Bound puts it in), where TerminateProcess alone left them
// running.
func TestHeadlessHelperEnds(t *testing.T) {
	pid, _, err := runWithHelper(t)
	if !errors.Is(err, ErrNoPage) {
		t.Errorf("Run: %v, want ErrNoPage", err)
	}
	h, err := windows.OpenProcess(windows.SYNCHRONIZE|windows.PROCESS_TERMINATE, false, uint32(pid))
	if err != nil {
		return // gone already
	}
	defer windows.CloseHandle(h)
	ev, err := windows.WaitForSingleObject(h, 10_000)
	if err != nil || ev != windows.WAIT_OBJECT_0 {
		windows.TerminateProcess(h, 1)
		t.Errorf("the browser's helper %d outlived the browser", pid)
	}
}

package winconsole

import (
	"runtime"
	"testing"
)

// Processes never fails: 0 where there is no Windows console, else the
// number of processes on it (a test binary started from a console shares it,
// one under a service has none).
func TestProcesses(t *testing.T) {
	n := Processes()
	if runtime.GOOS != "windows" && n != 0 {
		t.Errorf("Processes() = %d on %s, want 0", n, runtime.GOOS)
	}
	if n < 0 {
		t.Errorf("Processes() = %d", n)
	}
}

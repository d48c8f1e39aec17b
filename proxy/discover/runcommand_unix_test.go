//go:build unix

package discover

import (
	"context"
	"testing"
	"time"
)

// TestRunCommandDeadline: a settings program that starts a helper holding
// its output (gsettings autolaunching a D-Bus daemon) does not hold
// discovery past its deadline.
func TestRunCommandDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := runCommand(ctx, "sh", "-c", "sleep 30 & echo gsettings; wait")
	if err == nil {
		t.Error("runCommand succeeded past its deadline")
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("runCommand returned after %v; the deadline was 200ms", took)
	}
}

//go:build windows

package discover

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// Where netsh has no advproxy (before Windows 11 / Server 2022, and Wine,
// which reports Windows 10) the setting is unavailable, not an error; where
// it has, its output parses.
func TestOSWinHTTPAdvanced(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := osWinHTTPAdvanced()(ctx)
	build := windows.RtlGetVersion().BuildNumber
	t.Logf("build %d: %q, %v", build, out, err)
	if build < 20348 {
		if !errors.Is(err, errNoAccess) {
			t.Errorf("build %d: %v, want the setting unavailable", build, err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseNetshAdvProxy(out); err != nil {
		t.Error(err)
	}
}

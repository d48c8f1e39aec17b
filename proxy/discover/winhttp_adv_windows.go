//go:build windows

package discover

import (
	"context"
	"fmt"

	"golang.org/x/sys/windows"
)

// osWinHTTPAdvanced runs `netsh winhttp show advproxy` (through
// runCommand: bounded by the context, killed with its children) where the
// command exists: Windows 11 (build 22000) and Server 2022 (build 20348)
// and later. Elsewhere it reports the setting unavailable without
// starting netsh, which costs a second or more on a busy machine.
func osWinHTTPAdvanced() func(context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) {
		if v := windows.RtlGetVersion(); v.BuildNumber < 20348 {
			return nil, fmt.Errorf("no advanced WinHTTP proxy setting on Windows build %d (Windows 11 and Server 2022 have one): %w", v.BuildNumber, errNoAccess)
		}
		return runCommand(ctx, "netsh", "winhttp", "show", "advproxy")
	}
}

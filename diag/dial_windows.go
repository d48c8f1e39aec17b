//go:build windows

package diag

import (
	"net"

	"golang.org/x/sys/windows"
)

// newDialer is the real network's dialer: TCP connects fail on an ICMP
// error, as they do on Linux and macOS (see failConnectOnICMP).
func newDialer() *net.Dialer {
	return &net.Dialer{ControlContext: failConnectOnICMP(func(fd uintptr, level, opt, value int) error {
		return windows.SetsockoptInt(windows.Handle(fd), level, opt, value)
	})}
}

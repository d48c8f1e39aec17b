// Package netclass classifies network errors into the few kinds the
// diagnosis speaks of — timeout, refused, reset, unreachable, local
// firewall, end of stream — once, for every prober (diag's TCP, TLS and
// HTTP steps and proxy's tunnels). Unix errnos and Winsock numbers are both
// matched: on Windows syscall.ECONNREFUSED is an invented value that a real
// Winsock refusal (10061) does not equal.
package netclass

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// The kinds of failure.
const (
	Timeout       = "timeout"
	Refused       = "refused"     // RST to a SYN, ICMP port unreachable
	Reset         = "reset"       // RST on an established connection
	Unreachable   = "unreachable" // ICMP unreachable, administratively prohibited, no route
	LocalFirewall = "local_firewall"
	EOF           = "eof"
	Other         = "other"
	// Canceled is an operation its caller stopped waiting for: no network
	// outcome. One spelling everywhere (Go's, as in context.Canceled).
	Canceled = "canceled"
)

// Classify maps a dial, read or write error to a kind ("" for nil).
func Classify(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return Timeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return Timeout
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if k := classifyErrno(uintptr(errno)); k != "" {
			return k
		}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return EOF
	}
	return Other
}

package diag

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// Failure kinds shared by the TCP, TLS and HTTP probes. Errors are classified
// once, here, where they happen.
const (
	failTimeout     = "timeout"
	failRefused     = "refused"     // RST to a SYN, ICMP port unreachable
	failReset       = "reset"       // RST on an established connection
	failUnreachable = "unreachable" // ICMP unreachable, admin prohibited, no route
	failLocal       = "local_firewall"
	failEOF         = "eof"
	failOther       = "other"
)

// classifyNetErr maps a dial/read/write error to a failure kind, using
// errnos on Unix and Winsock numbers on Windows (see errclass_windows.go):
// syscall.ECONNREFUSED does not match a Winsock refusal.
func classifyNetErr(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return failTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return failTimeout
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if k := classifyErrno(uintptr(errno)); k != "" {
			return k
		}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return failEOF
	}
	return failOther
}

//go:build !windows

package diag

import "syscall"

// classifyErrno maps Unix errnos. Linux reports ICMP "administratively
// prohibited" and "host unreachable" as EHOSTUNREACH, "net unreachable" as
// ENETUNREACH, port unreachable and RST-to-SYN as ECONNREFUSED.
func classifyErrno(n uintptr) string {
	switch syscall.Errno(n) {
	case syscall.ECONNREFUSED:
		return failRefused
	case syscall.ECONNRESET, syscall.EPIPE:
		return failReset
	case syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.EHOSTDOWN, syscall.ENETDOWN:
		return failUnreachable
	case syscall.ETIMEDOUT:
		return failTimeout
	case syscall.EACCES, syscall.EPERM:
		return failLocal
	}
	return ""
}

//go:build !windows

package netclass

import "syscall"

// classifyErrno maps Unix errnos. Linux reports ICMP "administratively
// prohibited" and "host unreachable" as EHOSTUNREACH, "net unreachable" as
// ENETUNREACH, port unreachable and RST-to-SYN as ECONNREFUSED.
func classifyErrno(n uintptr) string {
	switch syscall.Errno(n) {
	case syscall.ECONNREFUSED:
		return Refused
	case syscall.ECONNRESET, syscall.EPIPE:
		return Reset
	case syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.EHOSTDOWN, syscall.ENETDOWN:
		return Unreachable
	case syscall.ETIMEDOUT:
		return Timeout
	case syscall.EACCES, syscall.EPERM:
		return LocalFirewall
	}
	return ""
}

//go:build !windows

package netclasstest

import "syscall"

// The errors a Unix socket call returns for each kind of failure.
const (
	Refused        = syscall.ECONNREFUSED
	Reset          = syscall.ECONNRESET
	HostUnreach    = syscall.EHOSTUNREACH
	NetUnreach     = syscall.ENETUNREACH
	TimedOut       = syscall.ETIMEDOUT
	LocalFirewall  = syscall.EACCES // EPERM too, for an iptables DROP in OUTPUT
	NotSocketError = syscall.EINVAL // a failure of no network kind
)

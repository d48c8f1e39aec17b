//go:build !windows

package diag

import "net"

// newDialer is the real network's dialer. Linux and macOS already fail a
// connect on an ICMP error (ECONNREFUSED, EHOSTUNREACH).
func newDialer() *net.Dialer { return &net.Dialer{} }

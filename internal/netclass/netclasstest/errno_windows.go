//go:build windows

package netclasstest

import "syscall"

// The Winsock errors (WSAGetLastError) a Windows socket call returns for
// each kind of failure, as Microsoft's "Windows Sockets Error Codes" lists
// them: https://learn.microsoft.com/en-us/windows/win32/winsock/windows-sockets-error-codes-2
const (
	Refused        = syscall.Errno(10061) // WSAECONNREFUSED
	Reset          = syscall.Errno(10054) // WSAECONNRESET
	HostUnreach    = syscall.Errno(10065) // WSAEHOSTUNREACH
	NetUnreach     = syscall.Errno(10051) // WSAENETUNREACH
	TimedOut       = syscall.Errno(10060) // WSAETIMEDOUT
	LocalFirewall  = syscall.Errno(10013) // WSAEACCES
	NotSocketError = syscall.Errno(10022) // WSAEINVAL
)

//go:build windows

package netclass

// classifyErrno maps Winsock error numbers (WSAGetLastError), which
// syscall's invented Windows errno constants do not match.
func classifyErrno(n uintptr) string { return classifyWinsock(n) }

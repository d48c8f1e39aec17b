package netclass

import "testing"

// winsockValue is one Winsock error number and the kind it must classify
// as. want is the only column a change of mapping touches (issue 9 moves
// WSAECONNABORTED to LocalFirewall, as SPEC says).
type winsockValue struct {
	n    uintptr
	name string // winerror.h
	// seen says where okviz-check's Windows build met it under Wine
	// (scripts/wine, the lab's Wine scenarios, winsock_windows_test.go),
	// or "documented" for values only Microsoft's list vouches for.
	seen string
	want string
}

// winsockValues are recorded Winsock numbers, with Microsoft's meaning in
// "Windows Sockets Error Codes":
// https://learn.microsoft.com/en-us/windows/win32/winsock/windows-sockets-error-codes-2
var winsockValues = []winsockValue{
	// "No connection could be made because the target computer actively refused it."
	{10061, "WSAECONNREFUSED", "connect to a closed loopback port; lab " +
		"refused.okviz.com (iptables REJECT with a TCP reset)", Refused},
	// "An existing connection was forcibly closed by the remote host."
	{10054, "WSAECONNRESET", "read after the peer closed with SO_LINGER 0; lab reset.okviz.com", Reset},
	// "A connection attempt failed because the connected party did not properly respond…"
	{10060, "WSAETIMEDOUT", "documented", Timeout},
	// "A socket operation was attempted to an unreachable host."
	{10065, "WSAEHOSTUNREACH", "lab prohibited.okviz.com (ICMP administratively prohibited, " +
		"which Linux reports to Wine as EHOSTUNREACH)", Unreachable},
	// "A socket operation was attempted to an unreachable network."
	{10051, "WSAENETUNREACH", "documented", Unreachable},
	// "A socket operation encountered a dead network."
	{10050, "WSAENETDOWN", "documented", Unreachable},
	// "A socket operation failed because the destination host was down."
	{10064, "WSAEHOSTDOWN", "documented", Unreachable},
	// "An attempt was made to access a socket in a way forbidden by its
	// access permissions" — what a Windows Filtering Platform block returns.
	{10013, "WSAEACCES", "documented", LocalFirewall},
	// "An established connection was aborted by the software in your host computer."
	{10053, "WSAECONNABORTED", "documented", LocalFirewall},
	// "The attempted operation is not supported for the type of object
	// referenced": Wine's answer to WSAIoctl(SIO_UDP_CONNRESET), which Go
	// sends on every UDP socket — not a network failure.
	{10045, "WSAEOPNOTSUPP", "every UDP socket under Wine 8", ""},
	// "An invalid argument was supplied."
	{10022, "WSAEINVAL", "documented", ""},
}

// TestClassifyWinsock runs on every OS, so the Windows mapping cannot
// regress on a machine that never runs Windows.
func TestClassifyWinsock(t *testing.T) {
	for _, v := range winsockValues {
		if got := classifyWinsock(v.n); got != v.want {
			t.Errorf("classifyWinsock(%d %s, seen: %s) = %q, want %q", v.n, v.name, v.seen, got, v.want)
		}
	}
}

package diag

import (
	"context"
	"strings"
	"syscall"
)

// Winsock's TCP_FAIL_CONNECT_ON_ICMP_ERROR (ws2ipdef.h; an IPPROTO_TCP
// option of Windows 10 2004, build 19041, and later; learn.microsoft.com,
// "IPPROTO_TCP socket options" and WSASetFailConnectOnIcmpError). Set, a
// connect that gets an ICMP error (a firewall's reject, no route) fails at
// once with WSAEHOSTUNREACH, which reads as tcp.unreachable. Windows
// otherwise ignores the ICMP error and repeats the SYN until the timeout,
// so a rejecting firewall would look like one that drops silently.
// Kept in a file built everywhere, so the control is tested on every OS.
const (
	ipprotoTCP                = 6
	tcpFailConnectOnICMPError = 18
)

// setsockoptInt sets an integer option on a raw socket.
type setsockoptInt func(fd uintptr, level, opt, value int) error

// failConnectOnICMP is a net.Dialer ControlContext that asks every TCP
// socket to fail its connect on an ICMP error, through set. A system
// that does not know the option (before Windows 10 2004) refuses it: the
// dial then goes on as before.
func failConnectOnICMP(set setsockoptInt) func(ctx context.Context, network, address string, c syscall.RawConn) error {
	return func(_ context.Context, network, _ string, c syscall.RawConn) error {
		if !strings.HasPrefix(network, "tcp") {
			return nil
		}
		return c.Control(func(fd uintptr) { _ = set(fd, ipprotoTCP, tcpFailConnectOnICMPError, 1) })
	}
}

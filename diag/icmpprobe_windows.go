//go:build windows

package diag

import (
	"context"
	"net"
	"sync"

	"golang.org/x/sys/windows"
)

// tcpICMPErrorInfo is TCP_ICMP_ERROR_INFO (ws2ipdef.h): the IPPROTO_TCP
// option that returns the ICMP_ERROR_INFO of a connect failed by
// TCP_FAIL_CONNECT_ON_ICMP_ERROR.
const tcpICMPErrorInfo = 19

// newICMPProbe: Go's dial closes its socket once the connect failed, so
// the ICMP error that failed it cannot be read from it. This makes one more
// connect with a Winsock socket of its own, fails it on an ICMP error,
// and reads which one. A connect that succeeds, is reset, or where Windows
// (before 10 2004, or Wine) does not know the options yields "": silence.
func newICMPProbe() func(ctx context.Context, ip net.IP, port int) string {
	return icmpReprobe
}

func icmpReprobe(ctx context.Context, ip net.IP, port int) string {
	if ctx.Err() != nil {
		return ""
	}
	var sa windows.Sockaddr
	af := windows.AF_INET
	if ip4 := ip.To4(); ip4 != nil {
		sa = &windows.SockaddrInet4{Port: port, Addr: [4]byte(ip4)}
	} else if ip16 := ip.To16(); ip16 != nil {
		af, sa = windows.AF_INET6, &windows.SockaddrInet6{Port: port, Addr: [16]byte(ip16)}
	} else {
		return ""
	}
	s, err := windows.Socket(af, windows.SOCK_STREAM, windows.IPPROTO_TCP)
	if err != nil {
		return ""
	}
	// The socket is closed exactly once: by the connect's goroutine once it
	// read what it needs, or by the context's end to abort a connect still
	// blocked. The lock keeps getsockopt from running on a handle already
	// closed (and perhaps reused by another socket).
	var mu sync.Mutex
	closed := false
	closeOnce := func() {
		if !closed {
			closed = true
			windows.Closesocket(s)
		}
	}
	if err := windows.SetsockoptInt(s, ipprotoTCP, tcpFailConnectOnICMPError, 1); err != nil {
		closeOnce()
		return ""
	}
	done := make(chan string, 1) // buffered: the goroutine never blocks on a caller gone
	go func() {
		err := windows.Connect(s, sa)
		mu.Lock()
		defer mu.Unlock()
		info := ""
		if err != nil && !closed {
			buf := make([]byte, icmpErrorInfoLen)
			n := int32(len(buf))
			if windows.Getsockopt(s, ipprotoTCP, tcpICMPErrorInfo, &buf[0], &n) == nil && n > 0 && int(n) <= len(buf) {
				if ie, err := parseICMPErrorInfo(buf[:n]); err == nil && ie.From.IsValid() && !ie.From.IsUnspecified() {
					info = ie.describe()
				}
			}
		}
		closeOnce()
		done <- info
	}()
	select {
	case info := <-done:
		return info
	case <-ctx.Done():
		mu.Lock()
		closeOnce() // aborts the blocked connect; the goroutine then ends
		mu.Unlock()
		return ""
	}
}

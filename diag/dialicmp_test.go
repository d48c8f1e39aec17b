package diag

import (
	"context"
	"errors"
	"syscall"
	"testing"
)

// rawConn is a syscall.RawConn whose socket is the number fd.
type rawConn struct{ fd uintptr }

func (c rawConn) Control(f func(fd uintptr)) error         { f(c.fd); return nil }
func (c rawConn) Read(func(fd uintptr) (done bool)) error  { return errors.ErrUnsupported }
func (c rawConn) Write(func(fd uintptr) (done bool)) error { return errors.ErrUnsupported }

var _ syscall.RawConn = rawConn{}

// TestFailConnectOnICMP: every TCP socket, and only TCP, gets
// TCP_FAIL_CONNECT_ON_ICMP_ERROR (IPPROTO_TCP 6, option 18, TRUE); a
// system that refuses the option does not fail the dial.
func TestFailConnectOnICMP(t *testing.T) {
	type call struct {
		fd                uintptr
		level, opt, value int
	}
	var calls []call
	refuse := false
	control := failConnectOnICMP(func(fd uintptr, level, opt, value int) error {
		calls = append(calls, call{fd, level, opt, value})
		if refuse {
			return errors.New("WSAENOPROTOOPT")
		}
		return nil
	})
	for i, network := range []string{"tcp", "tcp4", "tcp6", "udp", "udp4"} {
		refuse = i == 2
		if err := control(context.Background(), network, "192.0.2.1:443", rawConn{uintptr(100 + i)}); err != nil {
			t.Errorf("%s: %v", network, err)
		}
	}
	want := []call{{100, 6, 18, 1}, {101, 6, 18, 1}, {102, 6, 18, 1}}
	if len(calls) != len(want) {
		t.Fatalf("calls %v, want %v", calls, want)
	}
	for i := range want {
		if calls[i] != want[i] {
			t.Errorf("call %d = %+v, want %+v", i, calls[i], want[i])
		}
	}
}

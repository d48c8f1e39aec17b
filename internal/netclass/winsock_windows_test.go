package netclass

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestClassifyWindowsErrors feeds the recorded Winsock numbers through
// Classify wrapped as Go's net package wraps them on Windows.
func TestClassifyWindowsErrors(t *testing.T) {
	for _, v := range winsockValues {
		err := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connectex", syscall.Errno(v.n))}
		want := v.want
		if want == "" {
			want = Other
		}
		if got := Classify(err); got != want {
			t.Errorf("Classify(%v) = %q, want %q", err, got, want)
		}
	}
}

// TestLiveWinsockErrors makes the sockets fail for real on loopback and
// checks that the numbers are the recorded ones and classify as recorded.
func TestLiveWinsockErrors(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		_, err = net.DialTimeout("tcp", addr, 5*time.Second)
		expectWinsock(t, err, 10061)
	})
	t.Run("reset", func(t *testing.T) {
		// Under load, Wine sometimes delivers the peer's abortive close as
		// an orderly one (EOF); a few tries tell that apart from a
		// wrong number, which fails at once.
		var err error
		for try := 0; try < 5; try++ {
			if err = resetRead(t); !errors.Is(err, io.EOF) {
				break
			}
		}
		expectWinsock(t, err, 10054)
	})
}

// resetRead reads from a connection whose peer, after receiving a byte,
// closes with SO_LINGER 0 (a RST) and returns the read's error.
func resetRead(t *testing.T) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Read(make([]byte, 1))
		c.(*net.TCPConn).SetLinger(0) // close with a RST
		c.Close()
	}()
	c, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte{1}); err != nil {
		return err
	}
	_, err = c.Read(make([]byte, 1))
	return err
}

func expectWinsock(t *testing.T, err error, n uintptr) {
	t.Helper()
	var errno syscall.Errno
	if !errors.As(err, &errno) || uintptr(errno) != n {
		t.Fatalf("got %v (errno %d), want Winsock %d", err, errno, n)
	}
	for _, v := range winsockValues {
		if v.n == n {
			if got := Classify(err); got != v.want {
				t.Errorf("Classify(%v) = %q, want %q", err, got, v.want)
			}
			return
		}
	}
	t.Fatalf("Winsock %d is not in winsockValues", n)
}

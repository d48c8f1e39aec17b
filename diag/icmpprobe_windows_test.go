package diag

import (
	"context"
	"net"
	"testing"
	"time"
)

// The real re-probe on loopback only (tests send no traffic elsewhere): a
// port nobody listens on is reset, not failed by ICMP, and a listening one
// accepts; both read nothing, and say nothing — as Wine, which may not know
// the options, must too. An ended run makes no connect.
func TestICMPReprobeLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	open := ln.Addr().(*net.TCPAddr).Port
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	closedLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := closedLn.Addr().(*net.TCPAddr).Port
	closedLn.Close()
	defer ln.Close()

	lo := net.ParseIP("127.0.0.1")
	// A bound, not a timed assertion: a connect that never ended would
	// be aborted by it, and still read nothing.
	bound, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	for name, port := range map[string]int{"listening": open, "closed": closed} {
		if got := icmpReprobe(bound, lo, port); got != "" {
			t.Errorf("%s port: %q, want nothing", name, got)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := icmpReprobe(ctx, lo, open); got != "" {
		t.Errorf("ended run: %q", got)
	}
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// delayLine creates two TUN devices and carries IP packets between them:
// what the client side's kernel routes into clientDev comes out of
// serverDev delay later; what the server side routes into serverDev comes
// out of clientDev at once. The caller moves each device into its network
// namespace and addresses it (the devices disappear when this returns).
// It prints "ready" once both devices exist and runs until ctx ends.
func delayLine(ctx context.Context, clientDev, serverDev string, delay time.Duration, ready io.Writer) error {
	c, err := openTUN(clientDev)
	if err != nil {
		return err
	}
	defer c.Close()
	s, err := openTUN(serverDev)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintln(ready, "ready")
	errc := make(chan error, 2)
	go func() { errc <- delayedCopy(lossy{s}, c, delay) }()
	go func() { errc <- delayedCopy(lossy{c}, s, 0) }()
	select {
	case <-ctx.Done():
		return nil
	case err := <-errc:
		return err
	}
}

// openTUN creates the TUN device name (IP packets, no extra header) and
// returns its file, registered with the runtime's poller so Close ends a
// blocked Read.
func openTUN(name string) (*os.File, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("delayline: /dev/net/tun: %w", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err == nil {
		ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
		err = unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr)
	}
	if err == nil {
		err = unix.SetNonblock(fd, true)
	}
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("delayline: TUN device %q: %w", name, err)
	}
	return os.NewFile(uintptr(fd), "tun:"+name), nil
}

// lossy is a link's far end: a packet it cannot deliver (the device is
// down, its queue full) is dropped, as a wire would, and the line goes on.
type lossy struct{ w io.Writer }

func (l lossy) Write(p []byte) (int, error) {
	l.w.Write(p)
	return len(p), nil
}

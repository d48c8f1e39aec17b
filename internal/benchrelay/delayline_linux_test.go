package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// ipCmd runs ip(8) and fails the test on error.
func ipCmd(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// inNetns runs fn on a thread inside the named network namespace, so the
// sockets fn makes belong to it. The thread is never returned to the pool:
// it ends with its goroutine.
func inNetns(t *testing.T, name string, fn func() error) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		f, err := os.Open(filepath.Join("/run/netns", name))
		if err == nil {
			err = unix.Setns(int(f.Fd()), unix.CLONE_NEWNET)
			f.Close()
		}
		if err == nil {
			err = fn()
		}
		errc <- err
	}()
	if err := <-errc; err != nil {
		t.Fatalf("in netns %s: %v", name, err)
	}
}

// TestDelayLine joins two namespaces with the delay line and checks that
// the client's TCP handshake pays the delay too (what the relay cannot do),
// and that data crosses intact both ways.
func TestDelayLine(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces, TUN devices)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs ip (Debian package iproute2)")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Skip("needs /dev/net/tun")
	}
	const delay = 30 * time.Millisecond
	id := os.Getpid() % 100000
	cns, sns := fmt.Sprintf("okvbt%dc", id), fmt.Sprintf("okvbt%ds", id)
	cdev, sdev := cns+"0", sns+"0"
	for _, ns := range []string{cns, sns} {
		ipCmd(t, "netns", "add", ns)
		t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	}

	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- delayLine(ctx, cdev, sdev, delay, pw) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("delayLine: %v", err)
		}
	})
	line := make([]byte, len("ready\n"))
	if _, err := io.ReadFull(pr, line); err != nil || string(line) != "ready\n" {
		t.Fatalf("delayLine did not get ready: %q %v", line, err)
	}
	for _, l := range []struct{ dev, ns, addr, peer string }{
		{cdev, cns, "198.18.0.2", "198.18.0.1"},
		{sdev, sns, "198.18.0.1", "198.18.0.2"},
	} {
		ipCmd(t, "link", "set", "dev", l.dev, "netns", l.ns)
		ipCmd(t, "-n", l.ns, "addr", "add", l.addr, "peer", l.peer, "dev", l.dev)
		ipCmd(t, "-n", l.ns, "link", "set", "dev", l.dev, "up")
	}

	var ln net.Listener
	inNetns(t, sns, func() (err error) {
		ln, err = net.Listen("tcp", "198.18.0.1:0")
		return err
	})
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.Copy(c, c)
	}()

	var conn net.Conn
	var connectTime time.Duration
	inNetns(t, cns, func() (err error) {
		start := time.Now()
		conn, err = net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
		connectTime = time.Since(start)
		return err
	})
	defer conn.Close()
	if connectTime < delay {
		t.Errorf("TCP connect took %v, less than the delay %v: the SYN was not delayed", connectTime, delay)
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	msg := strings.Repeat("0123456789", 500) // several packets
	start := time.Now()
	if _, err := conn.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(conn, got); err != nil {
		t.Fatalf("echo through the delay line: %v", err)
	}
	if string(got) != msg {
		t.Error("echo through the delay line differs from what was sent")
	}
	if rtt := time.Since(start); rtt < delay {
		t.Errorf("round trip took %v, less than the delay %v", rtt, delay)
	}
}

package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// timedWriter records what it receives and when.
type timedWriter struct {
	chunks [][]byte
	at     []time.Time
}

func (w *timedWriter) Write(p []byte) (int, error) {
	w.chunks = append(w.chunks, bytes.Clone(p))
	w.at = append(w.at, time.Now())
	return len(p), nil
}

func TestDelayedCopy(t *testing.T) {
	tests := []struct {
		name   string
		delay  time.Duration
		chunks []string
	}{
		{"no delay", 0, []string{"a", "bc", "def"}},
		{"delayed", 30 * time.Millisecond, []string{"ClientHello", "Finished", "GET / HTTP/1.1"}},
		{"large chunk", 10 * time.Millisecond, []string{strings.Repeat("x", maxChunk)}},
		{"empty source", 10 * time.Millisecond, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			dst := &timedWriter{}
			done := make(chan error, 1)
			go func() { done <- delayedCopy(dst, pr, tt.delay) }()
			var sent []time.Time
			for _, c := range tt.chunks {
				sent = append(sent, time.Now())
				if _, err := pw.Write([]byte(c)); err != nil {
					t.Fatal(err)
				}
			}
			pw.Close()
			if err := <-done; err != nil {
				t.Fatalf("delayedCopy: %v", err)
			}
			if len(dst.chunks) != len(tt.chunks) {
				t.Fatalf("got %d chunks, want %d", len(dst.chunks), len(tt.chunks))
			}
			for i, c := range tt.chunks {
				if string(dst.chunks[i]) != c {
					t.Errorf("chunk %d = %.20q, want %.20q", i, dst.chunks[i], c)
				}
				// The delay is a floor: a chunk may never arrive early.
				if got := dst.at[i].Sub(sent[i]); got < tt.delay {
					t.Errorf("chunk %d arrived after %v, before the delay %v", i, got, tt.delay)
				}
			}
		})
	}
}

// failingReader returns its error after its data.
type failingReader struct {
	data string
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func TestDelayedCopyErrors(t *testing.T) {
	boom := errors.New("boom")
	var dst bytes.Buffer
	if err := delayedCopy(&dst, &failingReader{data: "abc", err: boom}, 0); !errors.Is(err, boom) {
		t.Errorf("read error: got %v, want %v", err, boom)
	}
	if dst.String() != "abc" {
		t.Errorf("data before the read error: got %q, want %q", dst.String(), "abc")
	}
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte("first"))
		pw.Write([]byte("second"))
		pw.Close()
	}()
	if err := delayedCopy(failingWriter{boom}, pr, 0); !errors.Is(err, boom) {
		t.Errorf("write error: got %v, want %v", err, boom)
	}
}

// echoServer answers on loopback with what it reads, then closes when the
// client has finished sending.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// startRelay runs a relay to upstream on loopback until the test ends.
func startRelay(t *testing.T, upstream string, delay time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- relay(ctx, ln, upstream, delay, log.New(io.Discard, "", 0)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("relay: %v", err)
		}
	})
	return ln.Addr().String()
}

func dial(t *testing.T, addr string) *net.TCPConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c.(*net.TCPConn)
}

func TestRelay(t *testing.T) {
	const delay = 25 * time.Millisecond
	addr := startRelay(t, echoServer(t), delay)
	c := dial(t, addr)
	for _, msg := range []string{"ping", "a longer second flight"} {
		start := time.Now()
		if _, err := c.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatalf("read echo of %q: %v", msg, err)
		}
		if string(got) != msg {
			t.Errorf("echo = %q, want %q", got, msg)
		}
		if rtt := time.Since(start); rtt < delay {
			t.Errorf("round trip of %q took %v, less than the delay %v", msg, rtt, delay)
		}
	}
	// A half-close travels through: the echo server sees the end of the
	// stream, closes, and the client reads EOF.
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if rest, err := io.ReadAll(c); err != nil || len(rest) != 0 {
		t.Errorf("after half-close: read %q, %v; want EOF", rest, err)
	}
}

func TestRelayUpstreamDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	c := dial(t, startRelay(t, closed, 0))
	// The relay cannot reach its upstream: the client's connection ends
	// instead of hanging (the dial deadline fails the test otherwise).
	if n, err := c.Read(make([]byte, 1)); err == nil {
		t.Errorf("read %d bytes from a relay whose upstream is down", n)
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Errorf("relay with a dead upstream left the client hanging")
	}
}

func TestGenCertAndOrigin(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"gencert", "-dir", dir, "bench.okviz.test", "198.18.0.1"}, &out, &errOut); code != 0 {
		t.Fatalf("gencert: exit %d: %s", code, errOut.String())
	}
	for _, f := range []string{"ca.pem", "server.pem", "server-key.pem"} {
		if !strings.Contains(out.String(), filepath.Join(dir, f)) {
			t.Errorf("gencert did not report %s: %q", f, out.String())
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "server-key.pem")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("server-key.pem: %v, %v; want mode 0600", fi, err)
	}
	srv, err := newOrigin(filepath.Join(dir, "server.pem"), filepath.Join(dir, "server-key.pem"), log.New(io.Discard, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveOrigin(ctx, srv, ln) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("origin: %v", err)
		}
	}()

	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatal("ca.pem holds no certificate")
	}
	// Verified against the generated CA under the name the benchmark uses,
	// reached through the delaying relay as the benchmark does.
	addr := startRelay(t, ln.Addr().String(), 5*time.Millisecond)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "bench.okviz.test"},
	}}
	defer client.CloseIdleConnections()
	resp, err := client.Get("https://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		t.Errorf("origin answered %d %q, want 200 \"ok\"", resp.StatusCode, body)
	}
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "usage:"},
		{[]string{"bogus"}, 2, `unknown mode "bogus"`},
		{[]string{"--help"}, 0, "usage:"},
		{[]string{"relay", "-listen", "127.0.0.1:0"}, 2, "-to is required"},
		{[]string{"relay", "-listen", "127.0.0.1:0", "-to", "127.0.0.1:1", "-delay", "-1ms"}, 2, "outside 0..10s"},
		{[]string{"relay", "-listen", "127.0.0.1:0", "-to", "127.0.0.1:1", "-delay", "soon"}, 2, "invalid value"},
		{[]string{"relay", "-listen", "127.0.0.1:0", "-to", "127.0.0.1:1", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"origin", "-listen", "127.0.0.1:0", "-cert", "c.pem"}, 2, "-key is required"},
		{[]string{"origin", "-listen", "127.0.0.1:0", "-cert", "/nonexistent/c.pem", "-key", "/nonexistent/k.pem"}, 1, "no such file"},
		{[]string{"gencert", "-dir", "x"}, 2, "at least one HOST"},
		{[]string{"delayline", "-client-dev", "a"}, 2, "-server-dev is required"},
		{[]string{"delayline", "-client-dev", "a", "-server-dev", "b", "-delay", "1h"}, 2, "outside 0..10s"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errOut)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errOut.String())
			}
			if all := out.String() + errOut.String(); !strings.Contains(all, tt.want) {
				t.Errorf("output %q does not contain %q", all, tt.want)
			}
		})
	}
}

package tunnel

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/leakcheck"
)

// Hostile proxies: each must end the attempt near its deadline with the
// right code, leave no goroutine running, and keep memory bounded however
// much it sends. TestTunnelHTTP covers what each answer means; this file
// covers what each costs.

const (
	// hostileTimeout is the Tunneler's attempt timeout here.
	hostileTimeout = 300 * time.Millisecond
	// hostileHang is when an attempt is declared hung: ten timeouts, a
	// hang detector rather than a speed test.
	hostileHang = 10 * hostileTimeout
	// streamTotal is how much a streaming proxy is willing to send.
	streamTotal = 200 << 20
	// memCeiling is the most the heap may grow by (measured as bytes
	// allocated, an upper bound of growth) while a proxy streams
	// streamTotal bytes at the tunnel: 16 MiB. The tunnel reads at most
	// MaxHeaderBytes of header and maxBodyPeek of an error page.
	memCeiling = 16 << 20
)

// streamBytes writes 16 KiB chunks of b until total bytes are written or
// the client goes away, and returns how many were written.
func streamBytes(w io.Writer, b byte, total int) int64 {
	chunk := []byte(strings.Repeat(string(b), 16<<10))
	var sent int64
	for sent < int64(total) {
		n, err := w.Write(chunk)
		sent += int64(n)
		if err != nil {
			break
		}
	}
	return sent
}

// answerThenStream answers a CONNECT with head, then streams filler
// forever; sent accumulates what was streamed. Every request on the
// connection gets the same.
func answerThenStream(head string, filler byte, sent *atomic.Int64) func(s *session) {
	return func(s *session) {
		if _, ok := s.read(); ok && s.write(head) {
			sent.Add(streamBytes(s.conn, filler, streamTotal))
		}
	}
}

func TestTunnelHostileProxies(t *testing.T) {
	tests := []struct {
		name     string
		scheme   string
		creds    bool
		serve    func(sent *atomic.Int64) func(s *session)
		wantCode string
		// streams marks a proxy that offers streamTotal bytes: the heap
		// growth is held to memCeiling and the tunnel must stop reading
		// long before the proxy has sent it all.
		streams bool
	}{
		{
			name: "CONNECT answered with garbage",
			serve: func(*atomic.Int64) func(s *session) {
				return func(s *session) {
					if _, ok := s.read(); ok && s.write("\x16\x03\x01\x02\x00garbage, not HTTP\r\n\r\n") {
						s.wait()
					}
				}
			},
			wantCode: CodeProtocolError,
		},
		{
			name: "CONNECT never answered",
			serve: func(*atomic.Int64) func(s *session) {
				return func(s *session) { s.read(); s.wait() }
			},
			wantCode: CodeUnreachable,
		},
		{
			name: "answer trickled forever",
			serve: func(*atomic.Int64) func(s *session) {
				return func(s *session) {
					if _, ok := s.read(); !ok || !s.write("HTTP/1.1 200 OK\r\nX-Slow: ") {
						return
					}
					for s.write("a") {
						time.Sleep(50 * time.Millisecond)
					}
				}
			},
			wantCode: CodeProtocolError,
		},
		{
			name: "endless header at full speed",
			serve: func(sent *atomic.Int64) func(s *session) {
				return answerThenStream("HTTP/1.1 200 OK\r\nX-Big: ", 'a', sent)
			},
			wantCode: CodeProtocolError, streams: true,
		},
		{
			name: "endless header lines",
			serve: func(sent *atomic.Int64) func(s *session) {
				return func(s *session) {
					if _, ok := s.read(); !ok || !s.write("HTTP/1.1 200 OK\r\n") {
						return
					}
					var n int64
					for i := 0; n < streamTotal; i++ {
						line := fmt.Sprintf("X-H%d: %s\r\n", i, strings.Repeat("v", 1000))
						if !s.write(line) {
							break
						}
						n += int64(len(line))
					}
					sent.Add(n)
				}
			},
			wantCode: CodeProtocolError, streams: true,
		},
		{
			name: "403 with an endless error page",
			serve: func(sent *atomic.Int64) func(s *session) {
				return answerThenStream("HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\n\r\n<html><body>", 'x', sent)
			},
			wantCode: CodeDenied, streams: true,
		},
		{
			// The 407's body must be drained to reuse the connection; an
			// endless one is abandoned after MaxHeaderBytes and the
			// credentials go on a new connection, which gets the same.
			name:  "407 with an endless body, credentials given",
			creds: true,
			serve: func(sent *atomic.Int64) func(s *session) {
				return answerThenStream("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"x\"\r\n\r\n", 'x', sent)
			},
			wantCode: CodeAuthFailed, streams: true,
		},
		{
			// The tunnel opens; what follows the answer is the caller's to
			// read, and only a buffer's worth is held for it.
			name: "200 followed by an endless stream",
			serve: func(sent *atomic.Int64) func(s *session) {
				return answerThenStream("HTTP/1.1 200 Connection established\r\n\r\n", 'x', sent)
			},
			wantCode: CodeOK, streams: true,
		},
		{
			name:   "SOCKS5 answered with an endless stream of garbage",
			scheme: "socks5",
			serve: func(sent *atomic.Int64) func(s *session) {
				return func(s *session) {
					buf := make([]byte, 3)
					if _, err := io.ReadFull(s.br, buf); err == nil {
						sent.Add(streamBytes(s.conn, 0xff, streamTotal))
					}
				}
			},
			wantCode: CodeProtocolError, streams: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leakcheck.Check(t) // first: its cleanup runs after the fake's
			var sent atomic.Int64
			p := startFake(t, tt.serve(&sent))
			tun := Tunneler{UserAgent: "okviz-check/test", Timeout: hostileTimeout}
			scheme := tt.scheme
			if scheme == "" {
				scheme = "http"
			}
			var hop Hop
			alloc := leakcheck.Allocated(func() {
				done := make(chan Hop, 1)
				go func() {
					conn, hop := tun.Tunnel(context.Background(), proxyURL(scheme, p.addr(), tt.creds), testTarget)
					if conn != nil {
						conn.Close()
					}
					done <- hop
				}()
				select {
				case hop = <-done:
				case <-time.After(hostileHang):
					t.Fatalf("Tunnel did not return within %v (timeout %v): hung", hostileHang, hostileTimeout)
				}
				p.close() // ends the fake's sessions: sent is final
			})
			if hop.Code != tt.wantCode {
				t.Errorf("code %q, want %q; hop %+v", hop.Code, tt.wantCode, hop)
			}
			if tt.streams {
				if alloc > memCeiling {
					t.Errorf("%d MiB allocated while the proxy streamed %d MiB: the ceiling is %d MiB", alloc>>20, sent.Load()>>20, memCeiling>>20)
				}
				if sent.Load() >= streamTotal {
					t.Errorf("the proxy sent all of its %d MiB: the tunnel read everything", streamTotal>>20)
				}
			}
			assertNoSecrets(t, hop)
			t.Logf("proxy sent %d KiB, %d KiB allocated; reason %q", sent.Load()>>10, alloc>>10, hop.Reason)
		})
	}
}

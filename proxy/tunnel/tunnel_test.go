package tunnel

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/internal/leakcheck"
)

// Credentials used wherever a test gives some: distinctive, so that a leak
// into any returned string is found by a plain substring search.
const (
	testUser = "okvizUser"
	testPass = "s3cr3t-Pa55"
)

var testToken = base64.StdEncoding.EncodeToString([]byte(testUser + ":" + testPass))

const testTarget = "api.okviz.test:443"

// proxyURL builds a proxy URL for addr, with the test credentials when withCreds.
func proxyURL(scheme, addr string, withCreds bool) *url.URL {
	u := &url.URL{Scheme: scheme, Host: addr}
	if withCreds {
		u.User = url.UserPassword(testUser, testPass)
	}
	return u
}

// assertNoSecrets fails when the test credentials appear anywhere in hop,
// except the user name where the report says as whom (Auth.User).
func assertNoSecrets(t *testing.T, hop Hop) {
	t.Helper()
	if hop.Auth != nil {
		a := *hop.Auth
		if want := map[bool]string{true: testUser}[hop.Code == CodeAuthFailed]; a.User != want {
			t.Errorf("auth.user %q, want %q (the user is named only when refused)", a.User, want)
		}
		a.User = ""
		hop.Auth = &a
	}
	js, err := json.Marshal(hop)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{testUser, testPass, testToken, url.QueryEscape(testPass)} {
		if strings.Contains(string(js), s) {
			t.Errorf("hop leaks a credential (%q): %s", s, js)
		}
	}
}

// checkTunnel proves that conn reaches the fake's echo: what is written
// comes back, after any bytes the proxy sent early.
func checkTunnel(t *testing.T, conn net.Conn, early string) {
	t.Helper()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, "ping"); err != nil {
		t.Fatalf("write through tunnel: %v", err)
	}
	want := early + "ping"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(conn, got); err != nil {
		t.Fatalf("read through tunnel: %v", err)
	}
	if string(got) != want {
		t.Fatalf("tunnel gave %q, want %q", got, want)
	}
}

// TestTunnelEndsAtDeadline runs the stalling proxies without a test-level
// timeout and checks that Tunnel returns on its own; the bound here is a
// hang detector, far above the attempt timeout, not a speed assertion.
func TestTunnelEndsAtDeadline(t *testing.T) {
	leaks := leakcheck.Take()
	for _, serve := range []func(s *session){
		func(s *session) { s.wait() }, // reads, never answers
		func(s *session) { // trickles
			s.read()
			s.write("HTTP/1.1 200 OK\r\n")
			for s.write("X") {
				time.Sleep(5 * time.Millisecond)
			}
		},
	} {
		p := startFake(t, serve)
		done := make(chan Hop, 1)
		go func() {
			_, hop := tunnelOnce(context.Background(), nil, proxyURL("http", p.addr(), false), testTarget, 200*time.Millisecond)
			done <- hop
		}()
		select {
		case hop := <-done:
			if hop.Code == CodeOK || hop.Error == "" {
				t.Errorf("hop %+v, want a failure", hop)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("Tunnel did not return: the deadline is not enforced")
		}
		p.close()
	}
	// No goroutine of Tunnel outlives it (the fakes are closed above).
	leaks.Verify(t)
}

// TestTunnelCancel cancels the context while the proxy stalls, in each
// kind of exchange; the attempt timeout is a minute, so only the
// cancellation can end it before the hang detector fires.
func TestTunnelCancel(t *testing.T) {
	stall := startFake(t, func(s *session) { s.wait() })
	for _, scheme := range []string{"http", "socks5", "socks4"} {
		t.Run(scheme, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(50*time.Millisecond, cancel)
			done := make(chan Hop, 1)
			go func() {
				_, hop := tunnelOnce(ctx, nil, proxyURL(scheme, stall.addr(), false), testTarget, time.Minute)
				done <- hop
			}()
			select {
			case hop := <-done:
				if hop.Code != "" || hop.Reason != "canceled" || hop.Fallback {
					t.Fatalf("hop %+v after cancel", hop)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Tunnel ignored the cancellation")
			}
		})
	}
}

func BenchmarkTunnelHTTP(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	acceptLoop(ln, func(c net.Conn) {
		buf := make([]byte, 4096)
		if _, err := c.Read(buf); err == nil {
			_, _ = io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
			_, _ = c.Read(buf)
		}
	})
	u := proxyURL("http", ln.Addr().String(), false)
	for b.Loop() {
		conn, hop := tunnelOnce(context.Background(), nil, u, testTarget, 5*time.Second)
		if conn == nil {
			b.Fatalf("hop %+v", hop)
		}
		conn.Close()
	}
}

func TestTunnelUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused

	blackhole := func(ctx context.Context, _, _ string) (net.Conn, error) {
		<-ctx.Done() // a dropped SYN
		return nil, ctx.Err()
	}
	nxdomain := func(_ context.Context, _, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}
	tests := []struct {
		name   string
		dial   func(ctx context.Context, network, addr string) (net.Conn, error)
		proxy  *url.URL
		reason string
	}{
		{"refused", nil, proxyURL("http", closed, true), "refused"},
		{"refused socks5", nil, proxyURL("socks5", closed, true), "refused"},
		{"refused socks4", nil, proxyURL("socks4", closed, false), "refused"},
		{"timeout", blackhole, proxyURL("http", "192.0.2.1:3128", true), "before the deadline"},
		{"dns", nxdomain, proxyURL("http", "proxy.corp.invalid:8080", true), "does not resolve"},
		{"unsupported scheme", nil, proxyURL("ftp", "127.0.0.1:21", true), "unsupported"},
		{"no host", nil, &url.URL{Scheme: "http", Path: "/x"}, "names no host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, hop := tunnelOnce(context.Background(), tt.dial, tt.proxy, testTarget, 200*time.Millisecond)
			if conn != nil || hop.Code != CodeUnreachable || !hop.Fallback {
				t.Fatalf("hop %+v, want unreachable with fallback", hop)
			}
			if !strings.Contains(hop.Reason, tt.reason) {
				t.Errorf("reason %q lacks %q", hop.Reason, tt.reason)
			}
			assertNoSecrets(t, hop)
		})
	}
}

// TestTunnelHTTPSProxy speaks TLS to the proxy first: with a trusted
// certificate the tunnel opens; with an untrusted one it is a protocol
// error that, as in Chromium, moves on to the next proxy.
func TestTunnelHTTPSProxy(t *testing.T) {
	ca := certgen.Must(certgen.NewCA("Proxy Test CA"))
	leaf := certgen.Must(ca.Leaf([]string{"127.0.0.1"}))
	other := certgen.Must(certgen.NewCA("Other CA"))
	p := startFake(t, func(s *session) {
		tc := tls.Server(s.conn, &tls.Config{Certificates: []tls.Certificate{leaf.TLS}})
		if tc.Handshake() != nil {
			return
		}
		s.conn = tc
		s.br.Reset(tc)
		if _, ok := s.read(); ok && s.write("HTTP/1.1 200 OK\r\n\r\n") {
			s.echo()
		}
	})
	for _, tc := range []struct {
		name string
		ca   *certgen.CA
		want string
	}{{"trusted", ca, CodeOK}, {"untrusted", other, CodeProtocolError}} {
		t.Run(tc.name, func(t *testing.T) {
			tun := Tunneler{Timeout: 2 * time.Second, TLSConfig: func() *tls.Config { return &tls.Config{RootCAs: tc.ca.Pool()} }}
			conn, hop := tun.Tunnel(context.Background(), proxyURL("https", p.addr(), true), testTarget)
			if hop.Code != tc.want {
				t.Fatalf("hop %+v, want %s", hop, tc.want)
			}
			if conn != nil {
				defer conn.Close()
				checkTunnel(t, conn, "")
			} else if !hop.Fallback || !strings.Contains(hop.Error, "certificate") || !strings.Contains(hop.Reason, "--ca-file") {
				t.Errorf("hop %+v: want fallback, a certificate error and the --ca-file hint", hop)
			}
			assertNoSecrets(t, hop)
		})
	}
}

// TestTunnelScrubsEchoedCredentials: a proxy that echoes the
// Proxy-Authorization header (some block pages print the request) must not
// get the credentials into the hop.
func TestTunnelScrubsEchoedCredentials(t *testing.T) {
	p := startFake(t, func(s *session) {
		if _, ok := s.read(); !ok {
			return
		}
		s.write("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"lab\"\r\nContent-Length: 0\r\n\r\n")
		req, ok := s.read()
		if !ok {
			return
		}
		auth := req.Header.Get("Proxy-Authorization")
		body := fmt.Sprintf("<title>denied for %s user %s pass %s</title>", auth, testUser, testPass)
		s.write(fmt.Sprintf("HTTP/1.1 403 Forbidden %s\r\nVia: %s\r\nContent-Length: %d\r\n\r\n%s", auth, auth, len(body), body))
		s.wait()
	})
	_, hop := tunnelOnce(context.Background(), nil, proxyURL("http", p.addr(), true), testTarget, time.Second)
	if hop.Code != CodeDenied || !strings.Contains(hop.Reason, "denied for Basic ***") {
		t.Fatalf("hop %+v", hop)
	}
	assertNoSecrets(t, hop)
}

func TestTunnelList(t *testing.T) {
	target := startFake(t, func(s *session) { s.echo() }) // the DIRECT target
	ok := startFake(t, func(s *session) {
		if _, ok := s.read(); ok && s.write("HTTP/1.1 200 OK\r\n\r\n") {
			s.echo()
		}
	})
	denied := startFake(t, func(s *session) {
		if _, ok := s.read(); ok && s.write(squidDenied) {
			s.wait()
		}
	})
	auth := startFake(t, func(s *session) {
		if _, ok := s.read(); ok && s.write("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nContent-Length: 0\r\n\r\n") {
			s.wait()
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()

	u := func(addr string) *url.URL { return proxyURL("http", addr, false) }
	tests := []struct {
		name      string
		list      []*url.URL
		hostport  string
		wantCodes []string
		wantConn  bool
	}{
		{"dead then working", []*url.URL{u(dead), u(ok.addr())}, testTarget, []string{CodeUnreachable, CodeOK}, true},
		{"dead then DIRECT", []*url.URL{u(dead), nil}, target.addr(), []string{CodeUnreachable, CodeNone}, true},
		{"403 is final", []*url.URL{u(denied.addr()), u(ok.addr())}, testTarget, []string{CodeDenied}, false},
		{"407 is final", []*url.URL{u(auth.addr()), nil}, target.addr(), []string{CodeAuthRequired}, false},
		{"all dead", []*url.URL{u(dead), u(dead)}, testTarget, []string{CodeUnreachable, CodeUnreachable}, false},
		{"dead DIRECT", []*url.URL{nil}, dead, []string{""}, false},
		{"empty list is DIRECT", nil, target.addr(), []string{CodeNone}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, hops := tunnelList(context.Background(), nil, tt.list, tt.hostport, time.Second)
			var codes []string
			for _, h := range hops {
				codes = append(codes, h.Code)
			}
			if !slices.Equal(codes, tt.wantCodes) {
				t.Fatalf("codes %q, want %q; hops %+v", codes, tt.wantCodes, hops)
			}
			if (conn != nil) != tt.wantConn {
				t.Fatalf("conn %v, want %v", conn, tt.wantConn)
			}
			if conn != nil {
				defer conn.Close()
				checkTunnel(t, conn, "")
			}
			for i, h := range hops {
				if direct := len(tt.list) == 0 || tt.list[i] == nil; direct != (h.Proxy == "DIRECT") {
					t.Errorf("hop %d proxy %q, list entry %v", i, h.Proxy, tt.list)
				}
			}
		})
	}
}

func TestTunnelBadTarget(t *testing.T) {
	for _, hp := range []string{"", "noport", "host:0", "host:70000", "ho st:443", "a\r\nX: y:443", ":443"} {
		conn, hop := tunnelOnce(context.Background(), func(context.Context, string, string) (net.Conn, error) {
			return nil, errors.New("must not dial")
		}, proxyURL("http", "127.0.0.1:1", false), hp, time.Second)
		if conn != nil || hop.Code != "" || !strings.Contains(hop.Error, "invalid target") {
			t.Errorf("%q: hop %+v", hp, hop)
		}
	}
}

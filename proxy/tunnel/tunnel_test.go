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
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/certgen"
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

// assertNoSecrets fails when the test credentials appear anywhere in hop.
func assertNoSecrets(t *testing.T, hop Hop) {
	t.Helper()
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

const squidDenied = "HTTP/1.1 403 Forbidden\r\n" +
	"Server: squid/5.7\r\n" +
	"Mime-Version: 1.0\r\n" +
	"Content-Type: text/html;charset=utf-8\r\n" +
	"Content-Length: 95\r\n" +
	"X-Squid-Error: ERR_ACCESS_DENIED 0\r\n" +
	"Via: 1.1 lab (squid/5.7)\r\n" +
	"Connection: keep-alive\r\n\r\n" +
	"<html><head><title>ERROR: The requested URL could not be retrieved</title></head></html>\n\n\n\n\n\n"

func TestTunnelHTTP(t *testing.T) {
	basic := "Basic " + testToken
	tests := []struct {
		name        string
		serve       func(s *session)
		creds       bool
		wantCode    string
		wantStatus  int
		wantSchemes []string
		wantReason  []string // substrings
		wantAuth    bool
		wantBack    bool // Fallback
		wantConns   int  // connections the proxy saw (0: not checked)
		early       string
		// stalls marks a peer that never completes its answer: only it
		// runs into the (short) deadline; the others get a generous one,
		// so a loaded machine cannot turn a slow answer into a timeout.
		stalls bool
	}{
		{
			name: "200",
			serve: func(s *session) {
				if _, ok := s.read(); ok && s.write("HTTP/1.1 200 Connection established\r\nVia: 1.1 fake\r\n\r\n") {
					s.echo()
				}
			},
			wantCode: CodeOK, wantStatus: 200, wantReason: []string{"200 Connection established", "Via: 1.1 fake"}, wantConns: 1,
		},
		{
			name: "HTTP/1.0 200 with bytes after the header",
			serve: func(s *session) {
				if _, ok := s.read(); ok && s.write("HTTP/1.0 200 OK\r\n\r\nEARLY") {
					s.echo()
				}
			},
			wantCode: CodeOK, wantStatus: 200, wantReason: []string{"5 bytes followed"}, early: "EARLY",
		},
		{
			name: "407 offering several schemes, no credentials",
			serve: func(s *session) {
				if _, ok := s.read(); ok {
					s.write("HTTP/1.1 407 Proxy Authentication Required\r\n" +
						"Proxy-Authenticate: Negotiate\r\n" +
						"Proxy-Authenticate: NTLM\r\n" +
						"Proxy-Authenticate: basic realm=\"Corp, Inc\", Digest realm=\"corp\", nonce=\"a,b\", qop=\"auth\"\r\n" +
						"Proxy-Authenticate: X-Custom token68==\r\n" +
						"Server: fakeproxy\r\nContent-Length: 0\r\n\r\n")
					s.wait()
				}
			},
			wantCode: CodeAuthRequired, wantStatus: 407, wantSchemes: []string{"Negotiate", "NTLM", "Basic", "Digest", "X-Custom"},
			wantReason: []string{"407 Proxy Authentication Required", "Server: fakeproxy"}, wantConns: 1,
		},
		{
			name: "407 with credentials but no Basic",
			serve: func(s *session) {
				for {
					if _, ok := s.read(); !ok || !s.write("HTTP/1.1 407 Auth\r\nProxy-Authenticate: NTLM\r\nProxy-Authenticate: Negotiate\r\nContent-Length: 0\r\n\r\n") {
						return
					}
				}
			},
			creds: true, wantCode: CodeAuthRequired, wantStatus: 407, wantSchemes: []string{"NTLM", "Negotiate"},
			wantReason: []string{"does not offer Basic"}, wantConns: 1,
		},
		{
			name: "407 then 200 with Basic on the same connection",
			serve: func(s *session) {
				req, ok := s.read()
				if !ok {
					return
				}
				if req.Header.Get("Proxy-Authorization") != "" {
					s.write("HTTP/1.1 400 credentials sent before asked\r\n\r\n")
					return
				}
				s.write("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"lab\"\r\nContent-Length: 11\r\n\r\nlogin first")
				req, ok = s.read()
				if !ok {
					return
				}
				if req.Header.Get("Proxy-Authorization") != basic {
					s.write("HTTP/1.1 407 wrong\r\nProxy-Authenticate: Basic realm=\"lab\"\r\nContent-Length: 0\r\n\r\n")
					return
				}
				if s.write("HTTP/1.1 200 OK\r\n\r\n") {
					s.echo()
				}
			},
			creds: true, wantCode: CodeOK, wantStatus: 200, wantSchemes: []string{"Basic"}, wantAuth: true, wantConns: 1,
		},
		{
			name: "407 with Connection: close, then 200 on a new connection",
			serve: func(s *session) {
				req, ok := s.read()
				if !ok {
					return
				}
				if req.Header.Get("Proxy-Authorization") != basic {
					s.write("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"lab\"\r\nConnection: close\r\n\r\n")
					return
				}
				if s.write("HTTP/1.1 200 OK\r\n\r\n") {
					s.echo()
				}
			},
			creds: true, wantCode: CodeOK, wantStatus: 200, wantSchemes: []string{"Basic"}, wantAuth: true, wantConns: 2,
		},
		{
			name: "407 after credentials",
			serve: func(s *session) {
				for {
					if _, ok := s.read(); !ok || !s.write("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"lab\"\r\nContent-Length: 0\r\n\r\n") {
						return
					}
				}
			},
			creds: true, wantCode: CodeAuthFailed, wantStatus: 407, wantSchemes: []string{"Basic"}, wantAuth: true, wantConns: 1,
		},
		{
			name: "403 from squid",
			serve: func(s *session) {
				if _, ok := s.read(); ok && s.write(squidDenied) {
					s.wait()
				}
			},
			wantCode: CodeDenied, wantStatus: 403,
			wantReason: []string{"403 Forbidden", "X-Squid-Error: ERR_ACCESS_DENIED 0", "Server: squid/5.7", "Via: 1.1 lab (squid/5.7)", "title: ERROR: The requested URL could not be retrieved"},
		},
		{
			name: "502 with an endless page that has a title",
			serve: func(s *session) {
				if _, ok := s.read(); ok && s.write("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n<html><title>\n  Blocked &amp; logged\n</title>") {
					s.wait() // no length, connection kept open
				}
			},
			wantCode: CodeDenied, wantStatus: 502, wantReason: []string{"502 Bad Gateway", "title: Blocked & logged"},
		},
		{
			name: "204 is not a tunnel",
			serve: func(s *session) {
				if _, ok := s.read(); ok && s.write("HTTP/1.1 204 No Content\r\n\r\n") {
					s.wait()
				}
			},
			wantCode: CodeProtocolError, wantStatus: 204,
		},
		{
			name: "garbage",
			serve: func(s *session) {
				if _, ok := s.read(); ok && s.write("SSH-2.0-OpenSSH_9.2p1 Debian\r\n") {
					s.wait()
				}
			},
			wantCode: CodeProtocolError, wantReason: []string{"not HTTP", "SSH-2.0-OpenSSH_9.2p1", "not an HTTP proxy"},
		},
		{
			name: "header larger than 64 KiB",
			serve: func(s *session) {
				if _, ok := s.read(); ok && s.write("HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("a", 70<<10)+"\r\n\r\n") {
					s.wait()
				}
			},
			wantCode: CodeProtocolError, wantReason: []string{"larger than 64 KiB"},
		},
		{
			name: "never answers",
			serve: func(s *session) {
				s.read()
				s.wait()
			},
			wantCode: CodeUnreachable, wantReason: []string{"did not answer CONNECT"}, wantBack: true,
			stalls: true,
		},
		{
			name:     "closes immediately",
			serve:    func(s *session) {},
			wantCode: CodeProtocolError,
		},
		{
			name: "closes after reading the request",
			serve: func(s *session) {
				s.read()
			},
			wantCode: CodeProtocolError, wantReason: []string{"without answering"},
		},
		{
			name: "trickles header bytes forever",
			serve: func(s *session) {
				if _, ok := s.read(); !ok || !s.write("HTTP/1.1 200 OK\r\nX-Slow: ") {
					return
				}
				for s.write("a") {
					time.Sleep(10 * time.Millisecond)
				}
			},
			wantCode: CodeProtocolError, wantReason: []string{"incomplete at the deadline"}, wantBack: true,
			stalls: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startFake(t, tt.serve)
			timeout := 5 * time.Second
			if tt.stalls {
				timeout = 300 * time.Millisecond
			}
			tun := Tunneler{UserAgent: "okviz-check/test", Timeout: timeout}
			conn, hop := tun.Tunnel(context.Background(), proxyURL("http", p.addr(), tt.creds), testTarget)
			if conn != nil {
				defer conn.Close()
			}
			if hop.Code != tt.wantCode {
				t.Fatalf("code %q, want %q; hop %+v", hop.Code, tt.wantCode, hop)
			}
			if (conn != nil) != (tt.wantCode == CodeOK) {
				t.Fatalf("conn %v with code %s", conn, hop.Code)
			}
			if hop.Status != tt.wantStatus {
				t.Errorf("status %d, want %d", hop.Status, tt.wantStatus)
			}
			if want := tt.wantSchemes; !slices.Equal(hop.Schemes, append([]string{}, want...)) {
				t.Errorf("schemes %q, want %q", hop.Schemes, want)
			}
			for _, r := range tt.wantReason {
				if !strings.Contains(hop.Reason, r) {
					t.Errorf("reason %q lacks %q", hop.Reason, r)
				}
			}
			if hop.AuthSent != tt.wantAuth {
				t.Errorf("auth_sent %v, want %v", hop.AuthSent, tt.wantAuth)
			}
			if tt.wantCode != CodeProtocolError || tt.name != "closes immediately" {
				// closing at once races the request: EOF or reset, both protocol errors
				if hop.Fallback != tt.wantBack {
					t.Errorf("fallback %v, want %v", hop.Fallback, tt.wantBack)
				}
			}
			if want := "http://" + p.addr(); tt.creds {
				if hop.Proxy != "http://***@"+p.addr() {
					t.Errorf("proxy %q", hop.Proxy)
				}
			} else if hop.Proxy != want {
				t.Errorf("proxy %q, want %q", hop.Proxy, want)
			}
			if tt.wantConns > 0 && p.connCount() != tt.wantConns {
				t.Errorf("proxy saw %d connections, want %d", p.connCount(), tt.wantConns)
			}
			assertNoSecrets(t, hop)
			if conn != nil {
				checkTunnel(t, conn, tt.early)
			}
			if reqs := p.requests(); len(reqs) > 0 {
				r := reqs[0]
				if r.Method != "CONNECT" || r.RequestURI != testTarget || r.Host != testTarget {
					t.Errorf("request %s %s Host %s", r.Method, r.RequestURI, r.Host)
				}
				if ua := r.Header.Get("User-Agent"); ua != "okviz-check/test" {
					t.Errorf("User-Agent %q", ua)
				}
			}
		})
	}
}

// TestTunnelEndsAtDeadline runs the stalling proxies without a test-level
// timeout and checks that Tunnel returns on its own; the bound here is a
// hang detector, far above the attempt timeout, not a speed assertion.
func TestTunnelEndsAtDeadline(t *testing.T) {
	before := runtime.NumGoroutine()
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
			_, hop := Tunnel(context.Background(), nil, proxyURL("http", p.addr(), false), testTarget, 200*time.Millisecond)
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
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines before, %d after", before, n)
	}
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
				_, hop := Tunnel(ctx, nil, proxyURL(scheme, stall.addr(), false), testTarget, time.Minute)
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
		conn, hop := Tunnel(context.Background(), nil, u, testTarget, 5*time.Second)
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
			conn, hop := Tunnel(context.Background(), tt.dial, tt.proxy, testTarget, 200*time.Millisecond)
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
			tun := Tunneler{Timeout: 2 * time.Second, TLSConfig: &tls.Config{RootCAs: tc.ca.Pool()}}
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
	_, hop := Tunnel(context.Background(), nil, proxyURL("http", p.addr(), true), testTarget, time.Second)
	if hop.Code != CodeDenied || !strings.Contains(hop.Reason, "denied for Basic ***") {
		t.Fatalf("hop %+v", hop)
	}
	assertNoSecrets(t, hop)
}

func TestTunnelSOCKS5(t *testing.T) {
	tests := []struct {
		name       string
		user, pass string // what the server wants
		reply      byte
		creds      bool
		target     string
		wantCode   string
		wantReason string
		wantAuth   bool
	}{
		{"no auth", "", "", 0, false, testTarget, CodeOK, "succeeded", false},
		{"no auth needed, credentials given", "", "", 0, true, testTarget, CodeOK, "succeeded", false},
		{"user/pass", testUser, testPass, 0, true, testTarget, CodeOK, "succeeded", true},
		{"IPv6 target", "", "", 0, false, "[2001:db8::1]:443", CodeOK, "succeeded", false},
		{"auth needed, none given", testUser, testPass, 0, false, testTarget, CodeAuthRequired, "none of the offered", false},
		{"wrong password", testUser, "other", 0, true, testTarget, CodeAuthFailed, "authentication failed", true},
		{"not allowed by ruleset", "", "", 2, false, testTarget, CodeDenied, "connection not allowed by ruleset", false},
		{"general failure", "", "", 1, false, testTarget, CodeDenied, "general SOCKS server failure", false},
		{"host unreachable", "", "", 4, false, testTarget, CodeDenied, "host unreachable", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &socksServer{user: tt.user, pass: tt.pass, reply: tt.reply}
			p := startFake(t, srv.serve5)
			conn, hop := Tunnel(context.Background(), nil, proxyURL("socks5h", p.addr(), tt.creds), tt.target, time.Second)
			if hop.Code != tt.wantCode || !strings.Contains(hop.Reason, tt.wantReason) {
				t.Fatalf("hop %+v, want %s with %q", hop, tt.wantCode, tt.wantReason)
			}
			if hop.AuthSent != tt.wantAuth {
				t.Errorf("auth_sent %v, want %v", hop.AuthSent, tt.wantAuth)
			}
			if conn != nil {
				defer conn.Close()
				checkTunnel(t, conn, "")
			} else if !hop.Fallback {
				t.Errorf("a SOCKS5 failure falls back in Chromium; hop %+v", hop)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if tt.wantCode != CodeAuthRequired && tt.wantCode != CodeAuthFailed && !slices.Equal(srv.targets, []string{tt.target}) {
				t.Errorf("server saw targets %q, want %q", srv.targets, tt.target)
			}
			assertNoSecrets(t, hop)
		})
	}
}

func TestTunnelSOCKS5NotSOCKS(t *testing.T) {
	p := startFake(t, func(s *session) {
		s.write("HTTP/1.1 400 Bad Request\r\n\r\n")
		s.wait()
	})
	_, hop := Tunnel(context.Background(), nil, proxyURL("socks5", p.addr(), false), testTarget, time.Second)
	if hop.Code != CodeProtocolError || !hop.Fallback {
		t.Fatalf("hop %+v", hop)
	}
}

func TestTunnelSOCKS4(t *testing.T) {
	tests := []struct {
		name       string
		reply      byte
		user       bool
		target     string
		wantTarget string
		wantCode   string
		wantBack   bool
	}{
		{"granted, name (4a)", socks4Granted, false, testTarget, testTarget, CodeOK, false},
		{"granted, IPv4 with user id", socks4Granted, true, "192.0.2.7:8443", "192.0.2.7:8443", CodeOK, false},
		{"rejected", socks4Rejected, false, testTarget, testTarget, CodeDenied, true},
		{"identd unreachable", socks4NoIdentd, false, testTarget, testTarget, CodeDenied, false},
		{"unknown reply", 17, false, testTarget, testTarget, CodeProtocolError, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &socksServer{reply: tt.reply}
			p := startFake(t, srv.serve4)
			u := proxyURL("socks4", p.addr(), false)
			if tt.user {
				u.User = url.User("alice")
			}
			conn, hop := Tunnel(context.Background(), nil, u, tt.target, time.Second)
			if hop.Code != tt.wantCode {
				t.Fatalf("hop %+v, want %s", hop, tt.wantCode)
			}
			if conn != nil {
				defer conn.Close()
				checkTunnel(t, conn, "")
			} else if hop.Fallback != tt.wantBack {
				t.Errorf("fallback %v, want %v", hop.Fallback, tt.wantBack)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if !slices.Equal(srv.targets, []string{tt.wantTarget}) {
				t.Errorf("server saw %q, want %q", srv.targets, tt.wantTarget)
			}
			if want := map[bool]string{true: "alice", false: ""}[tt.user]; len(srv.userIDs) != 1 || srv.userIDs[0] != want {
				t.Errorf("user ids %q, want %q", srv.userIDs, want)
			}
		})
	}
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
			conn, hops := TunnelList(context.Background(), nil, tt.list, tt.hostport, time.Second)
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
		conn, hop := Tunnel(context.Background(), func(context.Context, string, string) (net.Conn, error) {
			return nil, errors.New("must not dial")
		}, proxyURL("http", "127.0.0.1:1", false), hp, time.Second)
		if conn != nil || hop.Code != "" || !strings.Contains(hop.Error, "invalid target") {
			t.Errorf("%q: hop %+v", hp, hop)
		}
	}
}

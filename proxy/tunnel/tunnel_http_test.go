package tunnel

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/leakcheck"
)

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
	leakcheck.Check(t) // every case's fake proxy and tunnel connection end with it
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
		wantBack    bool  // Fallback
		wantConns   int   // connections the proxy saw (0: not checked)
		wantRounds  []int // Auth.Rounds (nil: no Auth)
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
			name: "407 with credentials but only Bearer",
			serve: func(s *session) {
				for {
					if _, ok := s.read(); !ok || !s.write("HTTP/1.1 407 Auth\r\nProxy-Authenticate: Bearer realm=\"x\"\r\nContent-Length: 0\r\n\r\n") {
						return
					}
				}
			},
			creds: true, wantCode: CodeAuthRequired, wantStatus: 407, wantSchemes: []string{"Bearer"},
			wantReason: []string{"the credentials from the proxy URL cannot answer Bearer"}, wantConns: 1,
		},
		{
			name: "NTLM offered, credentials given, the proxy never sends its challenge",
			serve: func(s *session) {
				for {
					if _, ok := s.read(); !ok || !s.write("HTTP/1.1 407 Auth\r\nProxy-Authenticate: NTLM\r\nProxy-Authenticate: Negotiate\r\nContent-Length: 0\r\n\r\n") {
						return
					}
				}
			},
			creds: true, wantCode: CodeAuthFailed, wantStatus: 407, wantSchemes: []string{"NTLM", "Negotiate"},
			wantReason: []string{"407 Auth"}, wantConns: 1, wantAuth: true, wantRounds: []int{407, 407},
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
			creds: true, wantCode: CodeOK, wantStatus: 200, wantSchemes: []string{"Basic"}, wantAuth: true, wantRounds: []int{407, 200}, wantConns: 1,
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
			creds: true, wantCode: CodeOK, wantStatus: 200, wantSchemes: []string{"Basic"}, wantAuth: true, wantRounds: []int{407, 200}, wantConns: 2,
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
			creds: true, wantCode: CodeAuthFailed, wantStatus: 407, wantSchemes: []string{"Basic"}, wantAuth: true, wantRounds: []int{407, 407}, wantConns: 1,
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
			wantCode: CodeUpstreamFailed, wantStatus: 502, wantReason: []string{"502 Bad Gateway", "title: Blocked & logged"},
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
			if got := hop.Auth; (got == nil) != (tt.wantRounds == nil) || got != nil && !slices.Equal(got.Rounds, tt.wantRounds) {
				t.Errorf("auth %+v, want rounds %v", got, tt.wantRounds)
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

// TestAnswerNotMade: a challenge the chosen scheme cannot answer (a Digest
// algorithm this tool does not speak; a Kerberos service ticket the KDC
// will not issue) sends nothing more: that is proxy.auth_required with the
// reason, not a refusal of credentials, and the proxy sees one CONNECT.
func TestAnswerNotMade(t *testing.T) {
	p := startFake(t, func(s *session) {
		for {
			if _, ok := s.read(); !ok {
				return
			}
			s.write("HTTP/1.1 407 Proxy Authentication Required\r\n" +
				"Proxy-Authenticate: Digest realm=\"corp\", nonce=\"n1\", algorithm=SHA-512-256, qop=\"auth\"\r\n" +
				"Content-Length: 0\r\n\r\n")
		}
	})
	tun := Tunneler{UserAgent: "okviz-check/test", Timeout: 5 * time.Second}
	conn, hop := tun.Tunnel(context.Background(), proxyURL("http", p.addr(), true), testTarget)
	if conn != nil {
		conn.Close()
	}
	if hop.Code != CodeAuthRequired || hop.AuthSent || hop.Status != 407 ||
		!strings.Contains(hop.Reason, "Digest via the proxy URL could not answer") || !strings.Contains(hop.Reason, "no algorithm this tool speaks") {
		t.Errorf("hop %+v: want proxy.auth_required, nothing sent, saying why", hop)
	}
	if n := len(p.requests()); n != 1 {
		t.Errorf("%d CONNECT requests, want 1", n)
	}
	assertNoSecrets(t, hop)
}

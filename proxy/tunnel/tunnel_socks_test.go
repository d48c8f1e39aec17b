package tunnel

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/leakcheck"
)

func TestTunnelSOCKS5(t *testing.T) {
	leakcheck.Check(t) // every case's fake proxy and tunnel connection end with it
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
			conn, hop := tunnelOnce(context.Background(), nil, proxyURL("socks5h", p.addr(), tt.creds), tt.target, time.Second)
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
	_, hop := tunnelOnce(context.Background(), nil, proxyURL("socks5", p.addr(), false), testTarget, time.Second)
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
			conn, hop := tunnelOnce(context.Background(), nil, u, tt.target, time.Second)
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

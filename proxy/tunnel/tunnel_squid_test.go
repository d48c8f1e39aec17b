package tunnel

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/internal/squidlab"
)

var recordSquid = flag.Bool("record-squid", false, "rewrite testdata/squid/*.http from the live squid lab")

const (
	labUser = "lab-user"
	labPass = "lab-Pa55word"
)

// tlsTarget is the CONNECT target of the squid tests: a TLS server on
// loopback with a generated certificate for 127.0.0.1 that greets every
// client after the handshake.
type tlsTarget struct {
	addr   string
	port   int
	client *tls.Config // trusts the target's certificate
}

const targetGreeting = "hello from the lab target\n"

func startTLSTarget(t *testing.T) tlsTarget {
	t.Helper()
	ca := certgen.Must(certgen.NewCA("Lab Target CA"))
	leaf := certgen.Must(ca.Leaf([]string{"127.0.0.1"}))
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{leaf.TLS}})
	if err != nil {
		t.Fatal(err)
	}
	done := acceptLoop(ln, func(c net.Conn) {
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		_, _ = io.WriteString(c, targetGreeting)
	})
	t.Cleanup(func() {
		ln.Close()
		<-done
	})
	return tlsTarget{
		addr:   ln.Addr().String(),
		port:   ln.Addr().(*net.TCPAddr).Port,
		client: &tls.Config{RootCAs: ca.Pool(), ServerName: "127.0.0.1"},
	}
}

// handshakeThrough proves the tunnel reaches the target: a verified TLS
// handshake and the target's greeting.
func (tt tlsTarget) handshakeThrough(t *testing.T, conn net.Conn) {
	t.Helper()
	tc := tls.Client(conn, tt.client)
	_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		t.Fatalf("TLS through the tunnel: %v", err)
	}
	line, err := bufio.NewReader(tc).ReadString('\n')
	if err != nil || line != targetGreeting {
		t.Fatalf("target said %q, %v", line, err)
	}
}

// TestTunnelSquid runs Tunnel against real squid instances: a plain forward
// proxy, one with Basic authentication (basic_ncsa_auth) and one that
// denies .okviz.com and blocked.lab.test.
func TestTunnelSquid(t *testing.T) {
	target := startTLSTarget(t)
	ports := []int{target.port}
	lab := squidlab.StartAll(t,
		squidlab.Config{ConnectPorts: ports},
		squidlab.Config{ConnectPorts: ports, Users: map[string]string{labUser: labPass}},
		squidlab.Config{ConnectPorts: ports, Deny: []string{".okviz.com", "blocked.lab.test"}},
	)
	plain, auth, deny := lab[0], lab[1], lab[2]

	tests := []struct {
		name        string
		proxy       *url.URL
		hostport    string
		wantCode    string
		wantStatus  int
		wantSchemes []string
		wantReason  []string
	}{
		{"plain", plain.URL("", ""), target.addr, CodeOK, 200, nil, []string{"200"}},
		{"plain, port not allowed", plain.URL("", ""), "127.0.0.1:1", CodeDenied, 403, nil, []string{"X-Squid-Error: ERR_ACCESS_DENIED", "squid/"}},
		{"auth, no credentials", auth.URL("", ""), target.addr, CodeAuthRequired, 407, []string{"Basic"}, []string{"407", "ERR_CACHE_ACCESS_DENIED"}},
		{"auth, wrong password", auth.URL(labUser, "wrong"), target.addr, CodeAuthFailed, 407, []string{"Basic"}, []string{"407"}},
		{"auth, unknown user", auth.URL("nobody-here", labPass), target.addr, CodeAuthFailed, 407, []string{"Basic"}, []string{"407"}},
		{"auth, right credentials", auth.URL(labUser, labPass), target.addr, CodeOK, 200, []string{"Basic"}, nil},
		{"deny, api.okviz.com", deny.URL("", ""), "api.okviz.com:443", CodeDenied, 403, nil, []string{"403 Forbidden", "X-Squid-Error: ERR_ACCESS_DENIED 0", "Via: ", "title: ERROR: The requested URL could not be retrieved"}},
		{"deny, named lab host", deny.URL("", ""), "blocked.lab.test:443", CodeDenied, 403, nil, []string{"ERR_ACCESS_DENIED"}},
		{"deny, other target allowed", deny.URL("", ""), target.addr, CodeOK, 200, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tun := Tunneler{UserAgent: "okviz-check/test", Timeout: 10 * time.Second}
			conn, hop := tun.Tunnel(context.Background(), tt.proxy, tt.hostport)
			if conn != nil {
				defer conn.Close()
			}
			if hop.Code != tt.wantCode || hop.Status != tt.wantStatus {
				t.Fatalf("hop %+v, want %s %d", hop, tt.wantCode, tt.wantStatus)
			}
			if want := append([]string{}, tt.wantSchemes...); !slices.Equal(hop.Schemes, want) {
				t.Errorf("schemes %q, want %q", hop.Schemes, want)
			}
			for _, r := range tt.wantReason {
				if !strings.Contains(hop.Reason, r) {
					t.Errorf("reason %q lacks %q", hop.Reason, r)
				}
			}
			if hop.Fallback {
				t.Errorf("an answer from squid must not fall back: %+v", hop)
			}
			if pass, ok := tt.proxy.User.Password(); ok {
				if hop.Proxy != "http://***@"+tt.proxy.Host {
					t.Errorf("proxy %q", hop.Proxy)
				}
				for _, s := range []string{tt.proxy.User.Username(), pass} {
					if js := hop.Reason + hop.Error + hop.Proxy; strings.Contains(js, s) {
						t.Errorf("hop leaks %q: %+v", s, hop)
					}
				}
			}
			if conn != nil {
				target.handshakeThrough(t, conn)
			}
		})
	}

	t.Run("list: dead proxy, then squid", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		dead := &url.URL{Scheme: "http", Host: ln.Addr().String()}
		ln.Close()
		conn, hops := tunnelList(context.Background(), nil, []*url.URL{dead, plain.URL("", "")}, target.addr, 10*time.Second)
		if conn == nil || len(hops) != 2 || hops[0].Code != CodeUnreachable || hops[1].Code != CodeOK {
			t.Fatalf("hops %+v", hops)
		}
		defer conn.Close()
		target.handshakeThrough(t, conn)
	})
	t.Run("list: a 403 is final", func(t *testing.T) {
		conn, hops := tunnelList(context.Background(), nil, []*url.URL{deny.URL("", ""), plain.URL("", "")}, "api.okviz.com:443", 10*time.Second)
		if conn != nil || len(hops) != 1 || hops[0].Code != CodeDenied {
			t.Fatalf("hops %+v", hops)
		}
	})

	if *recordSquid {
		record(t, auth.Addr, "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n", "answer-407.http")
		record(t, deny.Addr, "CONNECT api.okviz.com:443 HTTP/1.1\r\nHost: api.okviz.com:443\r\n\r\n", "answer-403.http")
	}
}

// record saves squid's raw answer to req for TestTunnelRecordedSquid.
func record(t *testing.T, addr, req, file string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	resp, err := http.ReadResponse(bufio.NewReader(io.TeeReader(c, &raw)), &http.Request{Method: http.MethodConnect})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "..", "testdata", "squid", file), raw.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestTunnelRecordedSquid replays answers recorded from squid 5.7 (Debian
// 12) through a fake proxy, so the classification of real squid output is
// tested on every OS, without squid.
func TestTunnelRecordedSquid(t *testing.T) {
	tests := []struct {
		file        string
		wantCode    string
		wantSchemes []string
		wantReason  []string
	}{
		{"answer-407.http", CodeAuthRequired, []string{"Basic"}, []string{"407 Proxy Authentication Required", "X-Squid-Error: ERR_CACHE_ACCESS_DENIED 0", "Server: squid/5.7"}},
		{"answer-403.http", CodeDenied, []string{}, []string{"403 Forbidden", "X-Squid-Error: ERR_ACCESS_DENIED 0", "Server: squid/5.7", "title: ERROR: The requested URL could not be retrieved"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			answer, err := os.ReadFile(filepath.Join("..", "..", "testdata", "squid", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			p := startFake(t, func(s *session) {
				if _, ok := s.read(); ok {
					s.write(string(answer))
					s.wait()
				}
			})
			_, hop := tunnelOnce(context.Background(), nil, proxyURL("http", p.addr(), false), "api.okviz.com:443", 2*time.Second)
			if hop.Code != tt.wantCode || !slices.Equal(hop.Schemes, tt.wantSchemes) {
				t.Fatalf("hop %+v, want %s %q", hop, tt.wantCode, tt.wantSchemes)
			}
			for _, r := range tt.wantReason {
				if !strings.Contains(hop.Reason, r) {
					t.Errorf("reason %q lacks %q", hop.Reason, r)
				}
			}
		})
	}
}

// TestTunnelSquidAuth answers real squid challenges: Digest
// (digest_file_auth), NTLM (ntlm_fake_auth, whose helper accepts any
// account once the handshake completes on one connection), Basic with
// credentials from the Tunneler (--proxy-user) rather than the URL, a proxy
// that refuses the target only after authentication, and an upstream
// failure (squid allowed the tunnel, the target port refuses).
func TestTunnelSquidAuth(t *testing.T) {
	target := startTLSTarget(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ports := []int{target.port, closed}
	users := map[string]string{labUser: labPass}
	lab := squidlab.StartAll(t,
		squidlab.Config{ConnectPorts: ports, Users: users, Scheme: "digest"},
		squidlab.Config{ConnectPorts: ports, Users: users, Scheme: "ntlm"},
		squidlab.Config{ConnectPorts: ports, Users: users, Deny: []string{"blocked.lab.test"}, DenyAfterAuth: true},
	)
	digest, ntlm, basic := lab[0], lab[1], lab[2]
	given := &Credentials{User: labUser, Password: labPass, Source: "--proxy-user and OKVIZ_CHECK_PROXY_PASSWORD"}
	wrong := &Credentials{User: labUser, Password: "wrong", Source: "--proxy-user and OKVIZ_CHECK_PROXY_PASSWORD"}

	tests := []struct {
		name       string
		proxy      *url.URL
		creds      *Credentials
		hostport   string
		wantCode   string
		wantScheme string
		wantRounds []int
	}{
		{"digest, right", digest.URL(labUser, labPass), nil, target.addr, CodeOK, "Digest", []int{407, 200}},
		{"digest, wrong", digest.URL(labUser, "wrong"), nil, target.addr, CodeAuthFailed, "Digest", []int{407, 407}},
		{"digest, --proxy-user", digest.URL("", ""), given, target.addr, CodeOK, "Digest", []int{407, 200}},
		{"digest, none", digest.URL("", ""), nil, target.addr, CodeAuthRequired, "", nil},
		{"ntlm, DOMAIN\\user", ntlm.URL(`LAB\`+labUser, labPass), nil, target.addr, CodeOK, "NTLM", []int{407, 407, 200}},
		{"ntlm, user@domain", ntlm.URL(labUser+"@lab.test", labPass), nil, target.addr, CodeOK, "NTLM", []int{407, 407, 200}},
		{"basic, --proxy-user right", basic.URL("", ""), given, target.addr, CodeOK, "Basic", []int{407, 200}},
		{"basic, --proxy-user wrong", basic.URL("", ""), wrong, target.addr, CodeAuthFailed, "Basic", []int{407, 407}},
		{"basic, URL wins over --proxy-user", basic.URL(labUser, labPass), wrong, target.addr, CodeOK, "Basic", []int{407, 200}},
		{"basic, denied after auth", basic.URL(labUser, labPass), nil, "blocked.lab.test:443", CodeDenied, "Basic", []int{407, 403}},
		{"basic, upstream refuses", basic.URL(labUser, labPass), nil, net.JoinHostPort("127.0.0.1", strconv.Itoa(closed)), CodeUpstreamFailed, "Basic", []int{407, 503}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tun := Tunneler{UserAgent: "okviz-check/test", Timeout: 10 * time.Second, Credentials: tt.creds}
			conn, hop := tun.Tunnel(context.Background(), tt.proxy, tt.hostport)
			if conn != nil {
				defer conn.Close()
			}
			if hop.Code != tt.wantCode {
				t.Fatalf("hop %+v auth %+v, want %s", hop, hop.Auth, tt.wantCode)
			}
			if tt.wantScheme == "" {
				if hop.Auth != nil || !strings.Contains(hop.Reason, "no credentials were given") {
					t.Errorf("hop %+v auth %+v", hop, hop.Auth)
				}
			} else if a := hop.Auth; a == nil || a.Scheme != tt.wantScheme || !slices.Equal(a.Rounds, tt.wantRounds) {
				t.Errorf("auth %+v, want %s %v", a, tt.wantScheme, tt.wantRounds)
			}
			js, _ := json.Marshal(hop)
			for _, c := range []*Credentials{tt.creds, urlCredentials(tt.proxy)} {
				if c != nil && c.Password != "" && strings.Contains(string(js), c.Password) {
					t.Errorf("hop leaks the password: %s", js)
				}
			}
			if conn != nil {
				target.handshakeThrough(t, conn)
			}
		})
	}
}

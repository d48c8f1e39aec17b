package tunnel

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fakeProxy is a scripted proxy on loopback: every accepted connection is
// handed to serve with its number (0, 1, …). It records the requests and
// closes everything on cleanup, waiting for its goroutines.
type fakeProxy struct {
	ln    net.Listener
	serve func(s *session)

	wg    sync.WaitGroup
	mu    sync.Mutex
	conns []net.Conn
	reqs  []*http.Request
}

// session is one accepted connection of a fake proxy.
type session struct {
	n    int
	conn net.Conn
	br   *bufio.Reader
	p    *fakeProxy
}

func startFake(t *testing.T, serve func(s *session)) *fakeProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeProxy{ln: ln, serve: serve}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *fakeProxy) accept() {
	defer p.wg.Done()
	for n := 0; ; n++ {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns = append(p.conns, c)
		p.mu.Unlock()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer c.Close()
			p.serve(&session{n: n, conn: c, br: bufio.NewReader(c), p: p})
		}()
	}
}

func (p *fakeProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *fakeProxy) addr() string { return p.ln.Addr().String() }

// requests returns the CONNECT requests read so far.
func (p *fakeProxy) requests() []*http.Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*http.Request(nil), p.reqs...)
}

func (p *fakeProxy) connCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// read reads one request and records it; false when the client went away.
func (s *session) read() (*http.Request, bool) {
	req, err := http.ReadRequest(s.br)
	if err != nil {
		return nil, false
	}
	s.p.mu.Lock()
	s.p.reqs = append(s.p.reqs, req)
	s.p.mu.Unlock()
	return req, true
}

func (s *session) write(text string) bool {
	_, err := io.WriteString(s.conn, text)
	return err == nil
}

// echo copies everything back until the client closes.
func (s *session) echo() {
	_, _ = io.Copy(s.conn, s.br)
}

// wait blocks until the client closes the connection (or cleanup does).
func (s *session) wait() {
	_, _ = io.Copy(io.Discard, s.br)
}

// socksServer is a minimal SOCKS4/SOCKS5 server for tests. For SOCKS5 it
// asks for user/pass when user is set and answers CONNECT with reply; for
// SOCKS4 it answers with reply (90 = granted). A granted tunnel echoes.
type socksServer struct {
	user, pass string
	reply      byte
	mu         sync.Mutex
	targets    []string // requested targets, "host:port"
	userIDs    []string // SOCKS4 user ids
}

func (ss *socksServer) record(target, userID string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.targets = append(ss.targets, target)
	ss.userIDs = append(ss.userIDs, userID)
}

func (ss *socksServer) serve5(s *session) {
	head := make([]byte, 2)
	if _, err := io.ReadFull(s.br, head); err != nil || head[0] != 5 {
		return
	}
	methods := make([]byte, head[1])
	if _, err := io.ReadFull(s.br, methods); err != nil {
		return
	}
	want := byte(0)
	if ss.user != "" {
		want = 2
	}
	chosen := byte(0xFF)
	for _, m := range methods {
		if m == want {
			chosen = want
		}
	}
	if !s.write(string([]byte{5, chosen})) || chosen == 0xFF {
		return
	}
	if chosen == 2 {
		ver, _ := s.br.ReadByte()
		user := readLenString(s.br)
		pass := readLenString(s.br)
		ok := ver == 1 && user == ss.user && pass == ss.pass
		status := byte(1)
		if ok {
			status = 0
		}
		if !s.write(string([]byte{1, status})) || !ok {
			return
		}
	}
	req := make([]byte, 4)
	if _, err := io.ReadFull(s.br, req); err != nil {
		return
	}
	var host string
	switch req[3] {
	case 1, 4:
		b := make([]byte, map[byte]int{1: 4, 4: 16}[req[3]])
		if _, err := io.ReadFull(s.br, b); err != nil {
			return
		}
		a, _ := netip.AddrFromSlice(b)
		host = a.String()
	case 3:
		host = readLenString(s.br)
	default:
		return
	}
	port := make([]byte, 2)
	if _, err := io.ReadFull(s.br, port); err != nil {
		return
	}
	ss.record(net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(port)))), "")
	if !s.write(string([]byte{5, ss.reply, 0, 1, 0, 0, 0, 0, 0, 0})) || ss.reply != 0 {
		return
	}
	s.echo()
}

func (ss *socksServer) serve4(s *session) {
	req := make([]byte, 8)
	if _, err := io.ReadFull(s.br, req); err != nil || req[0] != 4 || req[1] != 1 {
		return
	}
	userID, err := s.br.ReadString(0)
	if err != nil {
		return
	}
	host := netip.AddrFrom4([4]byte(req[4:8])).String()
	if req[4] == 0 && req[5] == 0 && req[6] == 0 && req[7] != 0 {
		name, err := s.br.ReadString(0)
		if err != nil {
			return
		}
		host = name[:len(name)-1]
	}
	ss.record(net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(req[2:4])))), userID[:len(userID)-1])
	if !s.write(string([]byte{0, ss.reply, 0, 0, 0, 0, 0, 0})) || ss.reply != socks4Granted {
		return
	}
	s.echo()
}

func readLenString(br *bufio.Reader) string {
	n, err := br.ReadByte()
	if err != nil {
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(br, b); err != nil {
		return ""
	}
	return string(b)
}

// acceptLoop hands every connection accepted on ln to handle, each in its
// own goroutine, until ln is closed; the channel closes when the loop ends.
func acceptLoop(ln net.Listener, handle func(net.Conn)) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return done
}

// tunnelOnce opens one tunnel with a Tunneler made of dial and timeout.
func tunnelOnce(ctx context.Context, dial func(ctx context.Context, network, addr string) (net.Conn, error), proxyURL *url.URL, hostport string, timeout time.Duration) (net.Conn, Hop) {
	t := Tunneler{Dial: dial, Timeout: timeout}
	return t.Tunnel(ctx, proxyURL, hostport)
}

// tunnelList walks a failover list with a Tunneler made of dial and timeout.
func tunnelList(ctx context.Context, dial func(ctx context.Context, network, addr string) (net.Conn, error), proxies []*url.URL, hostport string, timeout time.Duration) (net.Conn, []Hop) {
	t := Tunneler{Dial: dial, Timeout: timeout}
	return t.TunnelList(ctx, proxies, hostport)
}

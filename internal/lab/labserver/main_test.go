package main

import (
	"bytes"
	"encoding/binary"
	"io"
	"log"
	"net"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// listen serves on a loopback listener until the test ends.
func listen(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go acceptLoop(ln, serve)
	return ln.Addr().String()
}

func quiet() *log.Logger { return log.New(io.Discard, "", 0) }

// udpDNS serves d on a loopback UDP socket until the test ends.
func udpDNS(t *testing.T, d dnsServer) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go d.serveUDP(pc)
	return pc.LocalAddr().String()
}

func query(t *testing.T, id uint16, name string) []byte {
	t.Helper()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: id, RecursionDesired: true})
	b.StartQuestions()
	b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name), Type: dnsmessage.TypeAAAA, Class: dnsmessage.ClassINET})
	msg, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func TestDNSServer(t *testing.T) {
	d := dnsServer{rcode: dnsmessage.RCodeServerFailure, logger: quiet()}
	udpAddr, tcpAddr := udpDNS(t, d), listen(t, d.serveTCP)

	check := func(network string, answer []byte) {
		t.Helper()
		var p dnsmessage.Parser
		h, err := p.Start(answer)
		if err != nil {
			t.Fatalf("%s: %v", network, err)
		}
		q, err := p.Question()
		if err != nil || h.ID != 77 || !h.Response || h.RCode != dnsmessage.RCodeServerFailure ||
			q.Name.String() != "api.okviz.com." || q.Type != dnsmessage.TypeAAAA {
			t.Errorf("%s: header %+v, question %v, %v", network, h, q, err)
		}
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udpAddr
		if network == "tcp" {
			addr = tcpAddr
		}
		c, err := net.Dial(network, addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		msg := query(t, 77, "api.okviz.com.")
		if network == "tcp" {
			msg = append(binary.BigEndian.AppendUint16(nil, uint16(len(msg))), msg...)
		}
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1500)
		var n int
		if network == "tcp" {
			// The length prefix and the message may arrive in separate
			// segments: read exactly what the prefix announces.
			if _, err := io.ReadFull(c, buf[:2]); err != nil {
				t.Fatalf("tcp: length prefix: %v", err)
			}
			n = int(binary.BigEndian.Uint16(buf))
			if _, err := io.ReadFull(c, buf[:n]); err != nil {
				t.Fatalf("tcp: message of %d bytes: %v", n, err)
			}
		} else if n, err = c.Read(buf); err != nil {
			t.Fatalf("%s: %v", network, err)
		}
		check(network, buf[:n])
	}
}

func TestDNSAnswerRejects(t *testing.T) {
	answer := query(t, 1, "x.example.")
	answer[2] |= 0x80 // QR: already a response
	for name, msg := range map[string][]byte{"empty": nil, "short": {0, 1, 2}, "response": answer} {
		if _, _, err := dnsAnswer(msg, dnsmessage.RCodeRefused); err == nil {
			t.Errorf("%s: answered", name)
		}
	}
}

// socksExchange sends the greeting and a request, and returns the two
// replies (the method choice, then the request's reply or nil).
func socksExchange(t *testing.T, proxy string, methods, request []byte) (method, reply []byte, conn net.Conn) {
	t.Helper()
	c, err := net.Dial("tcp", proxy)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write(append([]byte{5, byte(len(methods))}, methods...))
	method = make([]byte, 2)
	if _, err := io.ReadFull(c, method); err != nil {
		t.Fatalf("method choice: %v", err)
	}
	if request == nil {
		return method, nil, c
	}
	c.Write(request)
	reply = make([]byte, 10)
	if _, err := io.ReadFull(c, reply); err != nil {
		t.Fatalf("reply: %v", err)
	}
	return method, reply, c
}

func TestSOCKS5(t *testing.T) {
	// The target echoes; the resolver says NXDOMAIN to every name.
	echo := listen(t, func(c net.Conn) { defer c.Close(); io.Copy(c, c) })
	resolver := udpDNS(t, dnsServer{rcode: dnsmessage.RCodeNameError, logger: quiet()})
	proxy := listen(t, newSOCKS5(resolver, quiet()).serve)

	_, portStr, _ := net.SplitHostPort(echo)
	port, _ := net.LookupPort("tcp", portStr)
	portBytes := binary.BigEndian.AppendUint16(nil, uint16(port))
	ipv4 := append([]byte{5, 1, 0, 1, 127, 0, 0, 1}, portBytes...)
	name := "target.lab.test"
	domain := append(append([]byte{5, 1, 0, 3, byte(len(name))}, name...), portBytes...)
	bind := append([]byte{5, 2, 0, 1, 127, 0, 0, 1}, portBytes...)

	t.Run("connect", func(t *testing.T) {
		method, reply, c := socksExchange(t, proxy, []byte{2, 0}, ipv4)
		if !bytes.Equal(method, []byte{5, 0}) || reply[1] != socksOK || reply[3] != socksIPv4 {
			t.Fatalf("method %v, reply %v", method, reply)
		}
		c.Write([]byte("ping"))
		got := make([]byte, 4)
		if _, err := io.ReadFull(c, got); err != nil || string(got) != "ping" {
			t.Errorf("through the tunnel: %q, %v", got, err)
		}
	})
	for _, tc := range []struct {
		name    string
		methods []byte
		request []byte
		method  byte
		reply   byte
	}{
		{"no acceptable method", []byte{2}, nil, socksNoMethod, 0},
		{"unresolvable name", []byte{0}, domain, socksNoAuth, socksHostUnreach},
		{"bind", []byte{0}, bind, socksNoAuth, socksBadCommand},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method, reply, _ := socksExchange(t, proxy, tc.methods, tc.request)
			if method[1] != tc.method || reply != nil && reply[1] != tc.reply {
				t.Errorf("method %v, reply %v; want method %d, reply code %d", method, reply, tc.method, tc.reply)
			}
		})
	}
}

func TestGarbageConn(t *testing.T) {
	addr := listen(t, func(c net.Conn) { garbageConn(c, "SSH-2.0-test\r\n") })
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n")
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "SSH-2.0-test\r\n" {
		t.Errorf("got %q, %v", got, err)
	}
}

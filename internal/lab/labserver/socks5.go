package main

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log"
	"net"
	"strconv"
	"syscall"
	"time"
)

// SOCKS5 constants (RFC 1928).
const (
	socksVersion     = 5
	socksNoAuth      = 0x00
	socksNoMethod    = 0xff
	socksConnect     = 1
	socksIPv4        = 1
	socksDomain      = 3
	socksIPv6        = 4
	socksOK          = 0
	socksFailure     = 1
	socksHostUnreach = 4
	socksRefused     = 5
	socksBadCommand  = 7
	socksBadAddrType = 8
)

// socks5 is a SOCKS5 proxy without authentication that serves CONNECT.
type socks5 struct {
	resolver *net.Resolver
	logger   *log.Logger
}

// newSOCKS5 resolves names with the DNS server at resolver (ip:port) only.
func newSOCKS5(resolver string, logger *log.Logger) *socks5 {
	r := &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, resolver)
		},
	}
	return &socks5{resolver: r, logger: logger}
}

// serve runs one client: greeting, CONNECT, then relaying both ways.
func (s *socks5) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	target, err := s.handshake(c)
	if err != nil {
		s.logger.Printf("%s socks5 from %s: %v", c.LocalAddr(), c.RemoteAddr(), err)
		return
	}
	defer target.Close()
	c.SetDeadline(time.Time{})
	done := make(chan struct{}, 2)
	relay := func(dst, src net.Conn) {
		io.Copy(dst, src)
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go relay(target, c)
	go relay(c, target)
	<-done
	<-done
}

// handshake reads the greeting and the request, connects, and answers.
func (s *socks5) handshake(c net.Conn) (net.Conn, error) {
	var head [2]byte
	if _, err := io.ReadFull(c, head[:]); err != nil {
		return nil, err
	}
	if head[0] != socksVersion {
		return nil, errors.New("not SOCKS5")
	}
	methods := make([]byte, head[1])
	if _, err := io.ReadFull(c, methods); err != nil {
		return nil, err
	}
	method := byte(socksNoMethod)
	for _, m := range methods {
		if m == socksNoAuth {
			method = socksNoAuth
		}
	}
	if _, err := c.Write([]byte{socksVersion, method}); err != nil || method == socksNoMethod {
		return nil, errors.New("no acceptable authentication method")
	}

	var req [4]byte
	if _, err := io.ReadFull(c, req[:]); err != nil {
		return nil, err
	}
	host, err := readSOCKSAddr(c, req[3])
	if err != nil {
		reply(c, socksBadAddrType, nil)
		return nil, err
	}
	var port [2]byte
	if _, err := io.ReadFull(c, port[:]); err != nil {
		return nil, err
	}
	if req[0] != socksVersion || req[1] != socksConnect {
		reply(c, socksBadCommand, nil)
		return nil, errors.New("only CONNECT is supported")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addr := net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(port[:]))))
	target, err := s.dial(ctx, addr)
	if err != nil {
		code := byte(socksHostUnreach)
		if errors.Is(err, syscall.ECONNREFUSED) {
			code = socksRefused
		}
		reply(c, code, nil)
		return nil, err
	}
	s.logger.Printf("%s socks5 CONNECT %s", c.LocalAddr(), addr)
	if err := reply(c, socksOK, target.LocalAddr()); err != nil {
		target.Close()
		return nil, err
	}
	return target, nil
}

// dial connects to host:port, resolving a name with the lab's resolver.
func (s *socks5) dial(ctx context.Context, addr string) (net.Conn, error) {
	host, port, _ := net.SplitHostPort(addr)
	ips := []string{host}
	if net.ParseIP(host) == nil {
		var err error
		if ips, err = s.resolver.LookupHost(ctx, host); err != nil {
			return nil, err
		}
	}
	var d net.Dialer
	var errs []error
	for _, ip := range ips {
		c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(ip, port))
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

// readSOCKSAddr reads DST.ADDR of the given address type.
func readSOCKSAddr(r io.Reader, atyp byte) (string, error) {
	switch atyp {
	case socksIPv4, socksIPv6:
		ip := make(net.IP, 4)
		if atyp == socksIPv6 {
			ip = make(net.IP, 16)
		}
		_, err := io.ReadFull(r, ip)
		return ip.String(), err
	case socksDomain:
		var n [1]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return "", err
		}
		name := make([]byte, n[0])
		_, err := io.ReadFull(r, name)
		return string(name), err
	}
	return "", errors.New("unknown address type " + strconv.Itoa(int(atyp)))
}

// reply sends a SOCKS5 reply with the bound address (zeros when nil).
func reply(w io.Writer, code byte, bound net.Addr) error {
	msg := []byte{socksVersion, code, 0, socksIPv4, 0, 0, 0, 0, 0, 0}
	if ta, ok := bound.(*net.TCPAddr); ok {
		if ip4 := ta.IP.To4(); ip4 != nil {
			copy(msg[4:8], ip4)
		} else {
			msg = append([]byte{socksVersion, code, 0, socksIPv6}, ta.IP.To16()...)
			msg = append(msg, 0, 0)
		}
		binary.BigEndian.PutUint16(msg[len(msg)-2:], uint16(ta.Port))
	}
	_, err := w.Write(msg)
	return err
}

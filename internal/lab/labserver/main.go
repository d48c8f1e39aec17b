// Command labserver is the origin server of the okviz-check network lab
// (package internal/lab). It reads a JSON configuration (package labconf)
// listing listeners and serves them all from one process:
//
//   - HTTP or HTTPS with given certificate files, answering every request
//     with a fixed status, body and Location header (a good origin, a 5xx
//     origin, a captive portal's redirect, a block page), or serving a
//     directory (PAC files);
//   - "reset": read the ClientHello, then close with an RST;
//   - "stall": accept and never answer;
//   - "garbage": answer the first bytes (a CONNECT) with something not HTTP;
//   - "socks5": a SOCKS5 proxy (no authentication, CONNECT only);
//   - "dns": a DNS server (UDP and TCP) answering every query with one rcode.
//
// It prints "ready" on stdout once every listener is bound, so the harness
// knows when to start its scenarios, and logs each request on stderr.
//
//	labserver -config lab.json
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/jcmturner/gokrb5/v8/service"
	"github.com/jcmturner/gokrb5/v8/spnego"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/okviz/okviz-check/internal/lab/labconf"
)

func main() {
	configPath := flag.String("config", "", "JSON configuration file (package labconf)")
	flag.Parse()
	if *configPath == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: labserver -config FILE")
		os.Exit(2)
	}
	logger := log.New(os.Stderr, "labserver: ", log.Lmicroseconds)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *configPath, logger); err != nil {
		logger.Print(err)
		os.Exit(1)
	}
}

func run(ctx context.Context, configPath string, logger *log.Logger) error {
	cfg, err := labconf.Read(configPath)
	if err != nil {
		return err
	}
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	// Bind everything first, so "ready" means every address answers.
	serves := make([]func() error, len(cfg.Listeners))
	for i, l := range cfg.Listeners {
		ln, err := net.Listen("tcp", l.Addr)
		if err != nil {
			return err
		}
		closers = append(closers, ln)
		if l.Mode == labconf.ModeDNS {
			// DNS answers on UDP and TCP at the same address.
			pc, err := net.ListenPacket("udp", l.Addr)
			if err != nil {
				return err
			}
			closers = append(closers, pc)
			n, _ := labconf.RcodeNumber(l.Rcode)
			d := dnsServer{rcode: dnsmessage.RCode(n), logger: logger}
			serves[i] = func() error {
				go d.serveUDP(pc)
				return acceptLoop(ln, d.serveTCP)
			}
			continue
		}
		srv, err := newServer(l, logger)
		if err != nil {
			return err
		}
		serves[i] = func() error { return srv(ln) }
	}
	errc := make(chan error, len(serves))
	for _, serve := range serves {
		go func() { errc <- serve() }()
	}
	fmt.Println("ready")
	select {
	case <-ctx.Done():
		return nil
	case err := <-errc:
		return err
	}
}

// newServer returns the function that serves one listener until it fails.
func newServer(l labconf.Listener, logger *log.Logger) (func(net.Listener) error, error) {
	var tlsConfig *tls.Config
	if l.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(l.CertFile, l.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("listener %s: %w", l.Addr, err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	switch l.Mode {
	case labconf.ModeReset:
		return func(ln net.Listener) error { return acceptLoop(ln, resetConn) }, nil
	case labconf.ModeStall:
		return func(ln net.Listener) error { return acceptLoop(ln, stallConn) }, nil
	case labconf.ModeGarbage:
		return func(ln net.Listener) error {
			return acceptLoop(ln, func(c net.Conn) { garbageConn(c, l.Body) })
		}, nil
	case labconf.ModeSOCKS5:
		s := newSOCKS5(l.Resolver, logger)
		return func(ln net.Listener) error { return acceptLoop(ln, s.serve) }, nil
	}
	h, err := handler(l, logger)
	if err != nil {
		return nil, err
	}
	h = withAuth(l, h, logger)
	srv := &http.Server{
		Handler:           h,
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          logger,
	}
	return func(ln net.Listener) error {
		if tlsConfig != nil {
			return srv.ServeTLS(ln, "", "")
		}
		return srv.Serve(ln)
	}, nil
}

// handler answers every request the same way, or serves l.Dir.
func handler(l labconf.Listener, logger *log.Logger) (http.Handler, error) {
	offset, err := l.Offset()
	if err != nil {
		return nil, err
	}
	status := l.Status
	if status == 0 {
		status = http.StatusOK
	}
	files := http.FileServer(http.Dir(l.Dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logger.Printf("%s %s %s %s", l.Addr, r.Method, r.Host, r.URL.RequestURI())
		w.Header().Set("Server", "okviz-lab")
		if offset != 0 {
			w.Header().Set("Date", time.Now().Add(offset).UTC().Format(http.TimeFormat))
		}
		if l.Dir != "" {
			if filepath.Ext(r.URL.Path) == ".pac" {
				w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
			}
			files.ServeHTTP(w, r)
			return
		}
		if l.Location != "" {
			w.Header().Set("Location", l.Location)
		}
		for name, values := range l.Headers {
			w.Header()[http.CanonicalHeaderKey(name)] = values
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, l.Body)
	}), nil
}

func acceptLoop(ln net.Listener, serve func(net.Conn)) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go serve(c)
	}
}

// resetConn waits for the client's first bytes, then aborts the connection
// (SO_LINGER 0 makes close send an RST instead of a FIN).
func resetConn(c net.Conn) {
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 1)
	if _, err := c.Read(buf); err != nil {
		return
	}
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
}

// garbageConn waits for the client's first bytes, answers with answer and
// closes: what a client meets when its proxy setting names an SSH server
// or some other non-HTTP service.
func garbageConn(c net.Conn, answer string) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 4096)
	if _, err := c.Read(buf); err != nil {
		return
	}
	io.WriteString(c, answer)
}

// stallConn reads and discards everything and never writes, until the
// client gives up.
func stallConn(c net.Conn) {
	defer c.Close()
	io.Copy(io.Discard, c)
}

// withAuth puts the listener's authentication in front of h: Basic with
// one account, or Negotiate with the keytab's service keys (gokrb5's
// SPNEGO acceptor, answering 401 "WWW-Authenticate: Negotiate" first).
func withAuth(l labconf.Listener, h http.Handler, logger *log.Logger) http.Handler {
	switch {
	case l.BasicAuth != "":
		user, pass, _ := strings.Cut(l.BasicAuth, ":")
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u, p, ok := r.BasicAuth(); ok && u == user && p == pass {
				h.ServeHTTP(w, r)
				return
			}
			logger.Printf("%s %s %s: 401 Basic", l.Addr, r.Method, r.URL.RequestURI())
			w.Header().Set("WWW-Authenticate", `Basic realm="okviz-lab PAC"`)
			http.Error(w, "401 - Unauthorized", http.StatusUnauthorized)
		})
	case l.Keytab != "":
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			kt, err := keytab.Load(l.Keytab)
			if err != nil {
				logger.Printf("%s: keytab: %v", l.Addr, err)
				http.Error(w, "no keytab", http.StatusInternalServerError)
				return
			}
			// An MIT KDC's tickets carry no Active Directory logon info.
			spnego.SPNEGOKRB5Authenticate(h, kt, service.Logger(logger), service.DecodePAC(false)).ServeHTTP(w, r)
		})
	}
	return h
}

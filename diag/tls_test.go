package diag

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/internal/leakcheck"
)

const tlsTestHost = "api.okviz.com"

// faultServer is a loopback listener whose connections are handled by
// serve; Close stops it and waits for every handler.
type faultServer struct {
	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns []net.Conn
}

func newFaultServer(tb testing.TB, serve func(net.Conn)) *faultServer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &faultServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				serve(c)
			}()
		}
	}()
	tb.Cleanup(s.Close)
	return s
}

func (s *faultServer) Close() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *faultServer) addr() string { return s.ln.Addr().String() }

// serveTLS completes a TLS handshake with leaf and keeps the connection
// until the client closes it.
func serveTLS(leaf *certgen.Leaf) func(net.Conn) {
	cfg := &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, NextProtos: []string{"h2", "http/1.1"}}
	return func(c net.Conn) {
		s := tls.Server(c, cfg)
		if err := s.Handshake(); err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, s)
	}
}

// readRecord reads the first TLS record (the ClientHello) whole.
func readRecord(c net.Conn) ([]byte, error) {
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(c, hdr); err != nil {
		return nil, err
	}
	n := int(hdr[3])<<8 | int(hdr[4])
	body := make([]byte, n)
	if _, err := io.ReadFull(c, body); err != nil {
		return nil, err
	}
	return append(hdr, body...), nil
}

// prefixConn replays bytes already read before reading on.
type prefixConn struct {
	net.Conn
	r io.Reader
}

func (c *prefixConn) Read(b []byte) (int, error) { return c.r.Read(b) }

func replay(c net.Conn, prefix []byte) net.Conn {
	return &prefixConn{Conn: c, r: io.MultiReader(bytes.NewReader(prefix), c)}
}

// resetConn closes with SO_LINGER 0, so the peer gets an RST.
func resetConn(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Close()
}

// Fault servers.

func stall(c net.Conn) { _, _ = io.Copy(io.Discard, c) }

func resetAfterHello(c net.Conn) {
	if _, err := readRecord(c); err == nil {
		resetConn(c)
	}
}

func closeAfterHello(c net.Conn) {
	if _, err := readRecord(c); err == nil {
		c.Close()
	}
}

// sniFilter resets connections whose ClientHello names host, and serves
// TLS to the rest, like a DPI box filtering by SNI.
func sniFilter(host string, leaf *certgen.Leaf) func(net.Conn) {
	serve := serveTLS(leaf)
	return func(c net.Conn) {
		rec, err := readRecord(c)
		if err != nil {
			return
		}
		if bytes.Contains(rec, []byte(host)) {
			resetConn(c)
			return
		}
		serve(replay(c, rec))
	}
}

// sizeFilter swallows ClientHellos larger than max bytes (never answers),
// like a middlebox that cannot reassemble a two-segment ClientHello.
func sizeFilter(max int, leaf *certgen.Leaf) func(net.Conn) {
	serve := serveTLS(leaf)
	return func(c net.Conn) {
		rec, err := readRecord(c)
		if err != nil {
			return
		}
		if len(rec) > max {
			stall(c)
			return
		}
		serve(replay(c, rec))
	}
}

func plainHTTP(c net.Conn) {
	if _, err := readRecord(c); err != nil {
		return
	}
	_, _ = io.WriteString(c, "HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nContent-Length: 22\r\n\r\n<h1>Access denied</h1>")
}

func alertHandshakeFailure(c net.Conn) {
	if _, err := readRecord(c); err != nil {
		return
	}
	_, _ = c.Write([]byte{21, 3, 3, 0, 2, 2, 40}) // fatal handshake_failure
}

// runProbe runs probeTLS against srv with prober p, dialing and redialing
// the server over loopback.
func runProbe(t *testing.T, p *Prober, srv *faultServer, host string) TLSResult {
	t.Helper()
	tg, err := ParseTarget(host)
	if err != nil {
		t.Fatal(err)
	}
	var d net.Dialer
	conn, err := d.DialContext(context.Background(), "tcp", srv.addr())
	if err != nil {
		t.Fatal(err)
	}
	redial := func(ctx context.Context) (net.Conn, error) { return d.DialContext(ctx, "tcp", srv.addr()) }
	res := p.probeTLS(context.Background(), tg, conn, redial)
	if res.Conn != nil {
		t.Cleanup(func() { res.Conn.Close() })
	} else {
		conn.Close()
	}
	if _, err := json.Marshal(res.Check); err != nil {
		t.Errorf("check does not marshal: %v", err)
	}
	return res
}

func testProber(now func() time.Time, sys, extra, pub *x509.CertPool) *Prober {
	return &Prober{
		Dialer:      &net.Dialer{},
		Now:         now,
		Timeout:     1500 * time.Millisecond,
		SystemRoots: sys,
		ExtraRoots:  extra,
		PublicRoots: pub,
		NeutralSNI:  "neutral.example.test",
	}
}

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestProbeTLSTrust(t *testing.T) {
	// All validity windows are relative to base, and the prober's clock is
	// injected, so the expiry logic does not depend on when the test runs.
	base := time.Date(2031, 3, 1, 12, 0, 0, 0, time.UTC)
	win := certgen.Validity(base.Add(-30*24*time.Hour), base.Add(60*24*time.Hour))
	caWin := certgen.Validity(base.Add(-365*24*time.Hour), base.Add(10*365*24*time.Hour))

	public := certgen.Must(certgen.NewCA("Test Public Root", certgen.Organization("Public Trust Test"), caWin))
	publicInter := certgen.Must(public.Intermediate("Test Public Issuing CA", caWin))
	zscaler := certgen.Must(certgen.NewCA("Zscaler Root CA", certgen.Organization("Zscaler Inc."), caWin))
	forti := certgen.Must(certgen.NewCA("FortiGate CA", certgen.Organization("Fortinet"), caWin))
	// A public CA whose name the interception table would match: public
	// trust is decided first, so it is never labelled as a product.
	ciscoPublic := certgen.Must(certgen.NewCA("Cisco Public Root CA", certgen.Organization("Cisco Systems"), caWin))
	bothPublic := x509.NewCertPool()
	bothPublic.AddCert(public.Cert)
	bothPublic.AddCert(ciscoPublic.Cert)
	ciscoLeaf := certgen.Must(ciscoPublic.Leaf([]string{tlsTestHost}, win))
	private := certgen.Must(certgen.NewCA("Contoso Private Root", caWin))
	expiredInter := certgen.Must(public.Intermediate("Expired Issuing CA",
		certgen.Validity(base.Add(-365*24*time.Hour), base.Add(-24*time.Hour))))

	good := certgen.Must(public.Leaf([]string{tlsTestHost}, win, certgen.OCSPServer("http://ocsp.example.test"),
		certgen.CRLDistributionPoint("http://crl.example.test/1.crl")))
	viaInter := certgen.Must(publicInter.Leaf([]string{tlsTestHost}, win,
		certgen.IssuingCertificateURL("http://aia.example.test/issuing.crt")))

	tests := []struct {
		name        string
		leaf        *certgen.Leaf
		now         time.Time
		sys, extra  *x509.CertPool
		pub         *x509.CertPool
		host        string
		wantCode    Code
		wantStatus  Status
		wantProduct string
		sysOK       bool
		pubOK       bool
	}{
		{name: "good", leaf: good, now: base, sys: public.Pool(), pub: public.Pool(),
			wantCode: "tls.ok", wantStatus: StatusPass, sysOK: true, pubOK: true},
		{name: "good via intermediate", leaf: viaInter, now: base, sys: public.Pool(), pub: public.Pool(),
			wantCode: "tls.ok", wantStatus: StatusPass, sysOK: true, pubOK: true},
		{name: "interception trusted via system roots", leaf: certgen.Must(zscaler.Leaf([]string{tlsTestHost}, win)), now: base,
			sys: zscaler.Pool(), pub: public.Pool(),
			wantCode: "tls.intercepted", wantStatus: StatusWarn, wantProduct: "Zscaler", sysOK: true},
		{name: "interception trusted via --ca-file", leaf: certgen.Must(zscaler.Leaf([]string{tlsTestHost}, win)), now: base,
			sys: x509.NewCertPool(), extra: zscaler.Pool(), pub: public.Pool(),
			wantCode: "tls.intercepted", wantStatus: StatusWarn, wantProduct: "Zscaler", sysOK: true},
		{name: "interception by an unknown product", leaf: certgen.Must(private.Leaf([]string{tlsTestHost}, win)), now: base,
			sys: private.Pool(), pub: public.Pool(),
			wantCode: "tls.intercepted", wantStatus: StatusWarn, sysOK: true},
		{name: "untrusted interception", leaf: certgen.Must(forti.Leaf([]string{tlsTestHost}, win)), now: base,
			sys: public.Pool(), pub: public.Pool(),
			wantCode: "tls.intercepted", wantStatus: StatusFail, wantProduct: "Fortinet FortiGate"},
		{name: "unknown CA", leaf: certgen.Must(private.Leaf([]string{tlsTestHost}, win)), now: base,
			sys: public.Pool(), pub: public.Pool(),
			wantCode: "tls.untrusted", wantStatus: StatusFail},
		{name: "public chain, system store lacks the root", leaf: good, now: base,
			sys: x509.NewCertPool(), pub: public.Pool(),
			wantCode: "tls.untrusted", wantStatus: StatusFail, pubOK: true},
		{name: "expired", leaf: good, now: base.Add(61 * 24 * time.Hour), sys: public.Pool(), pub: public.Pool(),
			wantCode: "tls.expired", wantStatus: StatusFail},
		{name: "not yet valid", leaf: good, now: base.Add(-31 * 24 * time.Hour), sys: public.Pool(), pub: public.Pool(),
			wantCode: "tls.not_yet_valid", wantStatus: StatusFail},
		{name: "expiring soon", leaf: good, now: base.Add(50 * 24 * time.Hour), sys: public.Pool(), pub: public.Pool(),
			wantCode: "tls.expiring_soon", wantStatus: StatusWarn, sysOK: true, pubOK: true},
		{name: "not expiring soon at 15 days", leaf: good, now: base.Add(45 * 24 * time.Hour), sys: public.Pool(), pub: public.Pool(),
			wantCode: "tls.ok", wantStatus: StatusPass, sysOK: true, pubOK: true},
		{name: "wrong host", leaf: certgen.Must(public.Leaf([]string{"portal.example.test"}, win)), now: base,
			sys: public.Pool(), pub: public.Pool(),
			wantCode: "tls.hostname_mismatch", wantStatus: StatusFail, sysOK: true, pubOK: true},
		{name: "wrong host, untrusted issuer", leaf: certgen.Must(private.Leaf([]string{"portal.example.test"}, win)), now: base,
			sys: public.Pool(), pub: public.Pool(),
			wantCode: "tls.hostname_mismatch", wantStatus: StatusFail},
		{name: "expired intermediate", leaf: certgen.Must(expiredInter.Leaf([]string{tlsTestHost}, win)), now: base,
			sys: public.Pool(), pub: public.Pool(),
			wantCode: "tls.expired", wantStatus: StatusFail},
		{name: "public chain named like a product, system store lacks the root", leaf: ciscoLeaf, now: base,
			sys: public.Pool(), pub: bothPublic,
			wantCode: "tls.untrusted", wantStatus: StatusFail, pubOK: true},
		{name: "public chain named like a product, wrong host", leaf: certgen.Must(ciscoPublic.Leaf([]string{"portal.example.test"}, win)), now: base,
			sys: bothPublic, pub: bothPublic,
			wantCode: "tls.hostname_mismatch", wantStatus: StatusFail, sysOK: true, pubOK: true},
		{name: "public chain named like a product, expired", leaf: ciscoLeaf, now: base.Add(61 * 24 * time.Hour),
			sys: bothPublic, pub: bothPublic,
			wantCode: "tls.expired", wantStatus: StatusFail},
		{name: "expired interception certificate", leaf: certgen.Must(zscaler.Leaf([]string{tlsTestHost}, win)), now: base.Add(61 * 24 * time.Hour),
			sys: public.Pool(), pub: public.Pool(),
			wantCode: "tls.expired", wantStatus: StatusFail, wantProduct: "Zscaler"},
		{name: "IP target with IP SAN", leaf: certgen.Must(public.Leaf([]string{"127.0.0.1"}, win)), now: base,
			sys: public.Pool(), pub: public.Pool(), host: "127.0.0.1",
			wantCode: "tls.ok", wantStatus: StatusPass, sysOK: true, pubOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFaultServer(t, serveTLS(tt.leaf))
			host := tt.host
			if host == "" {
				host = tlsTestHost
			}
			p := testProber(fixedClock(tt.now), tt.sys, tt.extra, tt.pub)
			res := runProbe(t, p, srv, host)
			c := res.Check
			if c.ID != "tls.handshake" || c.Code != tt.wantCode || c.Status != tt.wantStatus {
				t.Fatalf("got %s %s %s (%s), want %s %s", c.ID, c.Code, c.Status, c.Summary, tt.wantCode, tt.wantStatus)
			}
			if res.Conn == nil {
				t.Fatal("no connection returned after a completed handshake")
			}
			if len(res.Chain) != len(tt.leaf.Chain) || !res.Chain[0].Equal(tt.leaf.Cert) {
				t.Errorf("chain: got %d certs, want %d", len(res.Chain), len(tt.leaf.Chain))
			}
			d := c.Details.(*TLSDetails)
			if got := d.Product; got != tt.wantProduct {
				t.Errorf("product %q, want %q", got, tt.wantProduct)
			}
			if tt.wantProduct != "" && !bytes.Contains([]byte(c.Summary), []byte(tt.wantProduct)) {
				t.Errorf("summary does not name %s: %s", tt.wantProduct, c.Summary)
			}
			v := d.Verify
			if sys := v.System; sys.OK != tt.sysOK {
				t.Errorf("system verification ok=%v (%s), want %v", sys.OK, sys.Error, tt.sysOK)
			}
			if pub := v.Public; pub.OK != tt.pubOK {
				t.Errorf("public verification ok=%v (%s), want %v", pub.OK, pub.Error, tt.pubOK)
			}
			if d.ALPN == nil || *d.ALPN != "h2" || d.Version != "TLS 1.3" || d.Curve == "" {
				t.Errorf("negotiated: alpn %v version %v curve %v", d.ALPN, d.Version, d.Curve)
			}
			if chain := d.Chain; len(chain) != len(tt.leaf.Chain) || len(chain[0].SHA256) != 64 {
				t.Errorf("chain details: %+v", chain)
			}
		})
	}
}

func TestProbeTLSRevocationDetails(t *testing.T) {
	ca := certgen.Must(certgen.NewCA("Rev Root"))
	inter := certgen.Must(ca.Intermediate("Rev Issuing", certgen.OCSPServer("http://ocsp.example.test"),
		certgen.CRLDistributionPoint("http://crl.example.test/root.crl")))
	leaf := certgen.Must(inter.Leaf([]string{tlsTestHost},
		certgen.OCSPServer("http://ocsp.example.test"),
		certgen.CRLDistributionPoint("http://crl.example.test/issuing.crl"),
		certgen.IssuingCertificateURL("http://aia.example.test/issuing.crt")))
	srv := newFaultServer(t, serveTLS(leaf))
	res := runProbe(t, testProber(time.Now, ca.Pool(), nil, ca.Pool()), srv, tlsTestHost)
	d := res.Check.Details.(*TLSDetails)
	for key, tt := range map[string]struct{ got, want []string }{
		"ocsp":             {d.OCSP, []string{"http://ocsp.example.test"}},
		"crl":              {d.CRL, []string{"http://crl.example.test/issuing.crl", "http://crl.example.test/root.crl"}},
		"aia":              {d.AIA, []string{"http://aia.example.test/issuing.crt"}},
		"revocation_hosts": {d.RevocationHosts, []string{"ocsp.example.test", "crl.example.test", "aia.example.test"}},
	} {
		got, want := tt.got, tt.want
		if !slices.Equal(got, want) {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
}

// hostileCases are the servers that break the handshake.
func hostileCases(t *testing.T) []struct {
	name     string
	serve    func(net.Conn)
	wantCode Code
	check    func(t *testing.T, d *TLSDetails)
} {
	ca := certgen.Must(certgen.NewCA("Hostile Test Root"))
	leaf := certgen.Must(ca.Leaf([]string{tlsTestHost, "neutral.example.test"}))
	return []struct {
		name     string
		serve    func(net.Conn)
		wantCode Code
		check    func(t *testing.T, d *TLSDetails)
	}{
		{"never answers", stall, "tls.timeout", func(t *testing.T, d *TLSDetails) {
			if d.ErrorKind != failTimeout {
				t.Errorf("error_kind %v", d.ErrorKind)
			}
		}},
		{"reset after ClientHello", resetAfterHello, "tls.reset", func(t *testing.T, d *TLSDetails) {
			if d.ErrorKind != failReset {
				t.Errorf("error_kind %v", d.ErrorKind)
			}
			wantVariants(t, d, map[string]string{variantNeutral: failReset, variantClassic: failReset})
		}},
		{"closed after ClientHello", closeAfterHello, "tls.reset", func(t *testing.T, d *TLSDetails) {
			if d.ErrorKind != failEOF {
				t.Errorf("error_kind %v", d.ErrorKind)
			}
		}},
		{"SNI filter", sniFilter(tlsTestHost, leaf), "tls.sni_blocked", func(t *testing.T, d *TLSDetails) {
			wantVariants(t, d, map[string]string{variantNeutral: "ok", variantClassic: failReset})
		}},
		{"large ClientHello dropped", sizeFilter(1000, leaf), "tls.clienthello_blocked", func(t *testing.T, d *TLSDetails) {
			if d.ErrorKind != failTimeout {
				t.Errorf("error_kind %v", d.ErrorKind)
			}
			wantVariants(t, d, map[string]string{variantClassic: "ok"})
		}},
		{"plain HTTP answer", plainHTTP, "tls.protocol_error", func(t *testing.T, d *TLSDetails) {
			if fb := d.FirstBytes; !bytes.HasPrefix([]byte(fb), []byte("HTTP/1.1 403 Forbidden")) {
				t.Errorf("first_bytes %q", fb)
			}
			if d.RecordHeader != "HTTP/" {
				t.Errorf("record_header %q", d.RecordHeader)
			}
		}},
		{"alert", alertHandshakeFailure, "tls.protocol_error", func(t *testing.T, d *TLSDetails) {
			if d.Alert != "handshake failure" || d.AlertCode == nil || *d.AlertCode != 40 {
				t.Errorf("alert %v (%v)", d.Alert, d.AlertCode)
			}
		}},
	}
}

func wantVariants(t *testing.T, d *TLSDetails, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, v := range d.Variants {
		got[v.Variant] = v.Result
	}
	for name, result := range want {
		if got[name] != result {
			t.Errorf("variant %s: %q, want %q (all: %v)", name, got[name], result, got)
		}
	}
}

func TestProbeTLSHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile cases wait for timeouts")
	}
	leaks := leakcheck.Take()
	for _, tt := range hostileCases(t) {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFaultServer(t, tt.serve)
			p := testProber(time.Now, x509.NewCertPool(), nil, x509.NewCertPool())
			start := time.Now()
			res := runProbe(t, p, srv, tlsTestHost)
			// A hang guard, not a speed test: the probe must end near its timeout.
			if el := time.Since(start); el > 3*p.Timeout {
				t.Errorf("probe took %v with timeout %v", el, p.Timeout)
			}
			c := res.Check
			if c.Code != tt.wantCode || c.Status != StatusFail {
				t.Fatalf("got %s %s (%s), want %s fail; details %v", c.Code, c.Status, c.Summary, tt.wantCode, c.Details)
			}
			if res.Conn != nil || res.Chain != nil {
				t.Error("a failed handshake returned a connection or chain")
			}
			if c.Remediation == "" {
				t.Error("no remediation")
			}
			tt.check(t, c.Details.(*TLSDetails))
			srv.Close()
		})
	}
	// Leak check: every probe goroutine and variant connection has ended.
	leaks.Verify(t)
}

// TestProbeTLSHedgeCancelled: a slow but working server is not blamed; the
// hedged classic handshake is stopped and reported as cancelled.
func TestProbeTLSHedgeCancelled(t *testing.T) {
	ca := certgen.Must(certgen.NewCA("Slow Root"))
	leaf := certgen.Must(ca.Leaf([]string{tlsTestHost}))
	serve := serveTLS(leaf)
	var mu sync.Mutex
	first := true
	srv := newFaultServer(t, func(c net.Conn) {
		mu.Lock()
		slow := first
		first = false
		mu.Unlock()
		if !slow {
			stall(c) // the hedge never completes: it must be cancelled
			return
		}
		time.Sleep(700 * time.Millisecond) // past the hedge delay (500ms)
		serve(c)
	})
	res := runProbe(t, testProber(time.Now, ca.Pool(), nil, ca.Pool()), srv, tlsTestHost)
	if res.Check.Code != "tls.ok" {
		t.Fatalf("got %s: %s", res.Check.Code, res.Check.Summary)
	}
	wantVariants(t, res.Check.Details.(*TLSDetails), map[string]string{variantClassic: kindCancelled})
}

func TestProbeTLSInterrupted(t *testing.T) {
	srv := newFaultServer(t, stall)
	tg, _ := ParseTarget(tlsTestHost)
	conn, err := net.Dial("tcp", srv.addr())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	res := testProber(time.Now, nil, nil, nil).probeTLS(ctx, tg, conn, nil)
	if d := res.Check.Details.(*TLSDetails); res.Check.Code != "tls.timeout" || d.ErrorKind != kindCancelled {
		t.Fatalf("got %s (%v)", res.Check.Code, d.ErrorKind)
	}
}

func TestProbeTLSNilConn(t *testing.T) {
	tg, _ := ParseTarget(tlsTestHost)
	res := testProber(time.Now, nil, nil, nil).probeTLS(context.Background(), tg, nil, nil)
	if res.Check.Status != StatusFail || res.Conn != nil {
		t.Fatalf("got %+v", res.Check)
	}
}

func TestProbeTLSUsableConn(t *testing.T) {
	ca := certgen.Must(certgen.NewCA("Echo Root"))
	leaf := certgen.Must(ca.Leaf([]string{tlsTestHost}))
	cfg := &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, NextProtos: []string{"http/1.1"}}
	srv := newFaultServer(t, func(c net.Conn) {
		s := tls.Server(c, cfg)
		_, _ = io.Copy(s, s) // echo
	})
	res := runProbe(t, testProber(time.Now, ca.Pool(), nil, ca.Pool()), srv, tlsTestHost)
	if res.Conn == nil {
		t.Fatalf("no conn: %s", res.Check.Summary)
	}
	if d := res.Check.Details.(*TLSDetails); d.ALPN == nil || *d.ALPN != "http/1.1" {
		t.Errorf("alpn %v", d.ALPN)
	}
	// The deadline set for the handshake must be cleared for the HTTP probe.
	if _, err := res.Conn.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(res.Conn, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo: %q %v", buf, err)
	}
}

// BenchmarkProbeTLS measures one full probe (handshake and both
// verifications) against a loopback server.
func BenchmarkProbeTLS(b *testing.B) {
	ca := certgen.Must(certgen.NewCA("Bench Root"))
	leaf := certgen.Must(ca.Leaf([]string{tlsTestHost}))
	srv := newFaultServer(b, serveTLS(leaf))
	p := testProber(time.Now, ca.Pool(), nil, ca.Pool())
	tg, _ := ParseTarget(tlsTestHost)
	var d net.Dialer
	redial := func(ctx context.Context) (net.Conn, error) { return d.DialContext(ctx, "tcp", srv.addr()) }
	for b.Loop() {
		conn, err := redial(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		res := p.probeTLS(context.Background(), tg, conn, redial)
		if res.Check.Code != "tls.ok" {
			b.Fatalf("got %s", res.Check.Code)
		}
		res.Conn.Close()
	}
}

// BenchmarkPublicRoots measures building the public pool, done once per run.
func BenchmarkPublicRoots(b *testing.B) {
	for b.Loop() {
		if _, err := PublicRoots(); err != nil {
			b.Fatal(err)
		}
	}
}

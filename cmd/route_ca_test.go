package cmd

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/proxy/pac"
	"github.com/okviz/okviz-check/proxy/tunnel"
)

// TestProxyTLSCAFile: --ca-file in DER (a .cer file exported from the
// Windows certificate store, one certificate or several concatenated)
// trusts an https:// PAC server and an https:// proxy as PEM does, over
// real TLS on loopback; without it both are untrusted.
func TestProxyTLSCAFile(t *testing.T) {
	dir := t.TempDir()
	ca := certgen.Must(certgen.NewCA("Corp Proxy Root CA"))
	other := certgen.Must(certgen.NewCA("Another Root CA"))
	leaf := certgen.Must(ca.Leaf([]string{"127.0.0.1"}))
	files := map[string][]byte{
		"root.cer":  ca.Cert.Raw,
		"roots.cer": append(append([]byte{}, other.Cert.Raw...), ca.Cert.Raw...),
		"root.pem":  ca.CertPEM(),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tlsConf := &tls.Config{Certificates: []tls.Certificate{leaf.TLS}}

	pacSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, `function FindProxyForURL(url, host) { return "PROXY proxy.corp.example:8080"; }`)
	}))
	pacSrv.TLS = tlsConf
	pacSrv.StartTLS()
	defer pacSrv.Close()
	proxyAddr := connectProxy(t, tlsConf)
	proxyURL := &url.URL{Scheme: "https", Host: proxyAddr}

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	for _, tt := range []struct {
		file    string
		trusted bool
	}{{"root.cer", true}, {"roots.cer", true}, {"root.pem", true}, {"", false}} {
		var cfg func() *tls.Config
		if tt.file != "" {
			if cfg = proxyTLS(filepath.Join(dir, tt.file)); cfg == nil {
				t.Fatalf("%s: no TLS config", tt.file)
			}
		} else {
			// The system roots alone, as without --ca-file.
			cfg = func() *tls.Config { return &tls.Config{} }
		}
		_, err := pac.PACFetcher{TLSConfig: cfg, Timeout: 10 * time.Second}.Fetch(ctx, pacSrv.URL+"/proxy.pac")
		if (err == nil) != tt.trusted {
			t.Errorf("--ca-file %q: PAC over https: %v, want trusted %v", tt.file, err, tt.trusted)
		}
		tun := &tunnel.Tunneler{TLSConfig: cfg, Timeout: 10 * time.Second}
		conn, hop := tun.Tunnel(ctx, proxyURL, "api.okviz.com:443")
		if conn != nil {
			conn.Close()
		}
		if ok := hop.Code == tunnel.CodeOK; ok != tt.trusted {
			t.Errorf("--ca-file %q: https:// proxy: %s %s %s, want trusted %v", tt.file, hop.Code, hop.Reason, hop.Error, tt.trusted)
		}
	}
	if proxyTLS(filepath.Join(dir, "missing.cer")) != nil {
		t.Error("a missing file gave a TLS config")
	}
}

// connectProxy is an https:// proxy on loopback that answers every
// CONNECT with 200 and then closes: enough for the TLS to the proxy to be
// judged.
func connectProxy(t *testing.T, conf *tls.Config) string {
	ln, err := tls.Listen("tcp", "127.0.0.1:0", conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				fmt.Fprint(c, "HTTP/1.1 200 Connection established\r\n\r\n")
			}(c)
		}
	}()
	return ln.Addr().String()
}

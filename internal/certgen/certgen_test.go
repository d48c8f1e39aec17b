package certgen

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// handshake runs a real TLS handshake over loopback between a server using
// leaf and a client trusting roots, verifying sni at the real time.
func handshake(t *testing.T, leaf *Leaf, roots *x509.CertPool, sni string) error {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		s := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{leaf.TLS}})
		_ = s.SetDeadline(time.Now().Add(5 * time.Second))
		_ = s.Handshake()
	}()
	defer func() { <-done }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d := tls.Dialer{Config: &tls.Config{RootCAs: roots, ServerName: sni}}
	c, err := d.DialContext(ctx, "tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	return c.Close()
}

func TestHandshake(t *testing.T) {
	root := Must(NewCA("Test Root CA", Organization("Test Org")))
	inter := Must(root.Intermediate("Test Issuing CA"))
	other := Must(NewCA("Other Root"))
	now := time.Now()
	tests := []struct {
		name    string
		leaf    *Leaf
		roots   *x509.CertPool
		sni     string
		wantErr any // nil, or a zero value of the x509 error type expected
	}{
		{"root-signed", Must(root.Leaf([]string{"api.example.test"})), root.Pool(), "api.example.test", nil},
		{"via intermediate", Must(inter.Leaf([]string{"api.example.test"})), root.Pool(), "api.example.test", nil},
		{"ip SAN", Must(root.Leaf([]string{"127.0.0.1"})), root.Pool(), "127.0.0.1", nil},
		{"wrong host", Must(root.Leaf([]string{"other.example.test"})), root.Pool(), "api.example.test", x509.HostnameError{}},
		{"unknown CA", Must(root.Leaf([]string{"api.example.test"})), other.Pool(), "api.example.test", x509.UnknownAuthorityError{}},
		{"expired", Must(root.Leaf([]string{"api.example.test"}, Validity(now.Add(-48*time.Hour), now.Add(-time.Hour)))), root.Pool(), "api.example.test", x509.CertificateInvalidError{}},
		{"not yet valid", Must(root.Leaf([]string{"api.example.test"}, NotBefore(now.Add(time.Hour)))), root.Pool(), "api.example.test", x509.CertificateInvalidError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := handshake(t, tt.leaf, tt.roots, tt.sni)
			switch want := tt.wantErr.(type) {
			case nil:
				if err != nil {
					t.Fatalf("handshake: %v", err)
				}
			case x509.HostnameError:
				if !errors.As(err, &want) {
					t.Fatalf("got %v, want a HostnameError", err)
				}
			case x509.UnknownAuthorityError:
				if !errors.As(err, &want) {
					t.Fatalf("got %v, want an UnknownAuthorityError", err)
				}
			case x509.CertificateInvalidError:
				if !errors.As(err, &want) || want.Reason != x509.Expired {
					t.Fatalf("got %v, want CertificateInvalidError{Expired}", err)
				}
			}
		})
	}
}

func TestFields(t *testing.T) {
	nb := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	na := nb.Add(10 * 24 * time.Hour)
	ca := Must(NewCA("Zscaler Root CA", Organization("Zscaler Inc."), OrganizationalUnit("Zscaler Inc."), SubjectEmail("ca@example.test")))
	leaf := Must(ca.Leaf([]string{"api.okviz.com", "::1", "10.0.0.1"},
		Validity(nb, na),
		OCSPServer("http://ocsp.example.test"),
		CRLDistributionPoint("http://crl.example.test/a.crl"),
		IssuingCertificateURL("http://aia.example.test/ca.crt")))
	c := leaf.Cert
	if got := c.Issuer.CommonName; got != "Zscaler Root CA" {
		t.Errorf("issuer CN %q", got)
	}
	if got := c.Issuer.Organization; len(got) != 1 || got[0] != "Zscaler Inc." {
		t.Errorf("issuer O %q", got)
	}
	if got := c.Issuer.String(); got != "CN=Zscaler Root CA,OU=Zscaler Inc.,O=Zscaler Inc.,1.2.840.113549.1.9.1=#0c0f6361406578616d706c652e74657374" {
		t.Errorf("issuer %q", got)
	}
	if c.Subject.CommonName != "api.okviz.com" || len(c.DNSNames) != 1 || len(c.IPAddresses) != 2 {
		t.Errorf("subject %q, DNS %v, IP %v", c.Subject.CommonName, c.DNSNames, c.IPAddresses)
	}
	if !c.NotBefore.Equal(nb) || !c.NotAfter.Equal(na) {
		t.Errorf("validity %v..%v, want %v..%v", c.NotBefore, c.NotAfter, nb, na)
	}
	if len(c.OCSPServer) != 1 || len(c.CRLDistributionPoints) != 1 || len(c.IssuingCertificateURL) != 1 {
		t.Errorf("revocation URLs: %v %v %v", c.OCSPServer, c.CRLDistributionPoints, c.IssuingCertificateURL)
	}
	if c.IsCA || !ca.Cert.IsCA {
		t.Errorf("IsCA leaf=%v ca=%v", c.IsCA, ca.Cert.IsCA)
	}
	if len(leaf.Chain) != 1 || len(leaf.TLS.Certificate) != 1 {
		t.Errorf("root-signed leaf chain has %d certs", len(leaf.Chain))
	}
	inter := Must(Must(ca.Intermediate("Mid 1")).Intermediate("Mid 2"))
	if got := Must(inter.Leaf([]string{"x.test"})).Chain; len(got) != 3 || got[2].Subject.CommonName != "Mid 1" {
		t.Errorf("chain under two intermediates: %d certs", len(got))
	}
	if inter.Root() != ca {
		t.Error("Root does not find the root")
	}
}

func TestWritePEM(t *testing.T) {
	dir := t.TempDir()
	root := Must(NewCA("Lab Root CA"))
	leaf := Must(Must(root.Intermediate("Lab Issuing CA")).Leaf([]string{"api.okviz.com", "198.18.0.10"}))
	cf, err := root.WritePEM(dir)
	if err != nil {
		t.Fatal(err)
	}
	lf, err := leaf.WritePEM(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cf.Cert != filepath.Join(dir, "lab-root-ca.pem") || lf.Key != filepath.Join(dir, "api.okviz.com-key.pem") {
		t.Errorf("paths %+v %+v", cf, lf)
	}
	pair, err := tls.LoadX509KeyPair(lf.Cert, lf.Key)
	if err != nil {
		t.Fatal(err)
	}
	if len(pair.Certificate) != 2 {
		t.Errorf("written chain has %d certs, want 2", len(pair.Certificate))
	}
	caPEM, err := os.ReadFile(cf.Cert)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("CA PEM does not parse")
	}
	if err := handshake(t, &Leaf{TLS: pair}, pool, "198.18.0.10"); err != nil {
		t.Fatalf("handshake with written files: %v", err)
	}
	if fi, err := os.Stat(lf.Key); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("key file mode: %v %v", fi.Mode(), err)
	}
	if _, err := root.WritePEM(""); err == nil {
		t.Error("WritePEM(\"\") succeeded")
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"Zscaler Root CA":        "zscaler-root-ca",
		"*.okviz.com":            "wildcard.okviz.com",
		"Cisco Umbrella Root CA": "cisco-umbrella-root-ca",
		"../../etc/passwd":       "etc-passwd",
		"":                       "cert",
		"Zscaler Intermediate Root CA (zscalerthree.net)": "zscaler-intermediate-root-ca-zscalerthree.net",
	} {
		if got := FileName(in); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
}

package diag

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/certgen"
)

func TestParseChain(t *testing.T) {
	ca := certgen.Must(certgen.NewCA("Parse Root"))
	leaf := certgen.Must(certgen.Must(ca.Intermediate("Parse Issuing")).Leaf([]string{tlsTestHost}))
	chainPEM := leaf.CertPEM()
	der := append(append([]byte{}, leaf.Chain[0].Raw...), leaf.Chain[1].Raw...)
	badBlock := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")})
	tests := []struct {
		name    string
		in      []byte
		want    int    // certificates
		wantErr string // substring of the error
	}{
		{"PEM chain", chainPEM, 2, ""},
		{"PEM with key and text", append(append([]byte("subject=...\n"), leaf.KeyPEM()...), chainPEM...), 2, ""},
		{"DER concatenated", der, 2, ""},
		{"DER single", leaf.Cert.Raw, 1, ""},
		{"DER ending in a white-space byte", derEndingInSpace(t, ca), 1, ""},
		{"empty", nil, 0, "empty"},
		{"white space", []byte(" \n\t"), 0, "empty"},
		{"garbage", []byte("hello world"), 0, "neither PEM nor DER"},
		{"key only", leaf.KeyPEM(), 0, "no CERTIFICATE PEM block"},
		{"broken PEM", []byte("-----BEGIN CERTIFICATE-----\nnot base64!\n"), 0, "no valid PEM block"},
		{"bad second certificate", append(append([]byte{}, chainPEM...), badBlock...), 0, "certificate 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseChain(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(got) != tt.want {
				t.Fatalf("got %d certs, err %v; want %d", len(got), err, tt.want)
			}
		})
	}
}

// derEndingInSpace makes certificates until one's DER ends in a byte that
// bytes.TrimSpace would strip (about one in forty does).
func derEndingInSpace(t *testing.T, ca *certgen.CA) []byte {
	t.Helper()
	for range 2000 {
		der := certgen.Must(ca.Leaf([]string{tlsTestHost})).Cert.Raw
		switch der[len(der)-1] {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			return der
		}
	}
	t.Fatal("no certificate ending in white space")
	return nil
}

func TestWriteChainPEM(t *testing.T) {
	ca := certgen.Must(certgen.NewCA("Export Root"))
	leaf := certgen.Must(certgen.Must(ca.Intermediate("Export Issuing")).Leaf([]string{tlsTestHost}))
	var buf bytes.Buffer
	if err := WriteChainPEM(&buf, leaf.Chain); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), leaf.CertPEM()) {
		t.Error("exported PEM differs from the served chain")
	}
	back, err := ParseChain(buf.Bytes())
	if err != nil || len(back) != 2 || !back[1].Equal(leaf.Chain[1]) {
		t.Fatalf("round trip: %d certs, %v", len(back), err)
	}
	if err := WriteChainPEM(&buf, nil); err == nil {
		t.Error("empty chain written without error")
	}
}

func TestRevocationURLs(t *testing.T) {
	ca := certgen.Must(certgen.NewCA("Rev Root"))
	inter := certgen.Must(ca.Intermediate("Rev Issuing",
		certgen.OCSPServer("http://ocsp.example.test"),
		certgen.CRLDistributionPoint("http://crl.example.test/root.crl"),
		certgen.IssuingCertificateURL("http://aia.example.test/root.crt")))
	leaf := certgen.Must(inter.Leaf([]string{tlsTestHost},
		certgen.OCSPServer("http://ocsp.example.test"),
		certgen.CRLDistributionPoint("http://crl.example.test/issuing.crl", "ldap://ldap.example.test/cn=crl"),
		certgen.IssuingCertificateURL("http://aia.example.test/issuing.crt")))
	want := []string{
		"http://ocsp.example.test",
		"http://crl.example.test/issuing.crl", "ldap://ldap.example.test/cn=crl",
		"http://aia.example.test/issuing.crt",
		"http://crl.example.test/root.crl", "http://aia.example.test/root.crt",
	}
	if got := RevocationURLs(leaf.Chain); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := RevocationURLs(nil); got == nil || len(got) != 0 {
		t.Errorf("nil chain: %#v, want an empty list", got)
	}
	hosts := revocationHosts(RevocationURLs(leaf.Chain))
	if want := []string{"ocsp.example.test", "crl.example.test", "ldap.example.test", "aia.example.test"}; !slices.Equal(hosts, want) {
		t.Errorf("hosts %q, want %q", hosts, want)
	}
}

// sctCert makes a self-signed certificate carrying an embedded SCT list
// extension with the given raw value.
func sctCert(t *testing.T, value []byte) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	oid := asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 2}
	tmpl := &x509.Certificate{
		SerialNumber:    big.NewInt(7),
		Subject:         pkix.Name{CommonName: "sct.example.test"},
		NotBefore:       time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:        time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC),
		ExtraExtensions: []pkix.Extension{{Id: oid, Value: value}},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCountSCTs(t *testing.T) {
	// Three SCTs of 3, 1 and 200 bytes in a TLS list, in a DER OCTET STRING.
	sct := func(n int) []byte { return append([]byte{byte(n >> 8), byte(n)}, make([]byte, n)...) }
	list := append(append(sct(3), sct(1)...), sct(200)...)
	tlsList := append([]byte{byte(len(list) >> 8), byte(len(list))}, list...)
	octet, err := asn1.Marshal(tlsList)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		value []byte
		want  int
	}{
		{"three", octet, 3},
		{"truncated list", octet[:len(octet)-50], 0}, // length header no longer matches: unreadable
		{"not an octet string", []byte{0x30, 0x00}, 0},
		{"empty octet string", []byte{0x04, 0x00}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := countSCTs(sctCert(t, tt.value)); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
	if got := countSCTs(certgen.Must(certgen.NewCA("No SCT")).Cert); got != 0 {
		t.Errorf("no extension: %d", got)
	}
}

func TestSummarizeCert(t *testing.T) {
	nb := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	ca := certgen.Must(certgen.NewCA("Sum Root", certgen.Organization("Sum Org")))
	leaf := certgen.Must(ca.Leaf([]string{tlsTestHost, "10.1.2.3"}, certgen.Validity(nb, nb.Add(time.Hour))))
	s := summarizeCert(leaf.Cert)
	if s.Issuer != "CN=Sum Root,O=Sum Org" || s.Subject != "CN="+tlsTestHost {
		t.Errorf("names: %q / %q", s.Subject, s.Issuer)
	}
	if s.NotBefore != "2030-05-06T07:08:09Z" || s.NotAfter != "2030-05-06T08:08:09Z" {
		t.Errorf("validity %s..%s", s.NotBefore, s.NotAfter)
	}
	if !slices.Equal(s.DNSNames, []string{tlsTestHost}) || !slices.Equal(s.IPAddresses, []string{"10.1.2.3"}) {
		t.Errorf("SANs %v %v", s.DNSNames, s.IPAddresses)
	}
	if s.KeyType != "ECDSA P-256" || s.IsCA || s.SelfSigned || len(s.SHA256) != 64 || s.OCSP == nil || s.CRL == nil || s.AIA == nil {
		t.Errorf("summary %+v", s)
	}
	if r := summarizeCert(ca.Cert); !r.SelfSigned || !r.IsCA {
		t.Errorf("root: self-signed %v, CA %v", r.SelfSigned, r.IsCA)
	}
}

// FuzzParseChain feeds arbitrary bytes through everything the TLS step
// does with a chain that did not come from a handshake: parsing (as
// --ca-file and --public-roots do), summarising, labelling, revocation
// URLs and the PEM export. None of it may panic, and the export must
// parse back to the same certificates.
func FuzzParseChain(f *testing.F) {
	// The seed corpus (testdata/fuzz/FuzzParseChain) holds PEM and DER
	// chains made by internal/certgen, truncated and garbage inputs.
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		chain, err := ParseChain(data)
		if err != nil {
			if chain != nil {
				t.Fatal("certificates returned with an error")
			}
			return
		}
		if len(chain) == 0 {
			t.Fatal("no certificates and no error")
		}
		sums := summarizeChain(chain)
		if len(sums) != len(chain) {
			t.Fatalf("%d summaries for %d certificates", len(sums), len(chain))
		}
		_, _ = matchInterceptor(chain)
		_ = revocationHosts(RevocationURLs(chain))
		var buf bytes.Buffer
		if err := WriteChainPEM(&buf, chain); err != nil {
			t.Fatal(err)
		}
		back, err := ParseChain(buf.Bytes())
		if err != nil || len(back) != len(chain) {
			t.Fatalf("export does not parse back: %d certs, %v", len(back), err)
		}
		for i := range back {
			if !back[i].Equal(chain[i]) {
				t.Fatalf("certificate %d changed in the round trip", i)
			}
		}
	})
}

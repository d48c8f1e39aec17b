package certgen

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Default validity window: fixed, so no clock is needed and certificates
// are valid at any time a test plausibly runs.
var (
	defaultNotBefore = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	defaultNotAfter  = time.Date(2099, 12, 31, 23, 59, 59, 0, time.UTC)
)

// oidEmail is the PKCS #9 emailAddress name attribute.
var oidEmail = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}

// spec collects what the options set for one certificate.
type spec struct {
	notBefore, notAfter time.Time
	commonName          string
	org, orgUnit        []string
	email               []string
	ocsp, crl, aia      []string
	maxPathLen          int
	maxPathLenSet       bool
}

// Option changes one property of the certificate being made.
type Option func(*spec)

// Validity sets both ends of the validity window.
func Validity(notBefore, notAfter time.Time) Option {
	return func(s *spec) { s.notBefore, s.notAfter = notBefore, notAfter }
}

// NotBefore sets the start of the validity window.
func NotBefore(t time.Time) Option { return func(s *spec) { s.notBefore = t } }

// NotAfter sets the end of the validity window.
func NotAfter(t time.Time) Option { return func(s *spec) { s.notAfter = t } }

// CommonName sets the subject CN (for a leaf the default is the first host;
// for a CA it is the name given to NewCA or Intermediate).
func CommonName(cn string) Option { return func(s *spec) { s.commonName = cn } }

// Organization sets the subject O, e.g. "Zscaler Inc." for an interception CA.
func Organization(o ...string) Option { return func(s *spec) { s.org = o } }

// OrganizationalUnit sets the subject OU.
func OrganizationalUnit(ou ...string) Option { return func(s *spec) { s.orgUnit = ou } }

// SubjectEmail adds emailAddress attributes to the subject name, the way
// some appliances name their CAs (FortiGate: support@fortinet.com).
func SubjectEmail(addr ...string) Option { return func(s *spec) { s.email = addr } }

// OCSPServer sets the Authority Information Access OCSP URLs.
func OCSPServer(url ...string) Option { return func(s *spec) { s.ocsp = url } }

// CRLDistributionPoint sets the CRL distribution point URLs.
func CRLDistributionPoint(url ...string) Option { return func(s *spec) { s.crl = url } }

// IssuingCertificateURL sets the Authority Information Access caIssuers URLs.
func IssuingCertificateURL(url ...string) Option { return func(s *spec) { s.aia = url } }

// MaxPathLen limits the number of intermediates below a CA (0 means none).
func MaxPathLen(n int) Option { return func(s *spec) { s.maxPathLen, s.maxPathLenSet = n, true } }

func newSpec(opts []Option) spec {
	s := spec{notBefore: defaultNotBefore, notAfter: defaultNotAfter}
	for _, o := range opts {
		o(&s)
	}
	return s
}

// template fills the fields common to CAs and leaves.
func (s spec) template(cn string) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("certgen: serial number: %w", err)
	}
	if s.commonName != "" {
		cn = s.commonName
	}
	subject := pkix.Name{CommonName: cn, Organization: s.org, OrganizationalUnit: s.orgUnit}
	for _, e := range s.email {
		subject.ExtraNames = append(subject.ExtraNames, pkix.AttributeTypeAndValue{Type: oidEmail, Value: e})
	}
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		NotBefore:             s.notBefore,
		NotAfter:              s.notAfter,
		OCSPServer:            s.ocsp,
		CRLDistributionPoints: s.crl,
		IssuingCertificateURL: s.aia,
		BasicConstraintsValid: true,
	}, nil
}

// CA is a certificate authority that can sign intermediates and leaves.
type CA struct {
	Cert   *x509.Certificate
	Key    *ecdsa.PrivateKey
	Parent *CA // nil for a root
}

// NewCA makes a self-signed root CA whose subject CN is name.
func NewCA(name string, opts ...Option) (*CA, error) {
	return newCA(name, nil, opts)
}

// Intermediate makes a CA named name signed by ca.
func (ca *CA) Intermediate(name string, opts ...Option) (*CA, error) {
	return newCA(name, ca, opts)
}

func newCA(name string, parent *CA, opts []Option) (*CA, error) {
	s := newSpec(opts)
	tmpl, err := s.template(name)
	if err != nil {
		return nil, err
	}
	tmpl.IsCA = true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
	if s.maxPathLenSet {
		tmpl.MaxPathLen = s.maxPathLen
		tmpl.MaxPathLenZero = s.maxPathLen == 0
	}
	cert, key, err := sign(tmpl, parent)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key, Parent: parent}, nil
}

// sign makes a key and signs tmpl with parent's key (self-signed when parent is nil).
func sign(tmpl *x509.Certificate, parent *CA) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("certgen: key: %w", err)
	}
	issuer, signer := tmpl, key
	if parent != nil {
		issuer, signer = parent.Cert, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, &key.PublicKey, signer)
	if err != nil {
		return nil, nil, fmt.Errorf("certgen: sign %q: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("certgen: parse %q: %w", tmpl.Subject.CommonName, err)
	}
	return cert, key, nil
}

// Root returns the self-signed CA at the top of ca's chain.
func (ca *CA) Root() *CA {
	for ca.Parent != nil {
		ca = ca.Parent
	}
	return ca
}

// Pool returns a pool holding only this CA's certificate, to use as trusted
// roots (for an intermediate, use Root().Pool() for a normal chain).
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// intermediates returns ca and its parents up to, not including, the root:
// what a server sends after its leaf.
func (ca *CA) intermediates() []*x509.Certificate {
	var out []*x509.Certificate
	for c := ca; c.Parent != nil; c = c.Parent {
		out = append(out, c.Cert)
	}
	return out
}

// CertPEM returns the CA certificate as PEM.
func (ca *CA) CertPEM() []byte { return CertsPEM(ca.Cert) }

// KeyPEM returns the CA key as a PKCS#8 PEM block.
func (ca *CA) KeyPEM() []byte { return keyPEM(ca.Key) }

// WritePEM writes the CA certificate and key to dir as NAME.pem and
// NAME-key.pem, NAME being the CN made file-safe.
func (ca *CA) WritePEM(dir string) (Files, error) {
	return writeFiles(dir, FileName(ca.Cert.Subject.CommonName), ca.CertPEM(), ca.KeyPEM())
}

// Leaf is a server certificate with its key and the chain a server sends.
type Leaf struct {
	TLS   tls.Certificate     // leaf + intermediates + key, for tls.Config.Certificates
	Cert  *x509.Certificate   // the leaf
	Key   *ecdsa.PrivateKey   // the leaf's key
	Chain []*x509.Certificate // leaf first, then intermediates; never the root
}

// Leaf makes a server certificate for hosts, signed by ca. Hosts that parse
// as IP addresses become IP SANs, the rest DNS SANs; the CN defaults to the
// first host. An empty hosts list makes a certificate without SANs.
func (ca *CA) Leaf(hosts []string, opts ...Option) (*Leaf, error) {
	s := newSpec(opts)
	cn := ""
	if len(hosts) > 0 {
		cn = hosts[0]
	}
	tmpl, err := s.template(cn)
	if err != nil {
		return nil, err
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	tmpl.BasicConstraintsValid = false
	cert, key, err := sign(tmpl, ca)
	if err != nil {
		return nil, err
	}
	chain := append([]*x509.Certificate{cert}, ca.intermediates()...)
	tc := tls.Certificate{PrivateKey: key, Leaf: cert}
	for _, c := range chain {
		tc.Certificate = append(tc.Certificate, c.Raw)
	}
	return &Leaf{TLS: tc, Cert: cert, Key: key, Chain: chain}, nil
}

// CertPEM returns the served chain (leaf, then intermediates) as PEM, the
// "fullchain" form servers such as nginx and squid expect.
func (l *Leaf) CertPEM() []byte { return CertsPEM(l.Chain...) }

// KeyPEM returns the leaf key as a PKCS#8 PEM block.
func (l *Leaf) KeyPEM() []byte { return keyPEM(l.Key) }

// WritePEM writes the chain and key to dir as NAME.pem and NAME-key.pem,
// NAME being the leaf's CN made file-safe.
func (l *Leaf) WritePEM(dir string) (Files, error) {
	return writeFiles(dir, FileName(l.Cert.Subject.CommonName), l.CertPEM(), l.KeyPEM())
}

// Files are the paths WritePEM wrote.
type Files struct {
	Cert string // certificate(s), PEM
	Key  string // private key, PKCS#8 PEM, mode 0600
}

// CertsPEM encodes certificates as consecutive PEM blocks.
func CertsPEM(certs ...*x509.Certificate) []byte {
	var b []byte
	for _, c := range certs {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return b
}

func keyPEM(k *ecdsa.PrivateKey) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		// Cannot happen for a P-256 key made by this package.
		panic("certgen: marshal key: " + err.Error())
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// FileName turns a certificate name into a safe file base name:
// "Zscaler Root CA" becomes "zscaler-root-ca", "*.okviz.com" "wildcard.okviz.com".
func FileName(name string) string {
	name = strings.ReplaceAll(strings.ToLower(name), "*", "wildcard")
	var b strings.Builder
	dash := false
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_'
		if ok {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-.")
	if out == "" {
		out = "cert"
	}
	return out
}

func writeFiles(dir, base string, cert, key []byte) (Files, error) {
	if dir == "" {
		return Files{}, errors.New("certgen: empty directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Files{}, fmt.Errorf("certgen: %w", err)
	}
	f := Files{Cert: filepath.Join(dir, base+".pem"), Key: filepath.Join(dir, base+"-key.pem")}
	if err := os.WriteFile(f.Cert, cert, 0o644); err != nil {
		return Files{}, fmt.Errorf("certgen: %w", err)
	}
	if err := os.WriteFile(f.Key, key, 0o600); err != nil {
		return Files{}, fmt.Errorf("certgen: %w", err)
	}
	return f, nil
}

// Must returns v, or panics when err is not nil: for test set-up code where
// a failure to make a certificate is a broken test, not a case to handle.
func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

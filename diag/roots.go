package diag

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// maxCertFile bounds what LoadCertPool reads: real bundles are well under
// a megabyte, and a path like /dev/zero must not hang the run.
const maxCertFile = 16 << 20

// PublicRoots returns the public web PKI roots (Mozilla's set, with its
// distrust-after constraints) embedded in the binary. It reads the bundle
// package directly: importing x509roots/fallback would install these roots
// as the process-wide fallback and blur the very difference between "the
// system trusts it" and "the public trusts it" that the TLS probe measures.
func PublicRoots() (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	n := 0
	for r := range bundle.Roots() {
		c, err := x509.ParseCertificate(r.Certificate)
		if err != nil {
			continue // a root this Go version cannot parse cannot anchor a chain either
		}
		pool.AddCertWithConstraint(c, r.Constraint)
		n++
	}
	if n == 0 {
		return nil, errors.New("the embedded public root bundle holds no usable certificate")
	}
	return pool, nil
}

// LoadCertPool reads PEM (or DER) certificates from path for --ca-file and
// --public-roots. A missing, empty, oversized or unparsable file is an
// error naming the file and the problem.
func LoadCertPool(path string) (*x509.CertPool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError names the file and the reason
	}
	defer f.Close()
	// Reading a directory fails on Unix with "is a directory" but on
	// Windows with "Incorrect function.": say it the same way everywhere.
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a certificate file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxCertFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxCertFile {
		return nil, fmt.Errorf("%s: larger than %d MiB, not a certificate file", path, maxCertFile>>20)
	}
	certs, err := ParseChain(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

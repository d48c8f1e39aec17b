package diag

import (
	"crypto/x509"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/internal/wine"
)

func TestPublicRoots(t *testing.T) {
	pool, err := PublicRoots()
	if err != nil {
		t.Fatal(err)
	}
	// The Mozilla set has well over a hundred roots; a handful would mean
	// the bundle was read wrongly.
	//lint:ignore SA1019 only counting the roots of a pool built from the bundle, not the system pool
	if n := len(pool.Subjects()); n < 100 {
		t.Fatalf("%d public roots", n)
	}
	// A private CA is not in it, so its chain fails public verification.
	ca := certgen.Must(certgen.NewCA("Zscaler Root CA"))
	leaf := certgen.Must(ca.Leaf([]string{tlsTestHost}))
	r := verifyChain(leaf.Chain, pool, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), "public")
	var uae x509.UnknownAuthorityError
	if r.OK || !errors.As(r.err, &uae) {
		t.Fatalf("private chain against public roots: %+v", r)
	}
}

func TestLoadCertPool(t *testing.T) {
	dir := wine.TempDir(t)
	ca := certgen.Must(certgen.NewCA("Corp Inspection CA"))
	files, err := ca.WritePEM(dir)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A missing file is worded by the OS ("no such file", "The system
	// cannot find the file specified."): wantErr for it is the error's
	// meaning, fs.ErrNotExist, not a text.
	const notExist = "\x00not exist"
	tests := []struct {
		name    string
		path    string
		wantErr string
	}{
		{"PEM", files.Cert, ""},
		{"DER", write("ca.cer", ca.Cert.Raw), ""},
		{"missing", filepath.Join(dir, "nope.pem"), notExist},
		{"empty", write("empty.pem", nil), "empty"},
		{"garbage", write("garbage.pem", []byte("this is not a certificate")), "neither PEM nor DER"},
		{"key instead of certificate", files.Key, "no CERTIFICATE PEM block"},
		{"directory", dir, "directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool, err := LoadCertPool(tt.path)
			if tt.wantErr != "" {
				if tt.wantErr == notExist && !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("err %v, want one saying the file does not exist", err)
				} else if tt.wantErr != notExist && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
					t.Fatalf("err %v, want one containing %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.path) {
					t.Errorf("error does not name the file: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			leaf := certgen.Must(ca.Leaf([]string{tlsTestHost}))
			if r := verifyChain(leaf.Chain, pool, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), "ca_file"); !r.OK {
				t.Errorf("loaded pool does not anchor the chain: %s", r.Error)
			}
		})
	}
	var pe *fs.PathError
	if _, err := LoadCertPool(filepath.Join(dir, "nope.pem")); !errors.As(err, &pe) {
		t.Errorf("missing file: %T, want *fs.PathError", err)
	}
}

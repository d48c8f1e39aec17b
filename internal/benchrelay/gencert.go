package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/okviz/okviz-check/internal/certgen"
)

// genCertCmd writes a throwaway CA and a server certificate for the hosts
// given as arguments: DIR/ca.pem, DIR/server.pem (leaf first) and
// DIR/server-key.pem.
func genCertCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gencert", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory to write ca.pem, server.pem and server-key.pem to")
	if err := parseFlags(fs, args, stderr, true, nil, "dir"); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: gencert: name at least one HOST for the server certificate", errUsage)
	}
	ca, err := certgen.NewCA("okviz-check bench CA")
	if err != nil {
		return err
	}
	leaf, err := ca.Leaf(fs.Args())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	files := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{"ca.pem", ca.CertPEM(), 0o644},
		{"server.pem", leaf.CertPEM(), 0o644},
		{"server-key.pem", leaf.KeyPEM(), 0o600},
	}
	for _, f := range files {
		path := filepath.Join(*dir, f.name)
		if err := os.WriteFile(path, f.data, f.mode); err != nil {
			return err
		}
		fmt.Fprintln(stdout, path)
	}
	return nil
}

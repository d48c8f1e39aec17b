package cmd

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/spf13/viper"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/certgen"
)

// TestRunRulesInjected drives runRules with an injected resolver and chain
// fetcher: no network, every exit path.
func TestRunRulesInjected(t *testing.T) {
	ca := certgen.Must(certgen.NewCA("Rules Test CA"))
	leaf := certgen.Must(ca.Leaf([]string{"api.example.com"},
		certgen.OCSPServer("http://ocsp.example.com"), certgen.CRLDistributionPoint("http://crl.example.com/ca.crl")))
	chain := leaf.Chain
	lookup := func(_ context.Context, host string) ([]netip.Addr, error) {
		if host == "api.example.com" || host == "ocsp.example.com" || host == "crl.example.com" {
			return []netip.Addr{netip.MustParseAddr("203.0.113.10")}, nil
		}
		return nil, errors.New("no such host")
	}
	fetch := func(context.Context, diag.Target, time.Duration) ([]*x509.Certificate, error) { return chain, nil }
	broken := func(context.Context, diag.Target, time.Duration) ([]*x509.Certificate, error) {
		return nil, errors.New("connection refused")
	}
	cases := []struct {
		name     string
		o        rulesOptions
		args     []string
		code     int
		out, err string
	}{
		{"resolve", rulesOptions{Format: "iptables", Resolve: true, lookup: lookup}, []string{"api.example.com"}, 0, "-d 203.0.113.10/32 --dport 443", "addresses change"},
		{"unresolvable", rulesOptions{Format: "text", Resolve: true, lookup: lookup}, []string{"nowhere.example.net"}, ExitUnreachable, "", "cannot resolve nowhere.example.net"},
		{"revocation", rulesOptions{Format: "squid", Revocation: true, fetchChain: fetch}, []string{"api.example.com"}, 0, "dstdomain ocsp.example.com crl.example.com", ""},
		{"revocation fails", rulesOptions{Format: "text", Revocation: true, fetchChain: broken}, []string{"api.example.com"}, ExitUnreachable, "", "cannot read the certificate chain"},
		{"bad format", rulesOptions{Format: "nope"}, nil, ExitUsage, "", "unknown rules format"},
		{"nothing to apply", rulesOptions{Format: "nftables"}, []string{"api.example.com"}, 0, "chain okviz_check", "note: this nftables file allows nothing yet"},
		{"csv provenance", rulesOptions{Format: "csv"}, []string{"api.example.com"}, 0, "host,port,protocol", "okviz-check 1.2.0: whitelist rules as CSV"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			env := &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
				Now: func() time.Time { return time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC) }}
			a := &app{env: env, build: Build{Version: "1.2.0"}, global: globalOptions{Timeout: time.Second, cfg: &config{v: viper.New(), getenv: env.Getenv}}}
			o := tc.o
			err := a.runRules(context.Background(), &o, tc.args)
			if got := exitCode(context.Background(), err); got != tc.code {
				t.Fatalf("exit %d, want %d (err %v)", got, tc.code, err)
			}
			if err != nil {
				errb.WriteString(err.Error())
			}
			// An empty want means nothing at all on that stream.
			if tc.out == "" && out.Len() > 0 || !strings.Contains(out.String(), tc.out) {
				t.Errorf("stdout: want %q, got:\n%s", tc.out, out.String())
			}
			if tc.err == "" && errb.Len() > 0 || !strings.Contains(errb.String(), tc.err) {
				t.Errorf("stderr: want %q, got:\n%s", tc.err, errb.String())
			}
		})
	}
}

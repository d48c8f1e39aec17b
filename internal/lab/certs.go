package lab

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"time"

	"github.com/okviz/okviz-check/internal/certgen"
)

// certSet is what makeCerts wrote.
type certSet struct {
	leaves      map[string]certgen.Files // by cert name (certGood, …)
	caFile      string                   // lab root + interception root: --ca-file
	publicRoots string                   // lab root only: --public-roots
	roots       *x509.CertPool           // lab root, for the harness's own clients
	caPool      *x509.CertPool           // lab root + interception root
}

// makeCerts builds the lab's PKI in dir: a "public" root with an issuing
// intermediate (what a commercial CA looks like), an interception root
// named like Zscaler's, and a root nobody trusts.
//
// now anchors the certificates whose point is their distance from the
// present (not yet valid, expiring soon); all others have fixed dates.
func makeCerts(dir string, now time.Time) (certSet, error) {
	var cs certSet
	root, err := certgen.NewCA("OKVIZ Lab Public Root CA", certgen.Organization("OKVIZ Lab Trust Services"))
	if err != nil {
		return cs, err
	}
	issuing, err := root.Intermediate("OKVIZ Lab Issuing CA 1", certgen.Organization("OKVIZ Lab Trust Services"))
	if err != nil {
		return cs, err
	}
	zscaler, err := certgen.NewCA("Zscaler Root CA", certgen.Organization("Zscaler Inc."), certgen.OrganizationalUnit("Zscaler Inc."))
	if err != nil {
		return cs, err
	}
	zscalerInt, err := zscaler.Intermediate("Zscaler Intermediate Root CA (zscaler.net)", certgen.Organization("Zscaler Inc."))
	if err != nil {
		return cs, err
	}
	stranger, err := certgen.NewCA("Unknown Lab Root CA", certgen.Organization("Nobody Trusts Me Ltd"))
	if err != nil {
		return cs, err
	}

	expired := certgen.Validity(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC))
	// A certificate installed before its start date, and one about to end.
	day := 24 * time.Hour
	notYetValid := certgen.Validity(now.Add(30*day), now.Add(400*day))
	expiring := certgen.Validity(now.Add(-60*day), now.Add(ExpiringSoonIn))
	// One certificate for all the origins a client firewall blocks.
	firewalled := []string{HostDropped, HostRefused, HostProhibited, HostIPv6Broken, HostPQDrop}
	type leafSpec struct {
		name  string
		ca    *certgen.CA
		hosts []string
		opts  []certgen.Option
	}
	specs := []leafSpec{
		{certGood, issuing, []string{HostGood}, nil},
		{certMismatch, issuing, []string{HostGood}, nil},
		{certExpired, issuing, []string{HostExpired}, []certgen.Option{expired}},
		{certWrongName, issuing, []string{"www.unrelated.example"}, nil},
		{certUntrusted, stranger, []string{HostUntrusted}, nil},
		{certIntercepted, zscalerInt, []string{HostIntercepted}, nil},
		{certBlockPage, zscalerInt, []string{HostBlockPage}, nil},
		{certPortal, issuing, []string{HostPortal}, nil},
		{certSNIBlocked, issuing, []string{HostSNIBlocked}, nil},
		{certError, issuing, []string{HostServerError}, nil},
		{certFirewalled, issuing, firewalled, nil},
		{certSkew, issuing, []string{HostClockSkew}, nil},
		{certNotYetValid, issuing, []string{HostNotYetValid}, []certgen.Option{notYetValid}},
		{certExpiring, issuing, []string{HostExpiring}, []certgen.Option{expiring}},
		{certProxy, issuing, []string{HostSecureProxy, hostOf(HTTPSProxyAddr)}, nil},
		{certForbidden, issuing, []string{HostForbidden}, nil},
		{certSameSite, stranger, []string{HostSameSite}, nil},
		{certHijacked, issuing, []string{HostHijacked}, nil},
		{certPrivate, issuing, []string{HostPrivate, HostSynthetic}, nil},
		{certPrivateBlock, zscalerInt, []string{HostPrivateBlock}, nil},
		{certDoH, zscalerInt, []string{InterceptedDoHAddr}, nil},
	}
	cs.leaves = make(map[string]certgen.Files)
	for _, s := range specs {
		leaf, err := s.ca.Leaf(s.hosts, s.opts...)
		if err != nil {
			return cs, err
		}
		// WritePEM names files after the CN, which two leaves share.
		f, err := leaf.WritePEM(filepath.Join(dir, s.name))
		if err != nil {
			return cs, err
		}
		cs.leaves[s.name] = f
	}

	cs.caFile = filepath.Join(dir, "ca-file.pem")
	cs.publicRoots = filepath.Join(dir, "public-roots.pem")
	if err := os.WriteFile(cs.caFile, certgen.CertsPEM(root.Cert, zscaler.Cert), 0o644); err != nil {
		return cs, err
	}
	if err := os.WriteFile(cs.publicRoots, root.CertPEM(), 0o644); err != nil {
		return cs, err
	}
	cs.roots = root.Pool()
	cs.caPool = root.Pool()
	cs.caPool.AddCert(zscaler.Cert)
	return cs, nil
}

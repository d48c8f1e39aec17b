package diag

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// VerifyResult is one verifier's opinion of the served chain.
type VerifyResult struct {
	OK    bool     `json:"ok"`
	Via   string   `json:"via,omitempty"`   // which roots anchored it: "system", "ca_file", "public"
	Error string   `json:"error,omitempty"` // the verifier's message, when it failed
	Chain []string `json:"chain,omitempty"` // subjects of the verified path, leaf first
	err   error
}

func newVerifyResult(via string, chains [][]*x509.Certificate, err error) VerifyResult {
	if err != nil {
		return VerifyResult{Error: err.Error(), err: err}
	}
	r := VerifyResult{OK: true, Via: via}
	if len(chains) > 0 {
		for _, c := range chains[0] {
			r.Chain = append(r.Chain, c.Subject.String())
		}
	}
	return r
}

// verifyChain verifies the leaf, with the rest of the served chain as
// intermediates, at now, against roots. The host name is checked apart
// (judgeChain) so that trust and naming are reported separately.
func verifyChain(chain []*x509.Certificate, roots *x509.CertPool, now time.Time, via string) VerifyResult {
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	chains, err := chain[0].Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	return newVerifyResult(via, chains, err)
}

// verifySystem is what the machine's TLS clients conclude. Roots nil means
// the OS: on Windows and macOS the platform verifier (which honours
// enterprise roots pushed by GPO/MDM), elsewhere the system bundle. The
// --ca-file roots are tried as a second anchor set rather than merged in:
// a CertPool cannot be enumerated, and on Windows and macOS a pool from
// SystemCertPool() with added roots runs the platform verifier first and
// Go's verifier with the added roots only second, which is the same union.
func (p *Prober) verifySystem(chain []*x509.Certificate, now time.Time) VerifyResult {
	sys := p.boundedVerify(func() VerifyResult { return verifyChain(chain, p.SystemRoots, now, "system") })
	if sys.OK || p.ExtraRoots == nil {
		return sys
	}
	extra := verifyChain(chain, p.ExtraRoots, now, "ca_file")
	if extra.OK {
		return extra
	}
	sys.Error += "; with --ca-file roots: " + extra.Error
	return sys
}

// boundedVerify runs the platform verifier within p.Timeout. On Windows
// CryptoAPI may fetch missing intermediates and root updates over HTTP,
// synchronously and without a way to cancel it; on a network that drops
// those fetches the run must still end near --timeout. A verifier that is
// still busy then is reported as such (its goroutine finishes on its own).
func (p *Prober) boundedVerify(verify func() VerifyResult) VerifyResult {
	done := make(chan VerifyResult, 1)
	go func() { done <- verify() }()
	timer := time.NewTimer(p.Timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r
	case <-timer.C:
		err := fmt.Errorf("the system verifier did not finish within %s (it may be fetching intermediates or revocation data that the network blocks)", p.Timeout)
		return VerifyResult{Error: err.Error(), err: err}
	}
}

// verifyPublic is what a client with only the public web's roots (Mozilla's
// set, or --public-roots) concludes.
func (p *Prober) verifyPublic(chain []*x509.Certificate, now time.Time) VerifyResult {
	roots := p.PublicRoots
	if roots == nil {
		var err error
		if roots, err = PublicRoots(); err != nil {
			return VerifyResult{Error: err.Error(), err: err}
		}
	}
	return verifyChain(chain, roots, now, "public")
}

// judgeChain decides the TLS check of a completed handshake from the served
// chain: the two verifiers decide trust, the leaf decides naming and time,
// and the interceptor table only names the product.
func (p *Prober) judgeChain(t Target, chain []*x509.Certificate, details *TLSDetails) Check {
	details.Chain = summarizeChain(chain)
	var ocsp, crl, aia []string
	for _, c := range chain {
		ocsp = append(ocsp, c.OCSPServer...)
		crl = append(crl, c.CRLDistributionPoints...)
		aia = append(aia, c.IssuingCertificateURL...)
	}
	details.OCSP, details.CRL, details.AIA = dedupe(ocsp), dedupe(crl), dedupe(aia)
	details.RevocationHosts = revocationHosts(RevocationURLs(chain))
	if len(chain) == 0 {
		return newCheck(CheckTLSHandshake, TLSProtocolError, "The server completed the handshake without a certificate.", details)
	}

	now := p.Now()
	leaf := chain[0]
	sys := p.verifySystem(chain, now)
	pub := p.verifyPublic(chain, now)
	hostOK, hostErr := true, ""
	if err := leaf.VerifyHostname(t.Host); err != nil {
		hostOK, hostErr = false, err.Error()
	}
	details.Verify = &TLSVerify{
		System:   sys,
		Public:   pub,
		Hostname: TLSHostname{OK: hostOK, Error: hostErr, Host: t.Host},
		Time:     now.UTC().Format(time.RFC3339),
	}
	// Public trust is decided before any vendor label: a chain the public
	// web's roots anchor is a public CA's, whatever its names say, so the
	// interception table only ever names the product behind a chain that
	// is not publicly trusted.
	var prod Interceptor
	known := false
	if !p.anchoredPublicly(chain, pub) {
		prod, known = matchInterceptor(chain)
	}
	by := ""
	if known {
		details.Product, details.ProductKind, details.ProductMatch = prod.Product, prod.Kind, prod.Matched
		by = " (" + prod.Product + ")"
	}
	issuer := leaf.Issuer.CommonName
	if issuer == "" {
		issuer = leaf.Issuer.String()
	}

	switch {
	case now.Before(leaf.NotBefore):
		return newCheck(CheckTLSHandshake, TLSNotYetValid, fmt.Sprintf(
			"The certificate%s is valid only from %s; this machine's clock says %s.",
			by, leaf.NotBefore.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)), details)
	case now.After(leaf.NotAfter):
		return newCheck(CheckTLSHandshake, TLSExpired, fmt.Sprintf(
			"The certificate%s expired on %s; this machine's clock says %s.",
			by, leaf.NotAfter.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)), details)
	case !hostOK:
		return newCheck(CheckTLSHandshake, TLSHostnameMismatch, fmt.Sprintf(
			"The certificate%s issued by %q does not name %s: %s.", by, issuer, t.Host, hostErr), details)
	case sys.OK && pub.OK:
		if left := leaf.NotAfter.Sub(now); left < expiringSoon {
			return newCheck(CheckTLSHandshake, TLSExpiringSoon, fmt.Sprintf(
				"The certificate expires on %s, in %s.", leaf.NotAfter.UTC().Format(time.RFC3339), humanDays(left)), details)
		}
		return newCheck(CheckTLSHandshake, TLSOK, "", details)
	case sys.OK:
		what := "A middlebox decrypts this connection (TLS inspection)"
		if known {
			what = "TLS inspection by " + prod.Product
		}
		c := newCheck(CheckTLSHandshake, TLSIntercepted, fmt.Sprintf(
			"%s: the certificate is issued by %q, which this machine trusts but the public web does not.", what, issuer), details)
		if known && prod.Kind == kindEndpoint {
			c.Remediation = "Desk-side: " + prod.Product + " on this machine inspects HTTPS; exclude the target from its web scanning, or accept the inspection if apps here trust its CA."
		}
		return c
	case pub.OK:
		return newCheck(CheckTLSHandshake, TLSUntrusted, fmt.Sprintf(
			"The certificate chain is publicly trusted but not by this machine (%s): its root store is missing or out of date.", sys.Error), details)
	case known:
		c := newCheck(CheckTLSHandshake, TLSIntercepted, fmt.Sprintf(
			"TLS inspection by %s: the certificate is issued by %q, which this machine does not trust, so TLS fails.", prod.Product, issuer), details)
		c.Status = StatusFail
		c.Remediation = "Security team: exempt the target from " + prod.Product + " TLS inspection, or deploy its CA to this machine's trust store."
		return c
	}
	if ci, ok := errors.AsType[x509.CertificateInvalidError](sys.err); ok && ci.Reason == x509.Expired && ci.Cert != nil {
		code, when := TLSExpired, "expired on "+ci.Cert.NotAfter.UTC().Format(time.RFC3339)
		if now.Before(ci.Cert.NotBefore) {
			code, when = TLSNotYetValid, "is valid only from "+ci.Cert.NotBefore.UTC().Format(time.RFC3339)
		}
		return newCheck(CheckTLSHandshake, code, fmt.Sprintf("The chain certificate %q %s.", ci.Cert.Subject.CommonName, when), details)
	}
	return newCheck(CheckTLSHandshake, TLSUntrusted, fmt.Sprintf(
		"The certificate is issued by %q, which neither this machine nor the public web trusts (%s).", issuer, sys.Error), details)
}

// anchoredPublicly says whether the public web's roots anchor the chain:
// it verifies with them now, or failed only on time and verifies at the
// middle of the leaf's validity (an expired public certificate is still a
// public CA's, not an inspection product's).
func (p *Prober) anchoredPublicly(chain []*x509.Certificate, pub VerifyResult) bool {
	if pub.OK {
		return true
	}
	if ci, ok := errors.AsType[x509.CertificateInvalidError](pub.err); !ok || ci.Reason != x509.Expired {
		return false
	}
	leaf := chain[0]
	return p.verifyPublic(chain, leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore)/2)).OK
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// humanDays renders a short remaining time for a summary.
func humanDays(d time.Duration) string {
	if d < 24*time.Hour {
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

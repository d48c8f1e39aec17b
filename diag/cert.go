package diag

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"
)

// CertSummary is what the report shows of one served certificate. Names
// and URLs are kept exactly as the server sent them; the report layer
// sanitises them for terminals.
type CertSummary struct {
	Subject            string   `json:"subject"`
	Issuer             string   `json:"issuer"`
	Serial             string   `json:"serial"`
	NotBefore          string   `json:"not_before"` // RFC 3339, UTC
	NotAfter           string   `json:"not_after"`
	SHA256             string   `json:"sha256"`      // of the DER certificate
	SPKISHA256         string   `json:"spki_sha256"` // of the public key info, stable across renewals with the same key
	DNSNames           []string `json:"dns_names"`
	IPAddresses        []string `json:"ip_addresses"`
	IsCA               bool     `json:"is_ca"`
	SelfSigned         bool     `json:"self_signed"`
	KeyType            string   `json:"key_type"`
	SignatureAlgorithm string   `json:"signature_algorithm"`
	OCSP               []string `json:"ocsp"`
	CRL                []string `json:"crl"`
	AIA                []string `json:"aia"` // caIssuers URLs
	EmbeddedSCTs       int      `json:"embedded_scts"`
}

// oidSCTList is the RFC 6962 embedded SCT list extension, which crypto/x509
// keeps as a raw extension. Interception CAs almost never add SCTs.
const oidSCTList = "1.3.6.1.4.1.11129.2.4.2"

// summarizeCert describes one certificate; it never fails, whatever the
// certificate holds.
func summarizeCert(c *x509.Certificate) CertSummary {
	sum := sha256.Sum256(c.Raw)
	spki := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	s := CertSummary{
		Subject:            c.Subject.String(),
		Issuer:             c.Issuer.String(),
		NotBefore:          c.NotBefore.UTC().Format(time.RFC3339),
		NotAfter:           c.NotAfter.UTC().Format(time.RFC3339),
		SHA256:             hex.EncodeToString(sum[:]),
		SPKISHA256:         hex.EncodeToString(spki[:]),
		DNSNames:           nonNil(c.DNSNames),
		IPAddresses:        []string{},
		IsCA:               c.IsCA,
		SelfSigned:         bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil,
		KeyType:            keyType(c),
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		OCSP:               nonNil(c.OCSPServer),
		CRL:                nonNil(c.CRLDistributionPoints),
		AIA:                nonNil(c.IssuingCertificateURL),
		EmbeddedSCTs:       countSCTs(c),
	}
	if c.SerialNumber != nil {
		s.Serial = c.SerialNumber.Text(16)
	}
	for _, ip := range c.IPAddresses {
		s.IPAddresses = append(s.IPAddresses, ip.String())
	}
	return s
}

// summarizeChain describes every certificate of a chain, leaf first.
func summarizeChain(chain []*x509.Certificate) []CertSummary {
	out := make([]CertSummary, 0, len(chain))
	for _, c := range chain {
		out = append(out, summarizeCert(c))
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func keyType(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return c.PublicKeyAlgorithm.String()
}

// countSCTs counts the entries of an embedded SCT list. The extension
// value is an OCTET STRING wrapping a TLS-encoded list: a 2-byte total
// length, then 2-byte-length-prefixed SCTs. A malformed list counts the
// entries that could be read.
func countSCTs(c *x509.Certificate) int {
	for _, e := range c.Extensions {
		if e.Id.String() != oidSCTList {
			continue
		}
		v := e.Value
		// Unwrap the DER OCTET STRING (tag 4), short or long length form.
		if len(v) < 2 || v[0] != 0x04 {
			return 0
		}
		n, hdr := int(v[1]), 2
		if n&0x80 != 0 {
			nb := n & 0x7f
			if nb == 0 || nb > 2 || len(v) < 2+nb {
				return 0
			}
			n = 0
			for _, b := range v[2 : 2+nb] {
				n = n<<8 | int(b)
			}
			hdr += nb
		}
		if len(v) < hdr+n || n < 2 {
			return 0
		}
		list := v[hdr : hdr+n]
		total := int(list[0])<<8 | int(list[1])
		list = list[2:]
		if total < len(list) {
			list = list[:total]
		}
		count := 0
		for len(list) >= 2 {
			l := int(list[0])<<8 | int(list[1])
			if len(list) < 2+l {
				break
			}
			list = list[2+l:]
			count++
		}
		return count
	}
	return 0
}

// ParseChain reads certificates from PEM (any number of CERTIFICATE blocks;
// other blocks such as keys are skipped) or from DER (one or more
// concatenated certificates). Errors say which certificate failed.
func ParseChain(data []byte) ([]*x509.Certificate, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("no certificates: the input is empty")
	}
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		// DER is binary: trailing bytes that look like white space belong
		// to the signature, so the input is parsed untrimmed.
		certs, err := x509.ParseCertificates(data)
		if err != nil {
			return nil, fmt.Errorf("neither PEM nor DER certificates: %w", err)
		}
		if len(certs) == 0 {
			return nil, errors.New("no certificates in the DER input")
		}
		return certs, nil
	}
	var certs []*x509.Certificate
	others := 0
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			others++
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(certs)+1, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		if others > 0 {
			return nil, fmt.Errorf("no CERTIFICATE PEM block (found %d other blocks)", others)
		}
		return nil, errors.New("no valid PEM block found")
	}
	return certs, nil
}

// WriteChainPEM writes the chain as consecutive PEM CERTIFICATE blocks, leaf
// first, as served (for `okviz-check tls --export-chain FILE`).
func WriteChainPEM(w io.Writer, chain []*x509.Certificate) error {
	if len(chain) == 0 {
		return errors.New("no certificate chain to write: the handshake did not get that far")
	}
	for _, c := range chain {
		if err := pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}); err != nil {
			return err
		}
	}
	return nil
}

// RevocationURLs lists the OCSP responders, CRL distribution points and AIA
// issuer URLs named by the chain, de-duplicated, in chain order, for
// `rules --revocation`. URLs are kept as served.
func RevocationURLs(chain []*x509.Certificate) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, c := range chain {
		for _, list := range [][]string{c.OCSPServer, c.CRLDistributionPoints, c.IssuingCertificateURL} {
			for _, u := range list {
				if u == "" || seen[u] {
					continue
				}
				seen[u] = true
				out = append(out, u)
			}
		}
	}
	return out
}

// revocationHosts is the set of distinct host names in urls, for the
// details: the admin allows hosts, not URLs.
func revocationHosts(urls []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			continue
		}
		if !seen[u.Host] {
			seen[u.Host] = true
			out = append(out, u.Host)
		}
	}
	return out
}

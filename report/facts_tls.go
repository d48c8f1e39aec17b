package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/okviz/okviz-check/diag"
)

// variantNames says what each TLS variant handshake tried.
var variantNames = map[string]string{
	"neutral_sni":         "neutral SNI",
	"classic_clienthello": "classic ClientHello",
}

func tlsFacts(f *factList, d *diag.TLSDetails) {
	alpn := ""
	if d.ALPN != nil {
		alpn = *d.ALPN
	}
	f.add(val(d.Version), val(d.Cipher), val(alpn))
	if len(d.Chain) > 0 {
		leaf := d.Chain[0]
		issuer := ""
		if leaf.Issuer != "" {
			issuer = "issued by " + val(leaf.Issuer)
		}
		if leaf.SelfSigned {
			issuer = "self-signed"
		}
		until := ""
		if leaf.NotAfter != "" {
			until = "valid until " + val(day(leaf.NotAfter))
		}
		if leaf.Subject != "" {
			f.add("certificate: "+val(leaf.Subject), issuer, until)
		}
	}
	if v := d.Verify; v != nil {
		tlsTrustFacts(f, v, d.Chain)
	}
	if d.Product != "" {
		s := "product: " + val(d.Product)
		if d.ProductKind != "" {
			s += " (" + val(d.ProductKind) + ")"
		}
		f.add(s)
	}
	for _, v := range d.Variants {
		name := v.Variant
		if n, ok := variantNames[name]; ok {
			name = n
		}
		s := "variant " + val(name)
		if name == "neutral SNI" {
			s += " " + val(v.SNI)
		}
		f.add(s + ": " + val(v.Result) + " " + ms(v.DurationMS))
	}
	switch {
	case d.Alert != "":
		alert := d.Alert
		if d.AlertCode != nil {
			alert += fmt.Sprintf(" (%d)", *d.AlertCode)
		}
		f.kv("alert", alert)
	case d.Error != "":
		key := "error"
		if d.ErrorKind != "" {
			key += " (" + val(d.ErrorKind) + ")"
		}
		f.kv(key, d.Error)
	}
	if d.FirstBytes != "" {
		f.add("first bytes: " + truncate(strings.TrimSpace(clean(d.FirstBytes)), 80))
	}
}

// tlsTrustFacts says who trusts the chain, unless both do without help
// (what tls.ok says already), and which names the leaf holds when the
// target is not one of them.
func tlsTrustFacts(f *factList, v *diag.TLSVerify, chain []diag.CertSummary) {
	sys, pub := v.System, v.Public
	if !(sys.OK && pub.OK && sys.Via != "ca_file") {
		s := "system " + yesNo(sys.OK)
		if sys.Via == "ca_file" {
			s += " (with --ca-file)"
		}
		f.add("trusted by: " + s + ", public " + yesNo(pub.OK))
	}
	if !v.Hostname.OK && len(chain) > 0 {
		if names := append(append([]string{}, chain[0].DNSNames...), chain[0].IPAddresses...); len(names) > 0 {
			f.add("names in certificate: " + capped(names))
		}
	}
}

// day shortens an RFC 3339 time to its date; other text is kept.
func day(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Format(time.DateOnly)
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

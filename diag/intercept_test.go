package diag

import (
	"testing"

	"github.com/okviz/okviz-check/internal/certgen"
)

func TestMatchInterceptor(t *testing.T) {
	tests := []struct {
		cn, org, email string
		want           string
	}{
		{"Zscaler Root CA", "Zscaler Inc.", "", "Zscaler"},
		{"Zscaler Intermediate Root CA (zscalerthree.net)", "", "", "Zscaler"},
		{"caadmin.netskope.com", "", "", "Netskope"},
		{"ca.acme.goskope.com", "", "", "Netskope"},
		{"Forward Trust CA", "Palo Alto Networks", "", "Palo Alto Networks"},
		{"PAN-FW Trust", "", "", "Palo Alto Networks"},
		{"FortiGate CA", "Fortinet", "", "Fortinet FortiGate"},
		{"Fortinet_CA_SSL", "", "", "Fortinet FortiGate"},
		{"FG100F", "", "support@fortinet.com", "Fortinet FortiGate"},
		{"Cisco Umbrella Primary SubCA", "Cisco", "", "Cisco Umbrella"},
		{"WSA Root", "Cisco Systems", "", "Cisco"},
		{"ProxySG Root", "", "", "Blue Coat / Broadcom (Symantec) ProxySG"},
		{"Root", "Blue Coat Systems", "", "Blue Coat / Broadcom (Symantec) ProxySG"},
		{"Broadcom Web Security Service Root", "", "", "Blue Coat / Broadcom (Symantec) ProxySG"},
		{"Sophos SSL CA_C1234", "", "", "Sophos"},
		{"Forcepoint Cloud CA", "Forcepoint LLC", "", "Forcepoint (Websense)"},
		{"McAfee Web Gateway", "", "", "McAfee / Skyhigh Web Gateway"},
		{"Skyhigh Secure Web Gateway", "", "", "McAfee / Skyhigh Web Gateway"},
		{"Check Point HTTPS Inspection CA", "", "", "Check Point"},
		{"Kaspersky Anti-Virus Personal Root Certificate", "", "", "Kaspersky"},
		{"ESET SSL Filter CA", "ESET, spol. s r. o.", "", "ESET"},
		{"avast! Web/Mail Shield Root", "", "", "Avast / AVG"},
		{"AVG Web/Mail Shield Root", "", "", "Avast / AVG"},
		{"Bitdefender Personal CA.Net-Defender", "Bitdefender", "", "Bitdefender"},
		{"Barracuda CloudGen Firewall CA", "", "", "Barracuda"},
		{"iboss SSL Root", "", "", "iboss"},
		{"Menlo Security Intermediate", "", "", "Menlo Security"},
		{"Cloudflare for Teams ECC Certificate Authority", "Cloudflare, Inc.", "", "Cloudflare Gateway"},
		{"DO_NOT_TRUST_FiddlerRoot", "DO_NOT_TRUST", "", "Fiddler"},
		{"mitmproxy", "mitmproxy", "", "mitmproxy"},
		// Public CAs and look-alikes are not labelled.
		{"DigiCert Global G2 TLS RSA SHA256 2020 CA1", "DigiCert Inc", "", ""},
		{"Cloudflare Inc ECC CA-3", "Cloudflare, Inc.", "", ""},
		{"Symantec Class 3 Secure Server CA - G4", "Symantec Corporation", "", ""},
		{"Unified Communications Root", "", "", ""},
		{"R3", "Let's Encrypt", "", ""},
		{"Contoso Inspection CA", "Contoso", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.cn, func(t *testing.T) {
			opts := []certgen.Option{}
			if tt.org != "" {
				opts = append(opts, certgen.Organization(tt.org))
			}
			if tt.email != "" {
				opts = append(opts, certgen.SubjectEmail(tt.email))
			}
			ca := certgen.Must(certgen.NewCA(tt.cn, opts...))
			leaf := certgen.Must(ca.Leaf([]string{tlsTestHost}))
			got, ok := matchInterceptor(leaf.Chain)
			if got.Product != tt.want || ok != (tt.want != "") {
				t.Fatalf("got %q (%v), want %q", got.Product, ok, tt.want)
			}
			if ok && (got.Kind == "" || got.Matched == "") {
				t.Errorf("incomplete label %+v", got)
			}
		})
	}
}

func TestMatchInterceptorChainPosition(t *testing.T) {
	// The product names the root; the leaf's issuer is a tenant intermediate.
	root := certgen.Must(certgen.NewCA("Zscaler Root CA", certgen.Organization("Zscaler Inc.")))
	inter := certgen.Must(root.Intermediate("Tenant 42 Issuing CA"))
	leaf := certgen.Must(inter.Leaf([]string{tlsTestHost}))
	if got, ok := matchInterceptor(leaf.Chain); !ok || got.Product != "Zscaler" {
		t.Errorf("got %+v %v", got, ok)
	}
	// A leaf whose own subject names a product says nothing about the issuer.
	other := certgen.Must(certgen.NewCA("Plain Root"))
	named := certgen.Must(other.Leaf([]string{"zscaler.example.test"}))
	if got, ok := matchInterceptor(named.Chain); ok {
		t.Errorf("leaf subject matched: %+v", got)
	}
	if _, ok := matchInterceptor(nil); ok {
		t.Error("empty chain matched")
	}
}

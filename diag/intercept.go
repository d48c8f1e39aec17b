package diag

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"regexp"
	"strings"
)

// Interceptor is a TLS-inspection product recognised by the names on the
// certificates it mints. It only labels a result: the two verifiers decide
// whether a connection is intercepted, the label says by what.
type Interceptor struct {
	Product string `json:"product"`
	Kind    string `json:"kind"`    // where it runs: "network", "cloud", "endpoint" (antivirus on this machine) or "developer"
	Matched string `json:"matched"` // the certificate name that matched, as served
}

// Where an inspecting product usually runs; the remediation differs (the
// network team for a gateway, the desk-side team for an antivirus).
const (
	kindNetwork   = "network"
	kindCloud     = "cloud"
	kindEndpoint  = "endpoint"
	kindDeveloper = "developer"
)

// interceptorPatterns maps issuer names to products. Patterns are matched,
// case-insensitively, against "CN, O, OU, e-mail" of the leaf's issuer and
// of every other certificate in the served chain. More specific entries
// come first (Cisco Umbrella before Cisco). Sources: Chromium's SSL error
// assistant list, Tailscale's blockblame, vendor documentation. Broad
// words that also name public CAs (Symantec, Broadcom, Cloudflare) are only matched together
// with their inspection products' names.
var interceptorPatterns = []struct {
	product, kind string
	re            *regexp.Regexp
}{
	{"Zscaler", kindCloud, regexp.MustCompile(`zscaler`)},
	{"Netskope", kindCloud, regexp.MustCompile(`netskope|goskope`)},
	{"Palo Alto Networks", kindNetwork, regexp.MustCompile(`palo ?alto|pan-fw|prisma access`)},
	{"Fortinet FortiGate", kindNetwork, regexp.MustCompile(`forti(gate|net|_ca)|support@fortinet\.com`)},
	{"Cisco Umbrella", kindCloud, regexp.MustCompile(`cisco umbrella|opendns`)},
	{"Cisco", kindNetwork, regexp.MustCompile(`\bcisco\b`)},
	{"Blue Coat / Broadcom (Symantec) ProxySG", kindNetwork, regexp.MustCompile(`blue ?coat|proxysg|(symantec|broadcom).*(web security|wss|proxy)`)},
	{"Sophos", kindNetwork, regexp.MustCompile(`sophos|cyberoam`)},
	{"Forcepoint (Websense)", kindNetwork, regexp.MustCompile(`forcepoint|websense`)},
	{"McAfee / Skyhigh Web Gateway", kindNetwork, regexp.MustCompile(`mcafee web gateway|skyhigh`)},
	{"Check Point", kindNetwork, regexp.MustCompile(`check ?point`)},
	{"Kaspersky", kindEndpoint, regexp.MustCompile(`kaspersky`)},
	{"ESET", kindEndpoint, regexp.MustCompile(`eset ssl filter|\beset, spol`)},
	{"Avast / AVG", kindEndpoint, regexp.MustCompile(`avast|\bavg (web|technologies)`)},
	{"Norton", kindEndpoint, regexp.MustCompile(`norton web/mail shield`)},
	{"Bitdefender", kindEndpoint, regexp.MustCompile(`bitdefender`)},
	{"Dr.Web", kindEndpoint, regexp.MustCompile(`dr\.? ?web`)},
	{"Barracuda", kindNetwork, regexp.MustCompile(`barracuda`)},
	{"iboss", kindCloud, regexp.MustCompile(`\biboss\b`)},
	{"Menlo Security", kindCloud, regexp.MustCompile(`menlo security`)},
	{"Cloudflare Gateway", kindCloud, regexp.MustCompile(`cloudflare (for teams|gateway|zero trust)`)},
	{"Trend Micro", kindNetwork, regexp.MustCompile(`iwss\.trend|trend ?micro`)},
	{"SonicWall", kindNetwork, regexp.MustCompile(`sonicwall`)},
	{"WatchGuard", kindNetwork, regexp.MustCompile(`watchguard`)},
	{"Lightspeed", kindCloud, regexp.MustCompile(`lightspeed`)},
	{"GoGuardian", kindCloud, regexp.MustCompile(`goguardian`)},
	{"Securly", kindCloud, regexp.MustCompile(`securly`)},
	{"ContentKeeper", kindNetwork, regexp.MustCompile(`contentkeeper`)},
	{"Smoothwall", kindNetwork, regexp.MustCompile(`smoothwall`)},
	{"NetSpark", kindNetwork, regexp.MustCompile(`netspark`)},
	{"Kerio Control", kindNetwork, regexp.MustCompile(`kerio`)},
	{"Untangle", kindNetwork, regexp.MustCompile(`untangle`)},
	{"Aruba", kindNetwork, regexp.MustCompile(`\baruba\b`)},
	{"Ubiquiti UniFi", kindNetwork, regexp.MustCompile(`\bunifi\b|ubiquiti`)},
	{"Huawei", kindNetwork, regexp.MustCompile(`mobile@huawei\.com`)},
	{"Fiddler", kindDeveloper, regexp.MustCompile(`fiddler`)},
	{"mitmproxy", kindDeveloper, regexp.MustCompile(`mitmproxy`)},
	{"Charles Proxy", kindDeveloper, regexp.MustCompile(`charles proxy`)},
	{"Burp Suite", kindDeveloper, regexp.MustCompile(`portswigger|\bburp\b`)},
}

// oidEmail is the emailAddress name attribute some appliances put in their CA names.
var oidEmail = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}

// nameText joins the parts of a name the patterns look at.
func nameText(n pkix.Name) string {
	parts := []string{n.CommonName}
	parts = append(parts, n.Organization...)
	parts = append(parts, n.OrganizationalUnit...)
	for _, a := range n.Names {
		if a.Type.Equal(oidEmail) {
			if s, ok := a.Value.(string); ok {
				parts = append(parts, s)
			}
		}
	}
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p)
	}
	return b.String()
}

// matchInterceptor labels the served chain with a known inspection product,
// looking at the leaf's issuer first, then at the names of the other
// certificates (issuer-side only: a leaf's own subject is the target's name).
func matchInterceptor(chain []*x509.Certificate) (Interceptor, bool) {
	if len(chain) == 0 {
		return Interceptor{}, false
	}
	names := []pkix.Name{chain[0].Issuer}
	for _, c := range chain[1:] {
		names = append(names, c.Subject, c.Issuer)
	}
	for _, n := range names {
		text := nameText(n)
		if text == "" {
			continue
		}
		lower := strings.ToLower(text)
		for _, p := range interceptorPatterns {
			if p.re.MatchString(lower) {
				return Interceptor{Product: p.product, Kind: p.kind, Matched: text}, true
			}
		}
	}
	return Interceptor{}, false
}

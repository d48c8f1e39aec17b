package diag

// TLSDetails is the evidence of tls.handshake: what was offered, what was
// negotiated, the chain as served with both verifiers' verdicts, and, for a
// failed handshake, what the peer sent and what the variant handshakes
// (neutral SNI, classic ClientHello) found. The chain's fields are present
// only when a handshake completed.
type TLSDetails struct {
	Address      string        `json:"address,omitempty"` // the peer the handshake ran with
	AIA          []string      `json:"aia,omitzero"`      // caIssuers URLs of the chain
	Alert        string        `json:"alert,omitempty"`   // a TLS alert the peer sent
	AlertCode    *int          `json:"alert_code,omitempty"`
	ALPN         *string       `json:"alpn,omitempty"` // negotiated; "" when none
	ALPNOffered  []string      `json:"alpn_offered"`
	Chain        []CertSummary `json:"chain,omitzero"` // leaf first, as served
	Cipher       string        `json:"cipher,omitempty"`
	CRL          []string      `json:"crl,omitzero"`
	Curve        string        `json:"curve,omitempty"`
	Error        string        `json:"error,omitempty"`
	ErrorKind    string        `json:"error_kind,omitempty"`
	FirstBytes   string        `json:"first_bytes,omitempty"` // what a non-TLS peer sent first, raw
	OCSP         []string      `json:"ocsp,omitzero"`
	OCSPStapled  *bool         `json:"ocsp_stapled,omitempty"`
	Product      string        `json:"product,omitempty"` // a recognised interception product
	ProductKind  string        `json:"product_kind,omitempty"`
	ProductMatch string        `json:"product_match,omitempty"`
	RecordHeader string        `json:"record_header,omitempty"` // the record that was not TLS, raw
	// RevocationHosts are the OCSP/CRL/AIA hosts a firewall must let the
	// client reach for revocation checks.
	RevocationHosts []string     `json:"revocation_hosts,omitzero"`
	SNI             string       `json:"sni"` // "" for an address target
	TLSSCTs         *int         `json:"tls_scts,omitempty"`
	Variants        []TLSVariant `json:"variants,omitempty"`
	Verify          *TLSVerify   `json:"verify,omitempty"`
	Version         string       `json:"version,omitempty"`
}

func (*TLSDetails) CheckDetails() {}

// TLSVariant is one variant handshake run after (or beside) a failed one.
type TLSVariant struct {
	Curves     []string `json:"curves,omitempty"` // the classic ClientHello's key shares
	DurationMS int64    `json:"duration_ms"`
	Error      string   `json:"error,omitempty"`
	Result     string   `json:"result"` // ok, cancelled, or the failure kind
	SNI        string   `json:"sni"`
	Variant    string   `json:"variant"` // neutral_sni or classic_clienthello
}

// TLSVerify holds both verifiers' verdicts on the served chain.
type TLSVerify struct {
	Hostname TLSHostname  `json:"hostname"`
	Public   VerifyResult `json:"public"` // the public web's roots
	System   VerifyResult `json:"system"` // this machine's roots (+ --ca-file)
	Time     string       `json:"time"`   // the clock used, RFC 3339
}

// TLSHostname says whether the leaf names the target.
type TLSHostname struct {
	Error string `json:"error"`
	Host  string `json:"host"`
	OK    bool   `json:"ok"`
}

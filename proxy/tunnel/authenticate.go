package tunnel

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/url"
	"strings"

	"github.com/Azure/go-ntlmssp"
)

// Credentials answer a proxy's Basic, Digest or NTLM challenge. The
// password never leaves this package except inside the scheme's answer.
type Credentials struct {
	// User as given: user, DOMAIN\user or user@domain.
	User     string
	Password string
	// Source says where they came from, for the report: "the proxy URL",
	// "--proxy-user and OKVIZ_CHECK_PROXY_PASSWORD", "--proxy-user (prompt)".
	Source string
}

// SourceURL is the Source of credentials taken from the proxy URL's userinfo.
const SourceURL = "the proxy URL"

// urlCredentials returns the credentials in the proxy URL's userinfo, or nil.
func urlCredentials(u *url.URL) *Credentials {
	if u == nil || u.User == nil {
		return nil
	}
	pass, _ := u.User.Password()
	return &Credentials{User: u.User.Username(), Password: pass, Source: SourceURL}
}

// Integrated answers Negotiate or NTLM challenges with the credentials the
// OS already holds: SSPI with the Windows login, or a Kerberos ticket cache.
// NewContext starts a handshake for the proxy host (as configured: the SPN
// is HTTP/<host>); it returns an error in plain words when it cannot
// (no ticket: run kinit).
type Integrated interface {
	// Schemes lists what it can answer: "Negotiate", "NTLM".
	Schemes() []string
	// NewContext starts one handshake.
	NewContext(scheme, proxyHost string) (SecurityContext, error)
	// Who names as whom: "the Windows login (DOMAIN\\user)" or a principal.
	Who() string
	// Source names the mechanism: "SSPI" or "the Kerberos ticket cache".
	Source() string
}

// SecurityContext is one handshake: Step takes the proxy's token (nil at
// the start) and returns the next one to send.
type SecurityContext interface {
	Step(in []byte) (out []byte, err error)
	Close()
}

// authenticator answers the challenges of one scheme, round after round.
type authenticator interface {
	scheme() string
	// answer returns the Proxy-Authorization value for the challenges of
	// this scheme in the proxy's last 407 (none at the start of a
	// connection-based handshake).
	answer(chs []challenge) (string, error)
	// continues reports whether a 407 with these challenges carries on
	// the handshake rather than rejecting the credentials.
	continues(chs []challenge) bool
	// connectionBased schemes must keep one connection across the rounds.
	connectionBased() bool
	close()
}

// preference is Chromium's order among the schemes a proxy offers.
var preference = []string{"Negotiate", "NTLM", "Digest", "Basic"}

// chooseAuth picks the scheme a browser would answer, among those offered
// for which something can answer. why says, when nothing can, what was
// missing.
func chooseAuth(offered []string, creds *Credentials, integ Integrated, proxyHost string) (a authenticator, who, source, why string) {
	var tried []string
	for _, sc := range preference {
		if !containsFold(offered, sc) {
			continue
		}
		if integ != nil && containsFold(integ.Schemes(), sc) {
			ctx, err := integ.NewContext(sc, proxyHost)
			if err == nil {
				return &tokenAuth{name: sc, ctx: ctx}, integ.Who(), integ.Source(), ""
			}
			tried = append(tried, fmt.Sprintf("%s via %s: %v", sc, integ.Source(), err))
		}
		if creds == nil {
			continue
		}
		switch sc {
		case "NTLM":
			return &ntlmAuth{creds: *creds}, creds.User, creds.Source, ""
		case "Digest":
			return &digestAuth{creds: *creds}, creds.User, creds.Source, ""
		case "Basic":
			return basicAnswer{creds: *creds}, creds.User, creds.Source, ""
		}
	}
	switch {
	case len(tried) > 0:
		why = strings.Join(tried, "; ")
	case creds != nil:
		why = fmt.Sprintf("the credentials from %s cannot answer %s", creds.Source, strings.Join(offered, ", "))
	default:
		why = "no credentials were given"
	}
	return nil, "", "", why
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// basicAnswer is RFC 7617 Basic.
type basicAnswer struct{ creds Credentials }

func (basicAnswer) scheme() string                 { return "Basic" }
func (basicAnswer) continues(chs []challenge) bool { return false }
func (basicAnswer) connectionBased() bool          { return false }
func (basicAnswer) close()                         {}
func (b basicAnswer) answer([]challenge) (string, error) {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(b.creds.User+":"+b.creds.Password)), nil
}

// digestAuth is RFC 7616 Digest for CONNECT: MD5, SHA-256 and their -sess
// variants, qop=auth (or the RFC 2069 form when the proxy offers no qop).
type digestAuth struct {
	creds  Credentials
	uri    string // the CONNECT target, set before the first answer
	method string // "" is CONNECT; tests use RFC 7616's GET example
	nc     int
	stale  bool // a stale nonce was answered once already
	cnonce func() string
}

func (*digestAuth) scheme() string        { return "Digest" }
func (*digestAuth) connectionBased() bool { return false }
func (*digestAuth) close()                {}

// continues: only a stale nonce (stale=true) is worth one more answer.
func (d *digestAuth) continues(chs []challenge) bool {
	for _, c := range chs {
		if strings.EqualFold(c.Params["stale"], "true") && !d.stale {
			d.stale = true
			return true
		}
	}
	return false
}

// digestHash returns the hash of an algorithm name, strongest first.
func digestHash(alg string) (func() hash.Hash, bool) {
	switch strings.ToUpper(strings.TrimSuffix(strings.ToUpper(alg), "-SESS")) {
	case "", "MD5":
		return md5.New, true
	case "SHA-256":
		return sha256.New, true
	}
	return nil, false
}

func (d *digestAuth) answer(chs []challenge) (string, error) {
	// Prefer SHA-256 when the proxy offers it beside MD5 (RFC 7616 §3.7).
	rank := func(c challenge) int {
		switch h, ok := digestHash(c.Params["algorithm"]); {
		case !ok:
			return 0
		default:
			return h().Size()
		}
	}
	var pick *challenge
	for i := range chs {
		if r := rank(chs[i]); r > 0 && (pick == nil || r > rank(*pick)) {
			pick = &chs[i]
		}
	}
	if pick == nil {
		return "", errors.New("the proxy's Digest challenge names no algorithm this tool speaks (MD5, SHA-256)")
	}
	p := pick.Params
	if p["nonce"] == "" {
		return "", errors.New("the proxy's Digest challenge has no nonce")
	}
	newHash, _ := digestHash(p["algorithm"])
	H := func(s string) string {
		h := newHash()
		h.Write([]byte(s))
		return hex.EncodeToString(h.Sum(nil))
	}
	qop := ""
	if p["qop"] != "" {
		for _, q := range strings.Split(p["qop"], ",") {
			if strings.EqualFold(strings.TrimSpace(q), "auth") {
				qop = "auth"
			}
		}
		if qop == "" {
			return "", fmt.Errorf("the proxy's Digest challenge asks for qop=%q; only auth is spoken", p["qop"])
		}
	}
	cnonce := ""
	if d.cnonce != nil {
		cnonce = d.cnonce()
	} else {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		cnonce = hex.EncodeToString(b)
	}
	d.nc++
	nc := fmt.Sprintf("%08x", d.nc)
	ha1 := H(d.creds.User + ":" + p["realm"] + ":" + d.creds.Password)
	alg := p["algorithm"]
	if strings.HasSuffix(strings.ToUpper(alg), "-SESS") {
		ha1 = H(ha1 + ":" + p["nonce"] + ":" + cnonce)
	}
	method := d.method
	if method == "" {
		method = "CONNECT"
	}
	ha2 := H(method + ":" + d.uri)
	var resp string
	if qop == "" {
		resp = H(ha1 + ":" + p["nonce"] + ":" + ha2)
	} else {
		resp = H(ha1 + ":" + p["nonce"] + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2)
	}
	q := func(s string) string { return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"` }
	parts := []string{
		"username=" + q(d.creds.User),
		"realm=" + q(p["realm"]),
		"nonce=" + q(p["nonce"]),
		"uri=" + q(d.uri),
		"response=" + q(resp),
	}
	if alg != "" {
		parts = append(parts, "algorithm="+alg)
	}
	if qop != "" {
		parts = append(parts, "qop="+qop, "nc="+nc, "cnonce="+q(cnonce))
	}
	if o, ok := p["opaque"]; ok {
		parts = append(parts, "opaque="+q(o))
	}
	return "Digest " + strings.Join(parts, ", "), nil
}

// ntlmAuth is NTLMv2 with explicit credentials (go-ntlmssp): NEGOTIATE,
// then AUTHENTICATE answering the proxy's CHALLENGE, on one connection.
type ntlmAuth struct {
	creds Credentials
	sent  int // messages sent
}

func (*ntlmAuth) scheme() string        { return "NTLM" }
func (*ntlmAuth) connectionBased() bool { return true }
func (*ntlmAuth) close()                {}

func (n *ntlmAuth) continues(chs []challenge) bool {
	return n.sent == 1 && len(chs) > 0 && chs[0].Token != ""
}

func (n *ntlmAuth) answer(chs []challenge) (string, error) {
	n.sent++
	if n.sent == 1 {
		msg, err := ntlmssp.NewNegotiateMessage("", "")
		if err != nil {
			return "", err
		}
		return "NTLM " + base64.StdEncoding.EncodeToString(msg), nil
	}
	if len(chs) == 0 || chs[0].Token == "" {
		return "", errors.New("the proxy sent no NTLM challenge")
	}
	in, err := base64.StdEncoding.DecodeString(chs[0].Token)
	if err != nil {
		return "", fmt.Errorf("the proxy's NTLM challenge is not base64: %v", err)
	}
	out, err := ntlmssp.NewAuthenticateMessage(tidyChallenge(in), n.creds.User, n.creds.Password, nil)
	if err != nil {
		return "", fmt.Errorf("cannot answer the proxy's NTLM challenge: %v", err)
	}
	return "NTLM " + base64.StdEncoding.EncodeToString(out), nil
}

// tokenAuth runs an Integrated security context (Negotiate or NTLM).
type tokenAuth struct {
	name    string
	ctx     SecurityContext
	started bool
}

func (t *tokenAuth) scheme() string        { return t.name }
func (t *tokenAuth) connectionBased() bool { return true }
func (t *tokenAuth) close()                { t.ctx.Close() }

func (t *tokenAuth) continues(chs []challenge) bool {
	return t.started && len(chs) > 0 && chs[0].Token != ""
}

func (t *tokenAuth) answer(chs []challenge) (string, error) {
	var in []byte
	if t.started && len(chs) > 0 && chs[0].Token != "" {
		b, err := base64.StdEncoding.DecodeString(chs[0].Token)
		if err != nil {
			return "", fmt.Errorf("the proxy's %s token is not base64: %v", t.name, err)
		}
		in = b
	}
	t.started = true
	out, err := t.ctx.Step(in)
	if err != nil {
		return "", err
	}
	return t.name + " " + base64.StdEncoding.EncodeToString(out), nil
}

// tidyChallenge rebuilds an NTLM CHALLENGE message whose optional fields
// (TargetName, TargetInfo) point outside the message or are missing, as
// squid's ntlm_fake_auth sends: such fields are dropped, the flags and the
// server challenge, which the answer depends on, are kept. A well-formed
// message is returned as it is.
func tidyChallenge(in []byte) []byte {
	const head = 48 // up to and including the TargetInfo fields
	if len(in) < 32 {
		return in // too short to mend; go-ntlmssp says why
	}
	field := func(at int) ([]byte, bool) {
		if at+8 > len(in) {
			return nil, false
		}
		n := int(binary.LittleEndian.Uint16(in[at:]))
		off := int(binary.LittleEndian.Uint32(in[at+4:]))
		if off < 32 || off > len(in) || n > len(in)-off {
			return nil, false
		}
		return in[off : off+n], true
	}
	name, okName := field(12)
	info, okInfo := field(40)
	if len(in) >= head && okName && okInfo {
		return in
	}
	out := make([]byte, head, head+len(name)+len(info))
	copy(out, in[:12])
	copy(out[20:32], in[20:32]) // flags and server challenge
	put := func(at int, b []byte) {
		binary.LittleEndian.PutUint16(out[at:], uint16(len(b)))
		binary.LittleEndian.PutUint16(out[at+2:], uint16(len(b)))
		binary.LittleEndian.PutUint32(out[at+4:], uint32(len(out)))
		out = append(out, b...)
	}
	put(12, name)
	put(40, info)
	return out
}

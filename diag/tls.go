package diag

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"reflect"
	"strings"
	"time"
)

// TLSResult is what the TLS step learned.
type TLSResult struct {
	// Conn is the established connection for the HTTP probe, also when trust
	// failed (the HTTP probe looks for block pages and portals); nil when
	// the handshake failed.
	Conn *tls.Conn
	// Chain is the certificate chain as served, kept even when verification fails.
	Chain []*x509.Certificate
	// Check has ID CheckTLSHandshake.
	Check Check
}

const (
	// defaultTLSTimeout bounds the probe when the prober has no timeout.
	defaultTLSTimeout = 5 * time.Second
	// maxHedge is the longest the main handshake runs alone before the
	// classic-ClientHello variant starts next to it.
	maxHedge = time.Second
	// firstBytesMax is how much of the peer's first bytes is kept as
	// evidence of what answered (an HTTP status line, a block page).
	firstBytesMax = 512
	// expiringSoon is how close to its end a valid leaf draws a warning.
	expiringSoon = 14 * 24 * time.Hour
)

// Variant names, as they appear in the details.
const (
	variantClassic = "classic_clienthello" // no post-quantum key share: a small ClientHello
	variantNeutral = "neutral_sni"         // the same path with a control SNI
)

// Handshake failure kinds on top of classifyNetErr's.
const (
	kindProtocol  = "protocol"   // the peer spoke something other than TLS, or sent an alert
	kindCancelled = failCanceled // the context was cancelled (interrupt, or a hedge no longer needed)
	kindRedial    = "redial_failed"
)

// offeredALPN is what browsers offer; a middlebox that filters on ALPN
// treats us like them.
var offeredALPN = []string{"h2", "http/1.1"}

// tlsConfig returns the client configuration of one attempt. Verification
// is off in the handshake so that the chain is always seen; probeTLS
// verifies it afterwards, at p.Now(), against two root sets.
func tlsConfig(sni string, classic bool) *tls.Config {
	cfg := &tls.Config{
		ServerName:         sni,
		InsecureSkipVerify: true, //nolint:gosec // verified explicitly in judgeChain
		NextProtos:         offeredALPN,
	}
	if classic {
		// Only classical groups: the ClientHello fits in one segment.
		cfg.CurvePreferences = []tls.CurveID{tls.X25519, tls.CurveP256}
	}
	return cfg
}

// recordConn keeps the first bytes the peer sent during the handshake, so a
// plain-HTTP answer or garbage can be shown as evidence.
type recordConn struct {
	net.Conn
	first []byte
	done  bool // set once the handshake ended: stop recording
}

func (c *recordConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if !c.done && n > 0 && len(c.first) < firstBytesMax {
		c.first = append(c.first, b[:min(n, firstBytesMax-len(c.first))]...)
	}
	return n, err
}

// attempt is one handshake's outcome.
type attempt struct {
	name    string
	sni     string
	conn    *tls.Conn // nil on failure
	first   []byte
	err     error
	elapsed time.Duration
}

// handshake runs one TLS handshake over raw, bounded by ctx. On failure the
// raw connection is closed.
func (p *Prober) handshake(ctx context.Context, name string, raw net.Conn, cfg *tls.Config) attempt {
	start := p.Now()
	a := attempt{name: name, sni: cfg.ServerName}
	rec := &recordConn{Conn: raw}
	if dl, ok := ctx.Deadline(); ok {
		// Backstop for the context: HandshakeContext also closes raw when ctx ends.
		_ = raw.SetDeadline(dl)
	}
	tc := tls.Client(rec, cfg)
	err := tc.HandshakeContext(ctx)
	rec.done = true
	a.elapsed = p.Now().Sub(start)
	a.first = rec.first
	if err != nil {
		raw.Close()
		a.err = err
		return a
	}
	_ = raw.SetDeadline(time.Time{})
	a.conn = tc
	return a
}

// variant redials the path and runs one variant handshake; the connection is
// always closed: variants only answer a question.
func (p *Prober) variant(ctx context.Context, name string, redial func(context.Context) (net.Conn, error), cfg *tls.Config) attempt {
	raw, err := redial(ctx)
	if err != nil {
		return attempt{name: name, sni: cfg.ServerName, err: &redialError{err}}
	}
	p.logf("tls: %s handshake to %s (sni %q)", name, raw.RemoteAddr(), cfg.ServerName)
	a := p.handshake(ctx, name, raw, cfg)
	if a.conn != nil {
		raw.Close()
	}
	return a
}

// redialError marks a variant that could not even open its connection, so
// it says nothing about the handshake.
type redialError struct{ err error }

func (e *redialError) Error() string { return "redial: " + e.err.Error() }
func (e *redialError) Unwrap() error { return e.err }

// startVariant runs variant in a goroutine; the caller must receive from
// the returned channel exactly once.
func (p *Prober) startVariant(ctx context.Context, name string, redial func(context.Context) (net.Conn, error), cfg *tls.Config) <-chan attempt {
	ch := make(chan attempt, 1)
	go func() { ch <- p.variant(ctx, name, redial, cfg) }()
	return ch
}

// probeTLS handshakes over conn (an open TCP connection, direct or through a
// proxy tunnel) with SNI t.Host, bounded by p.Timeout. redial opens a fresh
// raw connection on the same path for variant handshakes; it may be nil.
//
// probeTLS owns conn: when the handshake fails, conn is closed. Every
// goroutine and variant connection it starts has ended when it returns.
func (p *Prober) probeTLS(ctx context.Context, t Target, conn net.Conn, redial func(ctx context.Context) (net.Conn, error)) TLSResult {
	start := p.Now()
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = defaultTLSTimeout
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Variants get their own cancel so a finished main handshake stops them.
	vctx, vcancel := context.WithCancel(ctx)
	defer vcancel()

	sni := t.Host
	if t.IsIP() {
		sni = "" // Go sends no SNI for an address; say so in the details
	}
	details := &TLSDetails{SNI: sni, ALPNOffered: offeredALPN}
	if conn == nil {
		c := newCheck(CheckTLSHandshake, TLSReset, "No connection to run the TLS handshake over.", details)
		return TLSResult{Check: c}
	}
	details.Address = conn.RemoteAddr().String()
	p.logf("tls: handshake to %s (sni %q)", conn.RemoteAddr(), sni)

	mainCh := make(chan attempt, 1)
	go func() { mainCh <- p.handshake(ctx, "default", conn, tlsConfig(t.Host, false)) }()

	// Hedge: a ClientHello that a middlebox swallows shows as a stall, so a
	// classic one starts alongside once the main one is slow, instead of
	// after it timed out.
	var classicCh, neutralCh <-chan attempt
	hedge := time.NewTimer(min(maxHedge, timeout/3))
	defer hedge.Stop()
	var main attempt
wait:
	for {
		select {
		case main = <-mainCh:
			break wait
		case <-hedge.C:
			if redial != nil {
				classicCh = p.startVariant(vctx, variantClassic, redial, tlsConfig(t.Host, true))
			}
		}
	}

	var kind string
	var extra *peerSaid
	if main.err != nil {
		kind, extra = classifyTLSErr(main.err, main.first)
		if (kind == failReset || kind == failEOF) && redial != nil && parent.Err() == nil {
			// Reset after the ClientHello: is it the name, or the size?
			if sni != "" && p.NeutralSNI != "" && !strings.EqualFold(p.NeutralSNI, sni) {
				neutralCh = p.startVariant(vctx, variantNeutral, redial, tlsConfig(p.NeutralSNI, false))
			}
			if classicCh == nil {
				classicCh = p.startVariant(vctx, variantClassic, redial, tlsConfig(t.Host, true))
			}
		}
	}
	needVariants := main.err != nil && kind != kindProtocol && kind != kindCancelled
	if !needVariants {
		vcancel()
	}
	var variants []attempt
	for _, ch := range []<-chan attempt{neutralCh, classicCh} {
		if ch != nil {
			variants = append(variants, <-ch)
		}
	}
	if len(variants) > 0 {
		details.Variants = variantDetails(variants, !needVariants)
	}

	if main.err != nil {
		c := p.failedCheck(kind, extra, main, variants, details)
		c.DurationMS = p.since(start)
		return TLSResult{Check: c}
	}
	state := main.conn.ConnectionState()
	addStateDetails(details, state)
	chain := state.PeerCertificates
	c := p.judgeChain(t, chain, details)
	c.DurationMS = p.since(start)
	return TLSResult{Conn: main.conn, Chain: chain, Check: c}
}

// addStateDetails records the negotiated parameters.
func addStateDetails(d *TLSDetails, st tls.ConnectionState) {
	d.Version = tls.VersionName(st.Version)
	d.Cipher = tls.CipherSuiteName(st.CipherSuite)
	d.ALPN = ptr(st.NegotiatedProtocol)
	d.Curve = st.CurveID.String()
	d.OCSPStapled = ptr(len(st.OCSPResponse) > 0)
	d.TLSSCTs = ptr(len(st.SignedCertificateTimestamps))
}

// variantDetails reports each variant handshake; cancelled ones ran as a
// hedge and were stopped because the main handshake ended first.
func variantDetails(vs []attempt, cancelled bool) []TLSVariant {
	out := make([]TLSVariant, 0, len(vs))
	for _, v := range vs {
		d := TLSVariant{Variant: v.name, SNI: v.sni, DurationMS: v.elapsed.Milliseconds()}
		if v.name == variantClassic {
			d.Curves = []string{tls.X25519.String(), tls.CurveP256.String()}
		}
		switch {
		case v.err == nil:
			d.Result = "ok"
		case cancelled && errors.Is(v.err, context.Canceled):
			d.Result = kindCancelled
		default:
			d.Result, _ = classifyTLSErr(v.err, v.first)
			d.Error = v.err.Error()
		}
		out = append(out, d)
	}
	return out
}

// passed says whether a variant got through the path: the handshake
// completed, or (for the control SNI) the peer at least answered with a
// TLS alert, which a reset-on-SNI filter would not let it do.
func passed(a attempt, alertCounts bool) bool {
	if a.err == nil {
		return true
	}
	if !alertCounts {
		return false
	}
	_, ok := receivedAlert(a.err)
	return ok
}

// failedCheck turns a failed main handshake (and its variants) into the check.
func (p *Prober) failedCheck(kind string, extra *peerSaid, main attempt, variants []attempt, details *TLSDetails) Check {
	details.Error = main.err.Error()
	details.ErrorKind = kind
	if extra != nil {
		details.RecordHeader, details.FirstBytes = extra.recordHeader, extra.firstBytes
		details.Alert, details.AlertCode = extra.alert, extra.alertCode
	}
	var neutral, classic *attempt
	for i := range variants {
		switch variants[i].name {
		case variantNeutral:
			neutral = &variants[i]
		case variantClassic:
			classic = &variants[i]
		}
	}
	switch kind {
	case kindProtocol:
		return newCheck(CheckTLSHandshake, TLSProtocolError, protocolSummary(extra), details)
	case kindCancelled:
		return newCheck(CheckTLSHandshake, TLSTimeout, "The TLS handshake was interrupted before it finished.", details)
	case failTimeout:
		if classic != nil && passed(*classic, false) {
			return newCheck(CheckTLSHandshake, TLSClientHelloBlocked,
				"The default (post-quantum, two-segment) ClientHello got no answer, while a classic one completed the handshake: a middlebox drops large ClientHellos.", details)
		}
		return newCheck(CheckTLSHandshake, TLSTimeout, "", details)
	case failLocal:
		// WSAECONNABORTED, EACCES: software on this machine cut it.
		c := newCheck(CheckTLSHandshake, TLSReset,
			"This machine's own software aborted the connection during the TLS handshake (host firewall, endpoint security or Defender Network Protection), not the network.", details)
		c.Remediation = Lookup(TCPLocalFirewall).Remediation
		return c
	}
	// Reset, EOF and the rarer unreachable/refused during the handshake.
	if neutral != nil && passed(*neutral, true) {
		return newCheck(CheckTLSHandshake, TLSSNIBlocked,
			"The handshake naming the target was cut ("+kind+"), while the same path with a neutral server name ("+neutral.sni+") got through: a filter blocks by server name (SNI).", details)
	}
	if classic != nil && passed(*classic, false) {
		return newCheck(CheckTLSHandshake, TLSClientHelloBlocked,
			"The default (post-quantum, two-segment) ClientHello was cut ("+kind+"), while a classic one completed the handshake: a middlebox mishandles large ClientHellos.", details)
	}
	summary := ""
	if kind == failEOF {
		summary = "The connection was closed (EOF) during the TLS handshake, before the server answered."
	}
	return newCheck(CheckTLSHandshake, TLSReset, summary, details)
}

func protocolSummary(extra *peerSaid) string {
	if extra == nil {
		return ""
	}
	if a := extra.alert; a != "" {
		return "The peer answered the ClientHello with a TLS alert (" + a + ") instead of a certificate."
	}
	if fb := extra.firstBytes; strings.HasPrefix(fb, "HTTP/") {
		return "Something answered in plain HTTP on the TLS port (a transparent proxy, captive portal or block page)."
	}
	return ""
}

// peerSaid is what a peer that does not speak TLS properly sent instead.
type peerSaid struct {
	recordHeader, firstBytes, alert string
	alertCode                       *int
}

// classifyTLSErr sorts a handshake error: kindProtocol when the peer spoke
// something other than TLS or sent an alert (with the evidence in extra),
// otherwise the network failure kind of classifyNetErr.
func classifyTLSErr(err error, first []byte) (string, *peerSaid) {
	if errors.Is(err, context.Canceled) {
		return kindCancelled, nil
	}
	if _, ok := errors.AsType[*redialError](err); ok {
		return kindRedial, nil
	}
	if rhe, ok := errors.AsType[tls.RecordHeaderError](err); ok {
		return kindProtocol, &peerSaid{recordHeader: string(rhe.RecordHeader[:]), firstBytes: string(first)}
	}
	if text, ok := receivedAlert(err); ok {
		extra := &peerSaid{alert: text}
		if code, ok := alertCode(err); ok {
			extra.alertCode = &code
		}
		return kindProtocol, extra
	}
	k := classifyNetErr(err)
	if k == failOther {
		// Not a network failure: a local TLS error about what the peer sent
		// (unsupported version, bad record MAC, downgrade canary).
		return kindProtocol, nil
	}
	// Refused or unreachable cannot come from a refusal at this point, but a
	// firewall can still cut the connection mid-handshake; they count as a reset.
	return k, nil
}

// receivedAlert reports a TLS alert sent by the peer. crypto/tls returns it
// as a *net.OpError with Op "remote error" wrapping an unexported alert type.
func receivedAlert(err error) (string, bool) {
	oe, ok := errors.AsType[*net.OpError](err)
	if !ok || oe.Op != "remote error" || oe.Err == nil {
		return "", false
	}
	return strings.TrimPrefix(oe.Err.Error(), "tls: "), true
}

// alertCode extracts the alert number (the unexported type is a uint8).
func alertCode(err error) (int, bool) {
	oe, ok := errors.AsType[*net.OpError](err)
	if !ok || oe.Err == nil {
		return 0, false
	}
	v := reflect.ValueOf(oe.Err)
	if v.Kind() != reflect.Uint8 {
		return 0, false
	}
	return int(v.Uint()), true
}

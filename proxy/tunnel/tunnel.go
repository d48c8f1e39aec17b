package tunnel

import (
	"github.com/okviz/okviz-check/diag"

	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Problem codes a Hop carries: the proxy stage of the contract (docs/SPEC.md).
const (
	CodeNone           = diag.ProxyNone // DIRECT, connected
	CodeOK             = diag.ProxyOK
	CodeUnreachable    = diag.ProxyUnreachable
	CodeAuthRequired   = diag.ProxyAuthRequired
	CodeAuthFailed     = diag.ProxyAuthFailed
	CodeDenied         = diag.ProxyDenied
	CodeProtocolError  = diag.ProxyProtocolError
	CodeUpstreamFailed = diag.ProxyUpstreamFailed
)

// Direct is the Proxy of a Hop that connects without a proxy: a DIRECT
// entry of the list.
const Direct = "DIRECT"

// DefaultUserAgent is sent on CONNECT when Tunneler.UserAgent is empty;
// cmd sets "okviz-check/VERSION".
const DefaultUserAgent = "okviz-check"

// DefaultTimeout bounds one attempt when no timeout is given.
const DefaultTimeout = 5 * time.Second

// Hop is the outcome of trying one entry of a proxy list: the evidence the
// report shows for it (diag's type, so the report reads it as it is).
// Proxy never contains credentials, and neither does any other field: user
// names, passwords and Basic tokens are replaced by *** wherever they might
// surface (error texts, an echoing proxy's reason).
type Hop = diag.ProxyHop

// fail records a failure in the hop.
func fail(h *Hop, code, reason string, err error, fallback bool) {
	h.Code, h.Reason, h.Fallback = code, reason, fallback
	if err != nil {
		h.Error = err.Error()
	}
}

// Tunneler opens connections to a target through proxies. The zero value
// works: real network, DefaultUserAgent, DefaultTimeout, system roots for
// HTTPS proxies.
type Tunneler struct {
	// Dial opens TCP connections (to proxies, and to targets for DIRECT);
	// nil means a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// UserAgent is sent on CONNECT, e.g. "okviz-check/1.2.0".
	UserAgent string
	// Timeout bounds each attempt: connecting to the proxy, TLS to an
	// HTTPS proxy and the CONNECT exchange together. An authenticated retry
	// is a new attempt.
	Timeout time.Duration
	// TLSConfig gives the configuration for https:// proxies, called only
	// for them (ServerName defaults to the proxy's host); nil, or a nil
	// result, means the system roots.
	TLSConfig func() *tls.Config
	// Credentials answer Basic, Digest and NTLM challenges when the proxy
	// URL carries none (--proxy-user); nil means none.
	Credentials *Credentials
	// Integrated answers Negotiate/NTLM with the OS's credentials (SSPI on
	// Windows, the Kerberos ticket cache elsewhere); nil means none.
	Integrated Integrated
	// Now is the clock for DurationMS; nil means time.Now.
	Now func() time.Time
}

// TunnelList tries the proxies in order, as a browser does with a PAC
// result such as "PROXY a:8080; PROXY b:8080; DIRECT" (a nil entry is
// DIRECT; an empty list means DIRECT), and returns the first tunnel that
// opens with one Hop per entry tried. Like Chromium it moves on only after
// a connection-level failure (see Hop.Fallback): a proxy that answers 407
// or 403 ends the list, since some networks rely on that to block sites.
func (t *Tunneler) TunnelList(ctx context.Context, proxies []*url.URL, hostport string) (net.Conn, []Hop) {
	if len(proxies) == 0 {
		proxies = []*url.URL{nil}
	}
	hops := []Hop{}
	for _, u := range proxies {
		conn, hop := t.Tunnel(ctx, u, hostport)
		hops = append(hops, hop)
		if conn != nil {
			return conn, hops
		}
		if !hop.Fallback || ctx.Err() != nil {
			break
		}
	}
	return nil, hops
}

// Tunnel opens a tunnel to hostport through the proxy at proxyURL (http,
// https, socks5, socks5h, socks4, socks4a; nil means DIRECT) and classifies
// what happened. On success the returned connection carries the tunnel
// (bytes the proxy sent early are preserved); otherwise it is nil. The
// Tunneler's Timeout bounds each attempt.
func (t *Tunneler) Tunnel(ctx context.Context, proxyURL *url.URL, hostport string) (net.Conn, Hop) {
	start := t.now()
	hop := Hop{Proxy: hopName(proxyURL), Schemes: []string{}}
	var conn net.Conn
	badTarget := validTarget(hostport)
	switch scheme := schemeOf(proxyURL); {
	case badTarget != nil:
		hop.Error = badTarget.Error()
	case proxyURL == nil:
		conn = t.direct(ctx, hostport, &hop)
	case proxyURL.Hostname() == "":
		fail(&hop, CodeUnreachable, "the proxy URL names no host", nil, true)
	case scheme == "http" || scheme == "https":
		conn = t.viaHTTP(ctx, proxyURL, hostport, &hop)
	case scheme == "socks5" || scheme == "socks5h":
		conn = t.viaSOCKS5(ctx, proxyURL, hostport, &hop)
	case scheme == "socks4" || scheme == "socks4a":
		conn = t.viaSOCKS4(ctx, proxyURL, hostport, &hop)
	default:
		// Chromium drops list entries it cannot parse, so the next one is used.
		fail(&hop, CodeUnreachable, fmt.Sprintf("unsupported proxy scheme %q", scheme), nil, true)
	}
	hop.DurationMS = t.now().Sub(start).Milliseconds()
	sec := secrets(urlCredentials(proxyURL), t.Credentials)
	hop.Reason, hop.Error = scrub(hop.Reason, sec), scrub(hop.Error, sec)
	for i := range hop.Schemes {
		hop.Schemes[i] = scrub(hop.Schemes[i], sec)
	}
	return conn, hop
}

func (t *Tunneler) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Tunneler) userAgent() string {
	if t.UserAgent != "" {
		return t.UserAgent
	}
	return DefaultUserAgent
}

// window starts one attempt: a context bounded by the timeout.
func (t *Tunneler) window(ctx context.Context) (context.Context, context.CancelFunc) {
	d := t.Timeout
	if d <= 0 {
		d = DefaultTimeout
	}
	return context.WithTimeout(ctx, d)
}

func (t *Tunneler) dial(ctx context.Context, addr string) (net.Conn, error) {
	if t.Dial != nil {
		return t.Dial(ctx, "tcp", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

func schemeOf(u *url.URL) string {
	if u == nil {
		return ""
	}
	return strings.ToLower(u.Scheme)
}

// defaultPorts are Chromium's defaults for proxies given without a port.
var defaultPorts = map[string]string{"http": "80", "https": "443", "socks4": "1080", "socks4a": "1080", "socks5": "1080", "socks5h": "1080"}

// proxyAddr is the host:port to dial for the proxy.
func proxyAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = defaultPorts[schemeOf(u)]
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// validTarget checks that hostport is a host and a port, with nothing that
// could break the CONNECT request line or a SOCKS request.
func validTarget(hostport string) error {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return fmt.Errorf("invalid target %q: %v", hostport, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("invalid target %q: bad port", hostport)
	}
	if host == "" || len(host) > 255 || strings.ContainsFunc(host, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return fmt.Errorf("invalid target %q: bad host", hostport)
	}
	return nil
}

// direct connects to hostport without a proxy (a DIRECT list entry).
func (t *Tunneler) direct(ctx context.Context, hostport string, hop *Hop) net.Conn {
	actx, cancel := t.window(ctx)
	defer cancel()
	conn, err := t.dial(actx, hostport)
	if err != nil {
		kind := failureKind(ctx, err)
		fail(hop, "", unreachableReason("the target", kind), err, kind != "canceled")
		return nil
	}
	hop.Code = CodeNone
	return conn
}

// openProxy connects to the proxy, with TLS for an https:// proxy (SOCKS
// and http:// proxies get the plain connection). A failure is recorded in
// hop.
func (t *Tunneler) openProxy(ctx context.Context, u *url.URL, hop *Hop) net.Conn {
	conn, err := t.dial(ctx, proxyAddr(u))
	if err != nil {
		t.unreachable(ctx, hop, err)
		return nil
	}
	if schemeOf(u) != "https" {
		return conn
	}
	cfg := &tls.Config{}
	if t.TLSConfig != nil {
		if c := t.TLSConfig(); c != nil {
			cfg = c.Clone()
		}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = u.Hostname()
	}
	cfg.NextProtos = []string{"http/1.1"}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		if kind := failureKind(ctx, err); kind == "timeout" || kind == "canceled" {
			t.unreachable(ctx, hop, err)
			return nil
		}
		// Chromium moves on after a proxy certificate or TLS protocol error:
		// a captive portal may be answering instead of the proxy.
		why := "TLS to the proxy failed"
		var unknown x509.UnknownAuthorityError
		var verify *tls.CertificateVerificationError
		var host x509.HostnameError
		switch {
		case errors.As(err, &host):
			why = "the https:// proxy's certificate does not name " + u.Hostname()
		case errors.As(err, &unknown), errors.As(err, &verify):
			why = "the https:// proxy's certificate is not trusted here (give its CA with --ca-file)"
		}
		fail(hop, CodeProtocolError, why, err, true)
		return nil
	}
	return tc
}

// unreachable records that the proxy could not be reached.
func (t *Tunneler) unreachable(ctx context.Context, hop *Hop, err error) {
	kind := failureKind(ctx, err)
	if kind == "canceled" {
		fail(hop, "", "canceled", err, false)
		return
	}
	fail(hop, CodeUnreachable, unreachableReason("the proxy", kind), err, true)
}

func unreachableReason(what, kind string) string {
	switch kind {
	case "dns":
		return what + " name does not resolve"
	case "timeout":
		return "no answer from " + what + " before the deadline"
	case "refused":
		return what + " refused the connection"
	case "reset":
		return what + " reset the connection"
	case "unreachable":
		return what + " is unreachable (no route or rejected by a firewall)"
	case "local_firewall":
		return "the local firewall or security software denied the connection to " + what
	case "canceled":
		return "canceled"
	}
	return "could not connect to " + what
}

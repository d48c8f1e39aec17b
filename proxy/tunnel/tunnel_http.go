package tunnel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/okviz/okviz-check/diag"

	"github.com/okviz/okviz-check/internal/netclass"
)

// viaHTTP opens a tunnel with HTTP CONNECT, answering the proxy's
// challenge the way a browser would (see chooseAuth) with the URL's
// credentials, the Tunneler's, or the OS's (Integrated).
func (t *Tunneler) viaHTTP(ctx context.Context, u *url.URL, hostport string, hop *Hop) net.Conn {
	actx, cancel := t.window(ctx)
	defer cancel()
	raw := t.openProxy(actx, u, hop)
	if raw == nil {
		return nil
	}
	pc := newProxyConn(raw)
	resp, err := roundTrip(actx, pc, connectRequest(hostport, t.userAgent(), ""))
	if err != nil {
		exchangeFailed(ctx, hop, pc, err)
		pc.Close()
		return nil
	}
	if resp.StatusCode != http.StatusProxyAuthRequired {
		return judge(pc, resp, hop)
	}
	hop.Schemes = authSchemes(resp.Header.Values("Proxy-Authenticate"))
	creds := urlCredentials(u)
	if creds == nil {
		creds = t.Credentials
	}
	a, who, source, why := chooseAuth(hop.Schemes, creds, t.Integrated, u.Hostname())
	if a == nil {
		judge(pc, resp, hop)
		if why != "" {
			hop.Reason += "; " + why
		}
		return nil
	}
	defer a.close()
	if d, ok := a.(*digestAuth); ok {
		d.uri = hostport
	}
	hop.AuthSent = true
	hop.Auth = &diag.ProxyAuth{Scheme: a.scheme(), User: who, Source: source, Rounds: []int{resp.StatusCode}}
	conn := t.authenticate(ctx, u, hostport, a, pc, resp, hop)
	if _, explicit := a.(*tokenAuth); !explicit && hop.Code != CodeAuthFailed {
		// A user name given with a password is a credential: the report
		// names it only when the proxy refused it, where the admin needs it.
		hop.Auth.User = ""
	}
	return conn
}

// maxAuthRounds bounds a handshake: NTLM needs two answers, Negotiate
// usually one, Digest one more after a stale nonce.
const maxAuthRounds = 4

// authenticate answers the challenge round after round in a new attempt
// window, on the same connection when the proxy keeps it open, else on a
// new one (and on a new one too when a kept connection turns out closed).
// A connection-based scheme (NTLM, Negotiate) whose handshake the proxy
// breaks by closing the connection mid-way fails with that reason.
func (t *Tunneler) authenticate(ctx context.Context, u *url.URL, hostport string, a authenticator, pc *proxyConn, resp *http.Response, hop *Hop) net.Conn {
	actx, cancel := t.window(ctx)
	defer cancel()
	chs := challengesFor(resp.Header.Values("Proxy-Authenticate"), a.scheme())
	for round := 0; round < maxAuthRounds; round++ {
		value, err := a.answer(chs)
		if err != nil && round == 0 {
			// Nothing was sent: these credentials cannot answer this proxy
			// (no Kerberos service ticket for its SPN, a Digest algorithm
			// not spoken). That is missing credentials, not a refusal.
			hop.Status, hop.AuthSent = resp.StatusCode, false
			fail(hop, CodeAuthRequired, fmt.Sprintf("%s; %s via %s could not answer: %v", describe(resp, ""), a.scheme(), hop.Auth.Source, err), nil, false)
			pc.Close()
			return nil
		}
		if err != nil {
			hop.Status = resp.StatusCode
			fail(hop, CodeAuthFailed, fmt.Sprintf("%s: %v", a.scheme(), err), nil, false)
			pc.Close()
			return nil
		}
		reused := reusable(resp)
		if !reused && a.connectionBased() && round > 0 {
			hop.Status = resp.StatusCode
			fail(hop, CodeProtocolError, fmt.Sprintf("the proxy closed the connection in the middle of the %s handshake, which needs one connection", a.scheme()), nil, false)
			pc.Close()
			return nil
		}
		req := connectRequest(hostport, t.userAgent(), value)
		for {
			if !reused {
				pc.Close()
				raw := t.openProxy(actx, u, hop)
				if raw == nil {
					return nil
				}
				pc = newProxyConn(raw)
			}
			before := pc.counter.n
			resp, err = roundTrip(actx, pc, req)
			if err == nil {
				break
			}
			if reused && pc.counter.n == before && actx.Err() == nil && (round == 0 || !a.connectionBased()) {
				if kind := failureKind(ctx, err); kind == "closed" || kind == "reset" {
					reused = false // the kept connection was closed meanwhile
					continue
				}
			}
			exchangeFailed(ctx, hop, pc, err)
			pc.Close()
			return nil
		}
		hop.Auth.Rounds = append(hop.Auth.Rounds, resp.StatusCode)
		if resp.StatusCode == http.StatusProxyAuthRequired {
			next := challengesFor(resp.Header.Values("Proxy-Authenticate"), a.scheme())
			if a.continues(next) {
				chs = next
				continue
			}
		}
		return judge(pc, resp, hop)
	}
	hop.Status = resp.StatusCode
	fail(hop, CodeAuthFailed, fmt.Sprintf("the %s handshake did not end after %d rounds", a.scheme(), maxAuthRounds), nil, false)
	pc.Close()
	return nil
}

// judge classifies a complete answer to CONNECT. It returns the tunnel for
// a 200 and closes the connection otherwise.
func judge(pc *proxyConn, resp *http.Response, hop *Hop) net.Conn {
	hop.Status = resp.StatusCode
	switch {
	case resp.StatusCode == http.StatusOK:
		hop.Code, hop.Reason = CodeOK, describe(resp, "")
		_ = pc.SetDeadline(noDeadline)
		conn, early := pc.tunnelConn()
		if early > 0 {
			// Kept for the caller, but noted: Chromium refuses such a tunnel
			// (the bytes cannot come from the target, which has not been
			// spoken to yet).
			hop.Reason += fmt.Sprintf("; %d bytes followed the answer before the client spoke", early)
		}
		return conn
	case resp.StatusCode == http.StatusProxyAuthRequired && hop.AuthSent:
		hop.Code, hop.Reason = CodeAuthFailed, describe(resp, "")
	case resp.StatusCode == http.StatusProxyAuthRequired:
		hop.Code, hop.Reason = CodeAuthRequired, describe(resp, "")
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		// Chromium accepts only 200 for a tunnel.
		hop.Code, hop.Reason = CodeProtocolError, describe(resp, "")
	case resp.StatusCode < 200:
		hop.Code, hop.Reason = CodeProtocolError, describe(resp, "")
	case upstreamFailed(resp):
		hop.Code, hop.Reason = CodeUpstreamFailed, describe(resp, readTitle(resp.Body))
	default:
		hop.Code, hop.Reason = CodeDenied, describe(resp, readTitle(resp.Body))
	}
	pc.Close()
	return nil
}

// upstreamFailed reports an answer that says the proxy let the tunnel
// through but could not reach the target itself: 502, 503, 504, or squid's
// connection and DNS errors whatever their status.
func upstreamFailed(resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	for _, v := range resp.Header.Values("X-Squid-Error") {
		for _, e := range []string{"ERR_CONNECT_FAIL", "ERR_DNS_FAIL", "ERR_READ_TIMEOUT", "ERR_CANNOT_FORWARD"} {
			if strings.HasPrefix(v, e) {
				return true
			}
		}
	}
	return false
}

// exchangeFailed classifies a CONNECT exchange that produced no complete
// answer, using Chromium's rules for whether the next proxy is tried.
func exchangeFailed(ctx context.Context, hop *Hop, pc *proxyConn, err error) {
	got := pc.counter.n > 0
	switch kind := failureKind(ctx, err); {
	case pc.counter.hitLimit:
		fail(hop, CodeProtocolError, "the proxy's answer has a header larger than 64 KiB", err, false)
	case kind == "canceled":
		fail(hop, "", "canceled", err, false)
	case kind == "timeout" && !got:
		fail(hop, CodeUnreachable, "the proxy accepted the connection but did not answer CONNECT before the deadline", err, true)
	case kind == "timeout":
		fail(hop, CodeProtocolError, "the proxy's answer was still incomplete at the deadline", err, true)
	case kind == "closed" && !got:
		// Chromium: ERR_EMPTY_RESPONSE, no fallback.
		fail(hop, CodeProtocolError, "the proxy closed the connection without answering", err, false)
	case kind == "closed":
		fail(hop, CodeProtocolError, "the proxy closed the connection in the middle of its answer", err, false)
	case kind == "reset":
		fail(hop, CodeProtocolError, "the proxy reset the connection", err, true)
	case len(pc.first) > 0:
		fail(hop, CodeProtocolError, fmt.Sprintf("the answer is not HTTP: it starts with %q, so this port is not an HTTP proxy", pc.first), err, false)
	default:
		fail(hop, CodeProtocolError, "the answer is not HTTP", err, false)
	}
}

// failureKind names what went wrong with a connection: dns, timeout,
// refused, reset, unreachable, local_firewall, closed, canceled or other.
// The errno/Winsock classification is netclass's, shared with diag.
func failureKind(ctx context.Context, err error) string {
	if errors.Is(ctx.Err(), context.Canceled) {
		return "canceled"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && !dnsErr.IsTimeout {
		return "dns"
	}
	if errors.Is(err, net.ErrClosed) {
		return "closed"
	}
	switch k := netclass.Classify(err); k {
	case netclass.EOF:
		return "closed"
	default:
		return k
	}
}

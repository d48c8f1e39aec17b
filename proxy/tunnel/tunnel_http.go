package tunnel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"

	"github.com/okviz/okviz-check/internal/netclass"
)

// viaHTTP opens a tunnel with HTTP CONNECT, answering a Basic challenge
// with the URL's credentials when it has some.
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
	auth, hasCreds := basicAuth(u)
	if hasCreds && slices.Contains(hop.Schemes, "Basic") {
		hop.AuthSent = true
		return t.retryWithAuth(ctx, u, hostport, auth, pc, resp, hop)
	}
	judge(pc, resp, hop)
	if hasCreds {
		hop.Reason += "; the proxy does not offer Basic, so the URL's credentials were not sent"
	}
	return nil
}

// retryWithAuth sends the authenticated CONNECT in a new attempt window, on
// the same connection when the proxy keeps it open, else on a new one (and
// on a new one too when a kept connection turns out closed).
func (t *Tunneler) retryWithAuth(ctx context.Context, u *url.URL, hostport, auth string, pc *proxyConn, first *http.Response, hop *Hop) net.Conn {
	actx, cancel := t.window(ctx)
	defer cancel()
	req := connectRequest(hostport, t.userAgent(), auth)
	reused := reusable(first)
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
		resp, err := roundTrip(actx, pc, req)
		if err == nil {
			return judge(pc, resp, hop)
		}
		if reused && pc.counter.n == before && actx.Err() == nil {
			if kind := failureKind(ctx, err); kind == "closed" || kind == "reset" {
				reused = false // the kept connection was closed meanwhile
				continue
			}
		}
		exchangeFailed(ctx, hop, pc, err)
		pc.Close()
		return nil
	}
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
	default:
		hop.Code, hop.Reason = CodeDenied, describe(resp, readTitle(resp.Body))
	}
	pc.Close()
	return nil
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

package tunnel

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	xproxy "golang.org/x/net/proxy"
)

// SOCKS failures. Chromium maps every SOCKS handshake failure to
// ERR_SOCKS_CONNECTION_FAILED and tries the next proxy, except a SOCKS4
// "identd unreachable" reply (ERR_SOCKS_CONNECTION_HOST_UNREACHABLE), so
// these hops fall back unless noted.

// viaSOCKS5 opens a tunnel through a SOCKS5 proxy (RFC 1928) with
// golang.org/x/net/proxy, offering username/password (RFC 1929) when the URL
// has credentials. The target name is sent to the proxy, which resolves it:
// Chromium does the same for SOCKS5, so socks5 and socks5h behave alike.
func (t *Tunneler) viaSOCKS5(ctx context.Context, u *url.URL, hostport string, hop *Hop) net.Conn {
	actx, cancel := t.window(ctx)
	defer cancel()
	raw := t.openProxy(actx, u, hop)
	if raw == nil {
		return nil
	}
	var auth *xproxy.Auth
	if u.User != nil {
		pass, _ := u.User.Password()
		auth = &xproxy.Auth{User: u.User.Username(), Password: pass}
	}
	sniff := &sniffConn{Conn: raw}
	d, err := xproxy.SOCKS5("tcp", proxyAddr(u), auth, connDialer{sniff})
	if err != nil {
		raw.Close()
		fail(hop, CodeProtocolError, "SOCKS5 setup failed", err, true)
		return nil
	}
	conn, err := d.(xproxy.ContextDialer).DialContext(actx, "tcp", hostport)
	// The server's choice of method is the second byte it sends; 2 means
	// it asked for the user name and password.
	hop.AuthSent = auth != nil && len(sniff.head) >= 2 && sniff.head[1] == 2
	if err != nil {
		raw.Close()
		socks5Failed(actx, hop, err, len(sniff.head) > 0)
		return nil
	}
	hop.Code, hop.Reason = CodeOK, "SOCKS5: succeeded"
	return conn
}

// socks5Failed classifies an error of x/net's SOCKS5 client, which reports
// the server's refusals as plain error texts.
func socks5Failed(ctx context.Context, hop *Hop, err error, answered bool) {
	msg := err.Error()
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		msg = oe.Err.Error()
	}
	switch kind := failureKind(ctx, err); {
	case kind == "canceled":
		fail(hop, "", "canceled", err, false)
	case kind == "timeout" && !answered:
		fail(hop, CodeUnreachable, "the SOCKS5 proxy accepted the connection but did not answer before the deadline", err, true)
	case msg == "no acceptable authentication methods":
		fail(hop, CodeAuthRequired, "SOCKS5: the proxy accepts none of the offered authentication methods", err, true)
	case msg == "username/password authentication failed":
		fail(hop, CodeAuthFailed, "SOCKS5: username/password authentication failed", err, true)
	case strings.HasPrefix(msg, "unknown error "):
		fail(hop, CodeDenied, "SOCKS5: "+strings.TrimPrefix(msg, "unknown error "), err, true)
	case kind == "timeout":
		fail(hop, CodeProtocolError, "the SOCKS5 answer was still incomplete at the deadline", err, true)
	case kind == "closed" || kind == "reset":
		fail(hop, CodeProtocolError, "the SOCKS5 proxy closed the connection during the handshake", err, true)
	default:
		fail(hop, CodeProtocolError, "the answer is not SOCKS5", err, true)
	}
}

// sniffConn remembers the first bytes the server sends.
type sniffConn struct {
	net.Conn
	head []byte
}

func (c *sniffConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if len(c.head) < 2 {
		c.head = append(c.head, p[:min(n, 2-len(c.head))]...)
	}
	return n, err
}

// connDialer hands x/net's SOCKS client the connection already opened, so
// that a failure to reach the proxy is told apart from a refusal by it.
type connDialer struct{ c net.Conn }

func (d connDialer) Dial(string, string) (net.Conn, error) { return d.c, nil }

func (d connDialer) DialContext(context.Context, string, string) (net.Conn, error) { return d.c, nil }

// SOCKS4 reply codes (the second byte of the 8-byte reply).
const (
	socks4Granted      = 90
	socks4Rejected     = 91
	socks4NoIdentd     = 92
	socks4IdentdDiffer = 93
)

// viaSOCKS4 opens a tunnel through a SOCKS4 proxy, which is what a PAC
// "SOCKS host:port" means in Chromium. x/net has no SOCKS4 client and the
// protocol is one request and one 8-byte reply. An IPv4 target is sent as
// an address; a name as SOCKS4a (the proxy resolves it) where Chromium
// would resolve it locally first. The URL's user name is the SOCKS4 user
// id; SOCKS4 has no passwords.
func (t *Tunneler) viaSOCKS4(ctx context.Context, u *url.URL, hostport string, hop *Hop) net.Conn {
	actx, cancel := t.window(ctx)
	defer cancel()
	conn := t.openProxy(actx, u, hop)
	if conn == nil {
		return nil
	}
	host, portText, _ := net.SplitHostPort(hostport)
	port, _ := strconv.Atoi(portText)
	req := []byte{4, 1, byte(port >> 8), byte(port)}
	addr, err := netip.ParseAddr(host)
	isV4 := err == nil && addr.Is4()
	if isV4 {
		req = append(req, addr.AsSlice()...)
	} else {
		req = append(req, 0, 0, 0, 1) // SOCKS4a: "the name follows"
	}
	if u.User != nil {
		req = append(req, u.User.Username()...)
	}
	req = append(req, 0)
	if !isV4 {
		req = append(req, host...)
		req = append(req, 0)
	}
	stop := guard(actx, conn)
	reply := make([]byte, 8)
	_, err = conn.Write(req)
	n := 0
	if err == nil {
		n, err = io.ReadFull(conn, reply)
	}
	if !stop() && err == nil {
		err = actx.Err()
	}
	if err != nil {
		conn.Close()
		kind := failureKind(actx, err)
		switch {
		case kind == "canceled":
			fail(hop, "", "canceled", err, false)
		case kind == "timeout" && n == 0:
			fail(hop, CodeUnreachable, "the SOCKS4 proxy accepted the connection but did not answer before the deadline", err, true)
		default:
			fail(hop, CodeProtocolError, "the SOCKS4 answer is incomplete", err, true)
		}
		return nil
	}
	reason := "SOCKS4 reply " + strconv.Itoa(int(reply[1]))
	switch {
	case reply[0] != 0:
		fail(hop, CodeProtocolError, "the answer is not SOCKS4", nil, true)
	case reply[1] == socks4Granted:
		_ = conn.SetDeadline(noDeadline)
		hop.Code, hop.Reason = CodeOK, reason+": request granted"
		return conn
	case reply[1] == socks4Rejected:
		fail(hop, CodeDenied, reason+": request rejected or failed", nil, true)
	case reply[1] == socks4NoIdentd:
		fail(hop, CodeDenied, reason+": the proxy cannot reach the client's identd", nil, false)
	case reply[1] == socks4IdentdDiffer:
		fail(hop, CodeDenied, reason+": the client's identd reports a different user id", nil, true)
	default:
		fail(hop, CodeProtocolError, reason+": unknown reply code", nil, true)
	}
	conn.Close()
	return nil
}

package tunnel

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// MaxHeaderBytes bounds the status line and headers of a proxy's answer to
// CONNECT; a longer answer is a protocol error, not a memory problem.
const MaxHeaderBytes = 64 << 10

// maxBodyPeek bounds how much of an error page is read to find its title.
const maxBodyPeek = 4 << 10

// maxTitle bounds the page title kept in a reason.
const maxTitle = 200

// errHeaderTooLarge ends a read that went past MaxHeaderBytes.
var errHeaderTooLarge = errors.New("the answer's header is larger than 64 KiB")

// aLongTimeAgo is a deadline in the past: setting it makes pending I/O fail
// at once, which is how a cancelled context interrupts a blocked read.
var aLongTimeAgo = time.Unix(1, 0)

// noDeadline clears a connection's deadline.
var noDeadline time.Time

// guard ties conn's I/O to ctx: the connection gets ctx's deadline, and
// cancelling ctx interrupts blocked reads and writes. stop ends the tie and
// reports false when ctx ended first (the deadline then lies in the past).
func guard(ctx context.Context, conn net.Conn) (stop func() bool) {
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	return context.AfterFunc(ctx, func() { _ = conn.SetDeadline(aLongTimeAgo) })
}

// countingReader counts the bytes read from the proxy and, while limit is
// set, refuses to read past it.
type countingReader struct {
	r        io.Reader
	n        int64 // bytes read so far
	limit    int64 // stop at this many bytes; 0 means no limit
	hitLimit bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.limit > 0 {
		if c.n >= c.limit {
			c.hitLimit = true
			return 0, errHeaderTooLarge
		}
		if rest := c.limit - c.n; int64(len(p)) > rest {
			p = p[:rest]
		}
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// proxyConn is a connection to an HTTP proxy with its read buffer, which
// may already hold bytes that follow the proxy's answer.
type proxyConn struct {
	net.Conn
	counter *countingReader
	br      *bufio.Reader
	first   []byte // the first bytes of the last answer, to show when it is not HTTP
}

func newProxyConn(c net.Conn) *proxyConn {
	cr := &countingReader{r: c}
	return &proxyConn{Conn: c, counter: cr, br: bufio.NewReader(cr)}
}

// tunnelConn returns the connection for the caller after a 200: bytes the
// proxy sent after its header and that sit in the buffer are read first.
func (pc *proxyConn) tunnelConn() (net.Conn, int) {
	n := pc.br.Buffered()
	if n == 0 {
		return pc.Conn, 0
	}
	rest, _ := pc.br.Peek(n)
	return &bufferedConn{Conn: pc.Conn, r: io.MultiReader(bytes.NewReader(bytes.Clone(rest)), pc.Conn)}, n
}

// bufferedConn is a net.Conn whose first reads come from a buffer.
type bufferedConn struct {
	net.Conn
	r io.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// connectRequest is the CONNECT request for hostport, with the
// Proxy-Connection header Chromium sends so that proxies keep the
// connection open after a 407.
func connectRequest(hostport, userAgent, authorization string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "CONNECT %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nProxy-Connection: keep-alive\r\n", hostport, hostport, userAgent)
	if authorization != "" {
		fmt.Fprintf(&b, "Proxy-Authorization: %s\r\n", authorization)
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// roundTrip sends one CONNECT on pc and reads the answer's header within
// ctx: the connection's deadline is ctx's, and cancelling ctx interrupts
// blocked I/O. The header is bounded by MaxHeaderBytes; the body is left
// unread.
func roundTrip(ctx context.Context, pc *proxyConn, req []byte) (*http.Response, error) {
	stop := guard(ctx, pc)
	if _, err := pc.Write(req); err != nil {
		stop()
		return nil, err
	}
	pc.counter.limit = pc.counter.n + MaxHeaderBytes
	pc.first = nil
	if _, err := pc.br.Peek(1); err == nil {
		// Keep what the answer starts with: an SSH banner or a TLS alert
		// tells the admin at once that the port is not an HTTP proxy.
		b, _ := pc.br.Peek(min(pc.br.Buffered(), 48))
		pc.first = append([]byte(nil), b...)
	}
	resp, err := http.ReadResponse(pc.br, &http.Request{Method: http.MethodConnect})
	pc.counter.limit = 0
	if !stop() && err == nil {
		// ctx ended while the answer arrived; the deadline is now in the
		// past, so the connection is of no further use.
		err = ctx.Err()
	}
	return resp, err
}

// reusable drains a 407 answer's body so that the same connection can carry
// the authenticated CONNECT, and reports whether that is possible.
func reusable(resp *http.Response) bool {
	if resp.Close {
		return false
	}
	n, err := io.CopyN(io.Discard, resp.Body, MaxHeaderBytes+1)
	return errors.Is(err, io.EOF) && n <= MaxHeaderBytes
}

// describe summarises an HTTP answer in the proxy's own words: the status
// line and the headers that name the product and its reason for refusing,
// then the error page's title when there is one. The text stays raw; the
// report layer strips control characters for terminals.
func describe(resp *http.Response, title string) string {
	parts := []string{strings.TrimSpace(resp.Status)}
	for _, h := range []string{"X-Squid-Error", "Proxy-Agent", "Server", "Via"} {
		if v := resp.Header.Values(h); len(v) > 0 {
			parts = append(parts, h+": "+strings.Join(v, ", "))
		}
	}
	if title != "" {
		parts = append(parts, "title: "+title)
	}
	return strings.Join(parts, "; ")
}

// readTitle reads at most maxBodyPeek bytes of an error page, stopping as
// soon as the title is complete (a proxy that keeps the connection open
// after its page then costs no wait), and returns the title.
func readTitle(body io.Reader) string {
	buf := make([]byte, 0, 1024)
	chunk := make([]byte, 1024)
	for len(buf) < maxBodyPeek {
		n, err := body.Read(chunk[:min(len(chunk), maxBodyPeek-len(buf))])
		buf = append(buf, chunk[:n]...)
		if err != nil || bytes.Contains(bytes.ToLower(buf), []byte("</title")) {
			break
		}
	}
	return htmlTitle(buf)
}

// htmlTitle extracts the text of the first <title> element of a page
// prefix, entities decoded and white space collapsed, cut at maxTitle bytes.
func htmlTitle(page []byte) string {
	lower := bytes.ToLower(page)
	i := bytes.Index(lower, []byte("<title"))
	if i < 0 {
		return ""
	}
	j := bytes.IndexByte(lower[i:], '>')
	if j < 0 {
		return ""
	}
	text := page[i+j+1:]
	if k := bytes.Index(bytes.ToLower(text), []byte("</title")); k >= 0 {
		text = text[:k]
	}
	title := strings.Join(strings.Fields(html.UnescapeString(string(text))), " ")
	return truncate(title, maxTitle)
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

package diag

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"
)

// maxBody bounds what is read of any answer: enough to recognise a block
// page or a portal, never enough to balloon memory on an endless body.
const maxBody = 64 << 10

// httpAnswer is what one HTTP exchange returned.
type httpAnswer struct {
	Status   int
	Proto    string
	Header   http.Header
	Body     []byte
	Sent     time.Time
	Received time.Time
}

// blockMarkers label block pages of middleboxes. They only label an answer
// that is already suspicious (a refusal, or one seen through an untrusted or
// intercepted connection); they never decide reachability alone.
var blockMarkers = []struct {
	product string
	re      *regexp.Regexp
}{
	{"Zscaler", regexp.MustCompile(`(?i)internet security by zscaler|gateway\.zscaler`)},
	{"Palo Alto Networks", regexp.MustCompile(`(?i)blocked in accordance with company policy|/php/urlblock\.php`)},
	{"Fortinet", regexp.MustCompile(`(?i)fortiguard`)},
	{"Forcepoint", regexp.MustCompile(`(?i)blockpage\.cgi|websense|forcepoint`)},
	{"Blue Coat / Symantec", regexp.MustCompile(`(?i)notify\.bluecoat\.com|blue ?coat`)},
	{"Check Point", regexp.MustCompile(`(?i)check point usercheck|/usercheck/portalmain`)},
	{"Cisco Meraki", regexp.MustCompile(`(?i)meraki\.com:8090/blocked`)},
	{"Cisco Umbrella", regexp.MustCompile(`(?i)block\.opendns\.com|umbrella`)},
	{"iboss", regexp.MustCompile(`(?i)/ibreports/|/iboss/restricted`)},
	{"Lightspeed", regexp.MustCompile(`(?i)lightspeed system`)},
	{"SonicWall", regexp.MustCompile(`(?i)sonicwall`)},
	{"WatchGuard", regexp.MustCompile(`(?i)watchguard`)},
	{"Barracuda", regexp.MustCompile(`(?i)barracuda`)},
	{"Squid", regexp.MustCompile(`(?i)generated .* by .*\(squid|x-squid-error`)},
	{"generic", regexp.MustCompile(`(?i)(access|request|web ?page|site|url|this page) (has been |is |was )?(denied|blocked)|blocked by|content filter|web filter`)},
}

var portalMarkers = regexp.MustCompile(`(?i)captive|hotspot|wi-?fi login|sign[ -]?in to (the )?(network|wi-?fi)|accept (the )?terms|type=["']?password|login\.(html|php|cgi)`)

// blockProduct returns the product named by a block page, or "".
func blockProduct(a *httpAnswer) string {
	hay := string(a.Body)
	for k, vs := range a.Header {
		hay += "\n" + k + ": " + strings.Join(vs, ",")
	}
	for _, m := range blockMarkers {
		if m.re.MatchString(hay) {
			return m.product
		}
	}
	return ""
}

// roundTrip sends one GET over an established TLS connection (HTTP/2 when
// the server chose it through ALPN) and reads a bounded answer.
func (p *Prober) roundTrip(ctx context.Context, conn *tls.Conn, t Target) (*httpAnswer, error) {
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.URL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", p.UserAgent)
	req.Header.Set("Accept", "*/*")
	if conn.ConnectionState().NegotiatedProtocol == "h2" {
		// The header bound is announced in SETTINGS and enforced by the
		// framer; closing the body resets the stream without reading on.
		// net/http speaks it over the connection already made: the
		// Transport "dials" by handing that connection over, once.
		var h2 http.Protocols
		h2.SetHTTP2(true)
		handed := false
		tr := &http.Transport{
			Protocols:              &h2,
			MaxResponseHeaderBytes: maxHeader,
			DialTLSContext: func(context.Context, string, string) (net.Conn, error) {
				if handed {
					return nil, errors.New("the probe's connection is already in use")
				}
				handed = true
				return conn, nil
			},
		}
		defer tr.CloseIdleConnections()
		cc, err := tr.NewClientConn(ctx, "https", net.JoinHostPort(t.Host, strconv.Itoa(t.Port)))
		if err != nil {
			return nil, err
		}
		defer cc.Close()
		return readAnswer(p.Now, func() (*http.Response, error) { return cc.RoundTrip(req) }, nil)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	return exchangeHTTP1(p.Now, conn, req)
}

// plainGet fetches http://host:80/ directly from addr, for the captive
// portal test; redirects are recorded, never followed.
func (p *Prober) plainGet(ctx context.Context, t Target, addr string) (*httpAnswer, error) {
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	p.logf("http: connecting to %s for the captive-portal test", addr)
	conn, err := p.Dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+hostForURL(t.Host)+"/", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", p.UserAgent)
	return exchangeHTTP1(p.Now, conn, req)
}

// maxHeader bounds the status line and headers of an answer: a peer that
// never ends its header, or sends a huge one, gets a protocol error rather
// than the memory it asks for (net/http's client reader has no such bound).
const maxHeader = 64 << 10

// errHeaderTooLarge ends a header read that went past maxHeader.
var errHeaderTooLarge = errors.New("the answer's header is larger than 64 KiB")

// headerCap fails reads past left bytes while the header is read; a
// negative left means no bound (the body is bounded by readAnswer).
type headerCap struct {
	r    io.Reader
	left int
}

func (c *headerCap) Read(b []byte) (int, error) {
	if c.left < 0 {
		return c.r.Read(b)
	}
	if c.left == 0 {
		return 0, errHeaderTooLarge
	}
	n, err := c.r.Read(b[:min(len(b), c.left)])
	c.left -= n
	return n, err
}

// exchangeHTTP1 writes req on conn and reads the answer, its header bounded
// by maxHeader and its body by maxBody. The connection is not reused: once
// the body prefix is read its deadline is put in the past, so closing the
// body does not drain the rest (net/http reads a body to its end on Close
// when the connection could be kept), whatever its size.
func exchangeHTTP1(now func() time.Time, conn net.Conn, req *http.Request) (*httpAnswer, error) {
	req.Close = true
	hc := &headerCap{r: conn, left: maxHeader}
	return readAnswer(now, func() (*http.Response, error) {
		if err := req.Write(conn); err != nil {
			return nil, err
		}
		resp, err := http.ReadResponse(bufio.NewReaderSize(hc, 4096), req)
		hc.left = -1
		return resp, err
	}, func() { conn.SetDeadline(time.Unix(1, 0)) })
}

// readAnswer runs one exchange and keeps a bounded answer. abandon, when
// set, is called before the body is closed, to stop a close that would
// otherwise read the rest of it.
func readAnswer(now func() time.Time, do func() (*http.Response, error), abandon func()) (*httpAnswer, error) {
	a := &httpAnswer{Sent: now()}
	resp, err := do()
	if err != nil {
		return nil, err
	}
	a.Received = now()
	a.Status, a.Proto, a.Header = resp.StatusCode, resp.Proto, resp.Header
	// A body cut short by the deadline is still evidence; the status line
	// and headers already prove who answered.
	a.Body, _ = io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if abandon != nil {
		abandon()
	}
	resp.Body.Close()
	return a, nil
}

// httpFacts carries what the TLS step concluded into the HTTP step.
type httpFacts struct {
	trusted bool // the chain verified with the system verifier (directly or through trusted inspection)
	code    Code // the TLS check's code
}

// probeHTTP sends the GET over the TLS connection and classifies the answer.
// It also returns the answer so the clock check can use its Date header.
func (p *Prober) probeHTTP(ctx context.Context, t Target, conn *tls.Conn, f httpFacts) (Check, *httpAnswer) {
	start := p.Now()
	a, err := p.roundTrip(ctx, conn, t)
	var c Check
	switch {
	case err != nil:
		kind := classifyNetErr(err)
		details := &HTTPDetails{Error: err.Error()}
		switch {
		case errors.Is(err, errHeaderTooLarge):
			c = newCheck(CheckHTTPGet, HTTPProtocolError, fmt.Sprintf("The answer from %s has a header larger than %d KiB: not a plausible HTTP answer.", t.URL, maxHeader>>10), details)
		case kind == failTimeout:
			c = newCheck(CheckHTTPGet, HTTPTimeout, fmt.Sprintf("No complete answer from %s within %s.", t.URL, p.Timeout), details)
		case kind == failReset || kind == failEOF:
			c = newCheck(CheckHTTPGet, HTTPBlocked, fmt.Sprintf("The connection was cut after the request to %s was sent: a middlebox refuses it.", t.URL), details)
		default:
			c = newCheck(CheckHTTPGet, HTTPProtocolError, fmt.Sprintf("The answer from %s was not valid HTTP.", t.URL), details)
		}
	default:
		c = p.classifyAnswer(t, a, f)
	}
	c.DurationMS = p.since(start)
	return c, a
}

// HTTPDetails is the evidence of http.get and http.portal: the answer's
// status and the headers that tell who answered, or why none came.
type HTTPDetails struct {
	ContentType string `json:"content_type,omitempty"`
	Date        string `json:"date,omitempty"`
	Error       string `json:"error,omitempty"`
	Location    string `json:"location,omitempty"`
	Product     string `json:"product,omitempty"` // the block page's product
	Protocol    string `json:"protocol,omitempty"`
	Server      string `json:"server,omitempty"`
	Status      int    `json:"status,omitempty"`
	Title       string `json:"title,omitempty"` // of an HTML answer
	URL         string `json:"url,omitempty"`   // http.portal: the plain-HTTP URL asked
	Via         string `json:"via,omitempty"`
	XSquidError string `json:"x_squid_error,omitempty"`
}

func (*HTTPDetails) CheckDetails() {}

func answerDetails(a *httpAnswer) *HTTPDetails {
	h := a.Header.Get
	return &HTTPDetails{
		Status: a.Status, Protocol: a.Proto,
		Server: h("Server"), Via: h("Via"), Location: h("Location"), Date: h("Date"),
		ContentType: h("Content-Type"), XSquidError: h("X-Squid-Error"),
		Title: htmlTitle(a.Body),
	}
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

func htmlTitle(body []byte) string {
	m := titleRE.FindSubmatch(body)
	if m == nil {
		return ""
	}
	s := strings.Join(strings.Fields(string(m[1])), " ")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func (p *Prober) classifyAnswer(t Target, a *httpAnswer, f httpFacts) Check {
	d := answerDetails(a)
	// The genuine service answered when the session verified and nobody
	// inspects it: no middlebox can speak for it then. A page there is a
	// block page only when it points elsewhere (a redirect out of the
	// target's site) or is a known product's page; otherwise its refusal
	// is the service's own (http.client_error).
	genuine := f.trusted && f.code != TLSIntercepted
	product := blockProduct(a)
	blocked := false
	switch {
	case product == "":
	case genuine:
		blocked = a.Status >= 300 && (product != "generic" || redirectsOffSite(t, a))
	default:
		// Interception, or a certificate that is not trusted or not the host's.
		blocked = a.Status >= 300 || !f.trusted || a.Status == http.StatusOK
	}
	if blocked {
		d.Product = product
		return newCheck(CheckHTTPGet, HTTPBlocked,
			fmt.Sprintf("%s answered %s with a block page (HTTP %d) instead of the service.", productOr(product, "A middlebox"), t.URL, a.Status), d)
	}
	if a.Status == http.StatusUnavailableForLegalReasons && !genuine {
		return newCheck(CheckHTTPGet, HTTPBlocked, fmt.Sprintf("%s answered HTTP 451: blocked by policy.", t.URL), d)
	}
	if !f.trusted {
		if isPortalAnswer(t, a) {
			return newCheck(CheckHTTPGet, HTTPCaptivePortal,
				fmt.Sprintf("Requests for %s are answered by a captive portal (HTTP %d%s).", t.Host, a.Status, locationNote(a)), d)
		}
		c := newCheck(CheckHTTPGet, HTTPOK, fmt.Sprintf("HTTP %d over a connection whose certificate is not trusted: whoever answered is not proven to be the service.", a.Status), d)
		c.Status = StatusInfo
		return c
	}
	if a.Status >= 500 {
		return newCheck(CheckHTTPGet, HTTPServerError, fmt.Sprintf("The service at %s answered HTTP %d: reachable, but it reports an error.", t.URL, a.Status), d)
	}
	if genuine && a.Status >= 400 {
		return newCheck(CheckHTTPGet, HTTPClientError, fmt.Sprintf(
			"The service at %s itself answered HTTP %d%s over its own publicly trusted certificate: it is reachable, but refuses this request; no middlebox on this network is involved.",
			t.URL, a.Status, statusText(a.Status)), d)
	}
	return newCheck(CheckHTTPGet, HTTPOK, fmt.Sprintf("The service at %s answered HTTP %d.", t.URL, a.Status), d)
}

// redirectsOffSite says whether the answer redirects out of the target's
// own site.
func redirectsOffSite(t Target, a *httpAnswer) bool {
	if a.Status < 300 || a.Status >= 400 {
		return false
	}
	loc, err := url.Parse(a.Header.Get("Location"))
	return err == nil && loc.Host != "" && !sameSite(loc.Hostname(), t.Host)
}

// statusText is " (Forbidden)" for 403, or "" for a status without a name.
func statusText(code int) string {
	if s := http.StatusText(code); s != "" {
		return " (" + s + ")"
	}
	return ""
}

func productOr(p, def string) string {
	if p == "" || p == "generic" {
		return def
	}
	return p
}

func locationNote(a *httpAnswer) string {
	if loc := a.Header.Get("Location"); loc != "" {
		return ", redirect to " + loc
	}
	return ""
}

// isPortalAnswer recognises a captive portal: a redirect to another host, or
// a page that asks to log in or accept terms.
func isPortalAnswer(t Target, a *httpAnswer) bool {
	if a.Status >= 300 && a.Status < 400 {
		// Sites redirect http://api.x/ to https://www.x/: only a redirect
		// out of the target's own site is a portal.
		return redirectsOffSite(t, a)
	}
	return a.Status < 300 && portalMarkers.Match(a.Body)
}

// sameSite reports whether two hosts belong to the same site, as browsers
// decide it: equal, or under the same registrable domain (one label above
// a public suffix of the Public Suffix List: api.sap.io and www.sap.io,
// a.example.co.uk and b.example.co.uk, but not a.github.io and b.github.io).
func sameSite(a, b string) bool {
	a, b = strings.ToLower(strings.TrimSuffix(a, ".")), strings.ToLower(strings.TrimSuffix(b, "."))
	if a == b {
		return true
	}
	if net.ParseIP(a) != nil || net.ParseIP(b) != nil {
		return false
	}
	return siteOf(a) == siteOf(b)
}

// siteOf is the registrable domain of h, or h itself when it has none (a
// public suffix, a single label).
func siteOf(h string) string {
	if site, err := publicsuffix.EffectiveTLDPlusOne(h); err == nil {
		return site
	}
	return h
}

// portalCheck is the captive-portal test over plain HTTP, run when the TLS
// evidence (a certificate for another name, an untrusted chain, plain HTTP
// on the TLS port) points that way.
func (p *Prober) portalCheck(ctx context.Context, t Target, ip string) (Check, bool) {
	start := p.Now()
	a, err := p.plainGet(ctx, t, net.JoinHostPort(ip, "80"))
	if err != nil || !isPortalAnswer(t, a) {
		return Check{}, false
	}
	d := answerDetails(a)
	d.URL = "http://" + hostForURL(t.Host) + "/"
	c := newCheck(CheckHTTPPortal, HTTPCaptivePortal,
		fmt.Sprintf("http://%s/ is answered by a captive portal (HTTP %d%s).", t.Host, a.Status, locationNote(a)), d)
	c.DurationMS = p.since(start)
	return c, true
}

// ClockDetails is the evidence of the clock check.
type ClockDetails struct {
	LocalTime  string `json:"local_time"`  // RFC 3339, at the middle of the round trip
	ServerDate string `json:"server_date"` // the answer's Date header
	SkewS      int64  `json:"skew_s"`      // local minus server, in seconds
	Trusted    bool   `json:"trusted"`     // the answer came over a verified connection
}

func (*ClockDetails) CheckDetails() {}

// clockSkewLimit is how far the local clock may be off before it is worth
// a warning: beyond it, certificate validity and token lifetimes break.
const clockSkewLimit = 5 * time.Minute

// clockCheck compares the local clock with the server's Date header,
// corrected for half the round trip.
func clockCheck(a *httpAnswer, trusted bool) (Check, time.Duration, bool) {
	if a == nil {
		return Check{}, 0, false
	}
	date, err := http.ParseTime(a.Header.Get("Date"))
	if err != nil {
		return Check{}, 0, false
	}
	local := a.Sent.Add(a.Received.Sub(a.Sent) / 2)
	skew := local.Sub(date)
	d := &ClockDetails{
		ServerDate: date.UTC().Format(time.RFC3339),
		LocalTime:  local.UTC().Format(time.RFC3339),
		SkewS:      int64(skew.Round(time.Second) / time.Second),
		Trusted:    trusted,
	}
	abs := skew
	if abs < 0 {
		abs = -abs
	}
	if abs > clockSkewLimit {
		dir := "ahead of"
		if skew < 0 {
			dir = "behind"
		}
		return newCheck(CheckClock, ClockSkew, fmt.Sprintf("This machine's clock is %s %s the server's.", humanDuration(abs), dir), d), skew, true
	}
	return newCheck(CheckClock, ClockOK, fmt.Sprintf("This machine's clock is within %s of the server's.", clockSkewLimit), d), skew, true
}

func humanDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + " days"
	case d >= 2*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " hours"
	case d >= 2*time.Minute:
		return strconv.Itoa(int(d/time.Minute)) + " minutes"
	}
	return d.Round(time.Second).String()
}

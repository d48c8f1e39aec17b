package diag

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// Roles of a DNSView: which list the resolver came from.
const (
	roleConfigured = "configured" // configured on this machine
	roleExtra      = "extra"      // --dns-server
	roleCompare    = "compare"    // --dns-compare
)

// Error kinds of a DNS query, beside classifyNetErr's timeout/refused/...
const (
	kindMalformed = "malformed"   // an answer to our question that cannot be read
	kindHTTP      = "http_status" // a DoH server answered, but not with a DNS message
	kindConfig    = "config"      // the resolver address itself is unusable
	// kindTLSPrefix starts the kind of a DoH connection whose certificate
	// failed: tls_ and the TLS code's name (tls_intercepted, tls_untrusted,
	// tls_hostname_mismatch, tls_expired, ...).
	kindTLSPrefix = "tls_"
)

var (
	errMalformed = errors.New("malformed answer")
	errDoH       = errors.New("DoH server did not return a DNS message")
)

// maxDNSMessage is the largest DNS message (TCP length prefix, DoH body).
const maxDNSMessage = 65535

// DNSView is the outcome of querying one resolver directly for the A and
// AAAA records of a target: what that resolver says, independently of the
// machine's resolver stack. The report shows it in the details of the
// dns.servers and dns.compare checks.
type DNSView struct {
	Server    string `json:"server"`    // as configured: "ip", "ip:port" or a DoH URL
	Transport string `json:"transport"` // udp, tcp (after a truncated UDP answer) or doh
	Role      string `json:"role"`      // configured, extra or compare
	// Rcode is the answer's response code (NOERROR, NXDOMAIN, SERVFAIL,
	// REFUSED, ...), empty when no answer came.
	Rcode  string   `json:"rcode"`
	Addrs  []string `json:"addresses"`
	CNAMEs []string `json:"cname_chain"` // from the target to its canonical name
	TTL    uint32   `json:"ttl"`         // seconds, smallest along the chain
	// SOA says the authority section carried an SOA record. Genuine negative
	// answers carry the zone's SOA; several DNS filters leave it out.
	SOA            bool               `json:"authority_soa"`
	ExtendedErrors []DNSExtendedError `json:"extended_errors"`
	DurationMS     int64              `json:"duration_ms"`
	Err            string             `json:"error,omitempty"`
	ErrKind        string             `json:"error_kind,omitempty"` // timeout, refused, unreachable, malformed, http_status, tls_intercepted, ...
	// HTTPStatus is what a DoH server (or whatever answered for it) sent
	// instead of a DNS message: its HTTP status.
	HTTPStatus int `json:"http_status,omitempty"`
	// Code is the problem code this view alone implies (dns.ok, dns.nxdomain, ...).
	Code Code `json:"code"`
	// Agrees says whether this resolver's answer is consistent with what
	// the system resolver gave applications (set by the checks).
	Agrees  bool       `json:"agrees_with_system"`
	Queries []DNSQuery `json:"queries"`
	// TLS is set when the answer shared nothing with the system's and a
	// handshake with its address settled whether it is the same service.
	TLS *TLSSettlement `json:"tls_settlement,omitempty"`
}

// DNSQuery is one query (A or AAAA) of a DNSView, as evidence.
type DNSQuery struct {
	Type      string `json:"type"`
	Transport string `json:"transport"`
	Rcode     string `json:"rcode"`
	// Truncated says the UDP answer had the TC bit set, so the query was
	// repeated over TCP.
	Truncated bool `json:"truncated"`
	// Ignored counts packets that were not the answer (wrong ID or question).
	Ignored    int    `json:"ignored_answers"`
	DurationMS int64  `json:"duration_ms"`
	Err        string `json:"error,omitempty"`
}

// dnsTimeout bounds each DNS operation.
func (p *Prober) dnsTimeout() time.Duration {
	if p.Timeout > 0 {
		return p.Timeout
	}
	return 5 * time.Second
}

// dnsViews queries every configured, extra and comparison resolver for the
// A and AAAA records of t.Host, all at once, each bounded by p.Timeout.
// With configuredOnly, only the resolvers configured on this machine are
// asked (what naming a failed system lookup needs). then, when set, runs on
// each view as soon as it is complete (settling it by TLS does not wait for
// the slowest resolver).
func (p *Prober) dnsViews(ctx context.Context, t Target, configuredOnly bool, then func(*DNSView)) []DNSView {
	if t.IsIP() {
		return []DNSView{}
	}
	type job struct{ server, role string }
	var jobs []job
	for _, l := range []struct {
		list []string
		role string
	}{{p.configuredFor(t.Host), roleConfigured}, {p.ExtraNameservers, roleExtra}, {p.Compare, roleCompare}} {
		if configuredOnly && l.role != roleConfigured {
			continue
		}
		seen := map[string]bool{}
		for _, s := range l.list {
			s = strings.TrimSpace(s)
			if s != "" && !seen[s] {
				seen[s] = true
				jobs = append(jobs, job{s, l.role})
			}
		}
	}
	out := make([]DNSView, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() {
			out[i] = p.queryView(ctx, j.server, j.role, t.Host)
			if then != nil {
				then(&out[i])
			}
		})
	}
	wg.Wait()
	return out
}

// configuredFor is the resolvers this machine asks for host: an NRPT
// rule's servers when the name is under its namespace (a DirectAccess or
// VPN resolver), else the adapters'.
func (p *Prober) configuredFor(host string) []string {
	if m := nrptFor(p.NRPT, host); m != nil && len(m.Servers) > 0 {
		return m.Servers
	}
	return p.Nameservers
}

// dnsServer is a resolver ready to be queried: a UDP/TCP address or a DoH client.
type dnsServer struct {
	addr string // host:port for UDP and TCP
	doh  string // the DoH URL
	http *http.Client
}

// dohHost is the DoH URL's host name or address, which its certificate must name.
func (s dnsServer) dohHost() string {
	u, err := url.Parse(s.doh)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

func parseDNSServer(s string) (dnsServer, error) {
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil || !strings.EqualFold(u.Scheme, "https") || u.Host == "" {
			return dnsServer{}, fmt.Errorf("resolver %q: a DoH resolver must be an https:// URL", s)
		}
		return dnsServer{doh: s}, nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return dnsServer{addr: net.JoinHostPort(a.String(), "53")}, nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return dnsServer{}, fmt.Errorf("resolver %q: not an IP address, ip:port or https:// URL", s)
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return dnsServer{}, fmt.Errorf("resolver %q: %q is not an IP address", s, host)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return dnsServer{}, fmt.Errorf("resolver %q: port %q is not between 1 and 65535", s, port)
	}
	return dnsServer{addr: net.JoinHostPort(a.String(), port)}, nil
}

// queryResult is one query's outcome.
type queryResult struct {
	q    DNSQuery
	ans  dnsAnswer
	err  error
	kind string
}

// queryView asks one resolver for A and AAAA concurrently and merges the two
// answers into one view.
func (p *Prober) queryView(ctx context.Context, server, role, host string) DNSView {
	ctx, cancel := context.WithTimeout(ctx, p.dnsTimeout())
	defer cancel()
	start := p.Now()
	v := DNSView{Server: server, Role: role, Transport: "udp",
		Addrs: []string{}, CNAMEs: []string{}, ExtendedErrors: []DNSExtendedError{}, Queries: []DNSQuery{}}
	srv, err := parseDNSServer(server)
	if err != nil {
		v.Err, v.ErrKind = err.Error(), kindConfig
		v.Code = viewCode(v, p.isPublic(host))
		return v
	}
	if srv.doh != "" {
		v.Transport = "doh"
		tr := &http.Transport{
			DialContext: p.Dialer.DialContext,
			// The chain is judged as the target's is (system roots and
			// --ca-file, then public trust, then the product), so that a
			// failure names its cause.
			TLSClientConfig: &tls.Config{
				InsecureSkipVerify: true, //nolint:gosec // verified in VerifyConnection
				VerifyConnection:   func(cs tls.ConnectionState) error { return p.verifyDoH(srv.dohHost(), cs) },
			},
			ForceAttemptHTTP2:   true,
			TLSHandshakeTimeout: p.dnsTimeout(),
		}
		defer tr.CloseIdleConnections()
		srv.http = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a DoH endpoint does not redirect; a portal or proxy does
		}}
	}

	qtypes := [2]dnsmessage.Type{dnsmessage.TypeA, dnsmessage.TypeAAAA}
	var res [2]queryResult
	var wg sync.WaitGroup
	for i, qt := range qtypes {
		wg.Go(func() { res[i] = p.query(ctx, srv, host, qt) })
	}
	wg.Wait()

	var answered []queryResult
	var errs []string
	for _, r := range res {
		v.Queries = append(v.Queries, r.q)
		if r.err != nil {
			errs = append(errs, r.q.Type+": "+r.err.Error())
			if v.ErrKind == "" {
				v.ErrKind = r.kind
			}
			if se, ok := errors.AsType[*dohStatusError](r.err); ok && v.HTTPStatus == 0 {
				v.HTTPStatus = se.status
			}
			continue
		}
		answered = append(answered, r)
		if r.q.Transport == "tcp" {
			v.Transport = "tcp"
		}
	}
	if len(res) == 2 && res[0].err != nil && res[1].err != nil && res[0].err.Error() == res[1].err.Error() {
		errs = []string{res[0].err.Error()}
	}
	v.Err = strings.Join(errs, "; ")
	if len(answered) > 0 {
		v.Rcode = rcodeName(answered[0].ans.RCode)
		ttl := ^uint32(0)
		for _, r := range answered {
			for _, a := range r.ans.Addrs {
				v.Addrs = append(v.Addrs, a.String())
			}
			if len(v.CNAMEs) == 0 && len(r.ans.CNAMEs) > 0 {
				v.CNAMEs = r.ans.CNAMEs
			}
			if len(r.ans.Addrs) > 0 || len(r.ans.CNAMEs) > 0 {
				ttl = min(ttl, r.ans.TTL)
			}
			v.SOA = v.SOA || r.ans.SOA
			for _, e := range r.ans.EDE {
				if !containsEDE(v.ExtendedErrors, e) {
					v.ExtendedErrors = append(v.ExtendedErrors, e)
				}
			}
		}
		if ttl != ^uint32(0) {
			v.TTL = ttl
		}
		if len(errs) == 0 {
			v.ErrKind = ""
		}
	}
	v.DurationMS = p.since(start)
	v.Code = viewCode(v, p.isPublic(host))
	return v
}

func containsEDE(list []DNSExtendedError, e DNSExtendedError) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

// query sends one question: over DoH, or over UDP and again over TCP when
// the UDP answer is truncated.
func (p *Prober) query(ctx context.Context, srv dnsServer, host string, qtype dnsmessage.Type) queryResult {
	start := p.Now()
	r := queryResult{q: DNSQuery{Type: strings.TrimPrefix(qtype.String(), "Type")}}
	finish := func() queryResult {
		r.q.DurationMS = p.since(start)
		if r.err != nil {
			r.q.Err = r.err.Error()
			r.kind = dnsErrKind(r.err)
		} else {
			r.q.Rcode = rcodeName(r.ans.RCode)
		}
		return r
	}
	if srv.doh != "" {
		r.q.Transport = "doh"
		p.logf("dns: %s %s via DoH %s", r.q.Type, host, srv.doh)
		r.ans, r.err = p.exchangeDoH(ctx, srv, host, qtype)
		return finish()
	}
	r.q.Transport = "udp"
	p.logf("dns: %s %s to %s over UDP", r.q.Type, host, srv.addr)
	r.ans, r.q.Ignored, r.err = p.exchange(ctx, "udp", srv.addr, host, qtype)
	if r.err == nil && r.ans.Truncated {
		r.q.Truncated, r.q.Transport = true, "tcp"
		p.logf("dns: %s %s to %s over TCP (UDP answer truncated)", r.q.Type, host, srv.addr)
		var ignored int
		r.ans, ignored, r.err = p.exchange(ctx, "tcp", srv.addr, host, qtype)
		r.q.Ignored += ignored
	}
	return finish()
}

// dnsErrKind names why a query got no answer.
func dnsErrKind(err error) string {
	if te, ok := errors.AsType[*dohTLSError](err); ok {
		return kindTLSPrefix + strings.TrimPrefix(te.check.Code, "tls.")
	}
	switch {
	case errors.Is(err, context.Canceled):
		return failCanceled
	case errors.Is(err, errMalformed):
		return kindMalformed
	case errors.Is(err, errDoH):
		return kindHTTP
	}
	return classifyNetErr(err)
}

// dohTLSError is a DoH server's certificate that this machine's TLS
// clients would refuse, with the TLS check that says why.
type dohTLSError struct{ check Check }

func (e *dohTLSError) Error() string { return e.check.Summary }

// verifyDoH judges a DoH server's chain the way the target's is judged
// (judgeChain): a chain this machine trusts passes, inspection by a CA it
// trusts included, and any other names its cause (interception by a
// product, an untrusted chain, a certificate for another name, time).
func (p *Prober) verifyDoH(host string, cs tls.ConnectionState) error {
	c := p.judgeChain(Target{Host: host}, cs.PeerCertificates, &TLSDetails{})
	if tlsTrusted(c) {
		return nil
	}
	return &dohTLSError{check: c}
}

// dohStatusError is an HTTP answer to a DoH query that is not a DNS message.
type dohStatusError struct {
	status int
	why    string // the status line, or what is wrong with a 200
}

func (e *dohStatusError) Error() string { return errDoH.Error() + ": " + e.why }
func (e *dohStatusError) Unwrap() error { return errDoH }

// exchange sends one query over UDP or TCP through p.Dialer and waits for
// the matching answer. Packets that are not that answer (a wrong ID or
// question: late or forged) are counted and ignored until the deadline.
func (p *Prober) exchange(ctx context.Context, network, addr, host string, qtype dnsmessage.Type) (dnsAnswer, int, error) {
	id := uint16(rand.N(1 << 16))
	msg, err := buildQuery(id, host, qtype)
	if err != nil {
		return dnsAnswer{}, 0, err
	}
	conn, err := p.Dialer.DialContext(ctx, network, addr)
	if err != nil {
		return dnsAnswer{}, 0, err
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	// Cancellation (not only the deadline) must unblock a pending read.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	ignored := 0
	fail := func(err error) (dnsAnswer, int, error) {
		if ctx.Err() != nil {
			err = ctx.Err() // the read only failed because time ran out
		}
		if ignored > 0 {
			err = fmt.Errorf("%w (ignored %d packets that were not the answer)", err, ignored)
		}
		return dnsAnswer{}, ignored, err
	}
	var read func() ([]byte, error)
	if network == "tcp" {
		framed := make([]byte, 2+len(msg))
		binary.BigEndian.PutUint16(framed, uint16(len(msg)))
		copy(framed[2:], msg)
		if _, err := conn.Write(framed); err != nil {
			return fail(err)
		}
		var lenBuf [2]byte
		read = func() ([]byte, error) {
			if _, err := io.ReadFull(conn, lenBuf[:]); err != nil {
				return nil, err
			}
			b := make([]byte, binary.BigEndian.Uint16(lenBuf[:]))
			_, err := io.ReadFull(conn, b)
			return b, err
		}
	} else {
		if _, err := conn.Write(msg); err != nil {
			return fail(err)
		}
		buf := make([]byte, maxDNSMessage)
		read = func() ([]byte, error) {
			n, err := conn.Read(buf)
			return buf[:n], err
		}
	}
	for {
		b, err := read()
		if err != nil {
			return fail(err)
		}
		ans, err := parseAnswer(b, id, host, qtype)
		if errors.Is(err, errMismatch) {
			ignored++
			continue
		}
		if err != nil {
			return fail(fmt.Errorf("%w from %s: %v", errMalformed, addr, err))
		}
		return ans, ignored, nil
	}
}

// exchangeDoH sends one query as an RFC 8484 POST (ID 0, as the RFC
// recommends for caching) and reads the answer.
func (p *Prober) exchangeDoH(ctx context.Context, srv dnsServer, host string, qtype dnsmessage.Type) (dnsAnswer, error) {
	msg, err := buildQuery(0, host, qtype)
	if err != nil {
		return dnsAnswer{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.doh, bytes.NewReader(msg))
	if err != nil {
		return dnsAnswer{}, err
	}
	req.Header.Set("Content-Type", "application/dns-message")
	req.Header.Set("Accept", "application/dns-message")
	if p.UserAgent != "" {
		req.Header.Set("User-Agent", p.UserAgent)
	}
	resp, err := srv.http.Do(req)
	if err != nil {
		return dnsAnswer{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return dnsAnswer{}, &dohStatusError{status: resp.StatusCode, why: "HTTP " + resp.Status}
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "application/dns-message") {
		return dnsAnswer{}, &dohStatusError{status: resp.StatusCode, why: fmt.Sprintf("HTTP 200 with content type %q", ct)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDNSMessage+1))
	if err != nil {
		return dnsAnswer{}, err
	}
	if len(body) > maxDNSMessage {
		return dnsAnswer{}, fmt.Errorf("%w: body larger than a DNS message", errDoH)
	}
	ans, err := parseAnswer(body, 0, host, qtype)
	if err != nil {
		return dnsAnswer{}, fmt.Errorf("%w from %s: %v", errMalformed, srv.doh, err)
	}
	return ans, nil
}

package lab_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/lab"
	"github.com/okviz/okviz-check/report"
)

// cliTimeout is okviz-check's --timeout in the scenarios; a run that does
// not end within hangFactor times it is killed and fails as a hang.
const (
	cliTimeout = 3 * time.Second
	hangFactor = 4
)

// TestLab builds one lab and runs, in parallel, the harness's own checks
// (plain Go clients inside the namespaces: the lab behaves as designed) and
// the okviz-check scenarios (the real binary names each fault).
func TestLab(t *testing.T) {
	lab.Require(t)
	l, cli := startLab(t, lab.BuildCLI)

	t.Run("harness", func(t *testing.T) {
		t.Parallel()
		testHarness(t, l)
	})
	t.Run("cli", func(t *testing.T) {
		t.Parallel()
		bin, err := cli()
		if errors.Is(err, lab.ErrNoCLI) {
			lab.Unavailable(t, "okviz-check has no main package to build")
		}
		if err != nil {
			t.Fatal(err)
		}
		testScenarios(t, l, bin)
	})
}

// ---- harness checks -------------------------------------------------------

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

func testHarness(t *testing.T, l *lab.Lab) {
	client := l.Direct.HTTPClient(l.Roots, nil, 5*time.Second)

	t.Run("dns", func(t *testing.T) {
		t.Parallel()
		ctx := ctxTimeout(t, 5*time.Second)
		for _, tc := range []struct {
			server, host string
			want         []string // nil: NXDOMAIN
		}{
			{lab.GatewayAddr, lab.HostGood, []string{"198.18.1.10", "fd00:198:18::1:10"}},
			{lab.GatewayAddr, lab.HostPortal, lab.OriginAddrs(lab.HostCaptive)},
			{lab.GatewayAddr, lab.HostSinkhole, []string{"0.0.0.0", "::"}},
			{lab.GatewayAddr, lab.HostNXDomain, nil},
			{lab.GatewayAddr, "anything-else.okviz.com", nil},
			{lab.DNS2Addr, lab.HostGood, []string{lab.MismatchAddr}},
			{lab.DNS2Addr, lab.HostHijacked, []string{lab.HijackAddr}},
		} {
			r := l.Direct.Resolver(net.JoinHostPort(tc.server, "53"))
			got, err := r.LookupHost(ctx, tc.host)
			if tc.want == nil {
				var dnsErr *net.DNSError
				if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
					t.Errorf("%s @%s: got %v, %v; want NXDOMAIN", tc.host, tc.server, got, err)
				}
				continue
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.want))
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("%s @%s: got %v, %v; want %v", tc.host, tc.server, got, err, want)
			}
		}
	})

	t.Run("origins", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			host   string
			roots  *x509.CertPool
			status int
			check  func(*http.Response) error
		}{
			{lab.HostGood, l.Roots, 200, hasDate},
			{lab.HostIntercepted, l.TrustedRoots, 200, issuedBy("Zscaler Root CA")},
			{lab.HostServerError, l.Roots, 503, nil},
			{lab.HostBlockPage, l.TrustedRoots, 403, bodyHas("Website blocked")},
			{lab.HostClockSkew, l.Roots, 200, dateOff(-3 * time.Hour)},
			{lab.HostExpiring, l.Roots, 200, endsIn(lab.ExpiringSoonIn)},
		} {
			c := l.Direct.HTTPClient(tc.roots, nil, 5*time.Second)
			resp, err := c.Get("https://" + tc.host + "/")
			if err != nil {
				t.Errorf("%s: %v", tc.host, err)
				continue
			}
			if resp.StatusCode != tc.status {
				t.Errorf("%s: status %d, want %d", tc.host, resp.StatusCode, tc.status)
			}
			if tc.check != nil {
				if err := tc.check(resp); err != nil {
					t.Errorf("%s: %v", tc.host, err)
				}
			}
			resp.Body.Close()
		}
	})

	t.Run("tls-faults", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			host string
			want func(error) bool
		}{
			{lab.HostExpired, outsideValidity(func(c *x509.Certificate) bool { return time.Now().After(c.NotAfter) })},
			{lab.HostNotYetValid, outsideValidity(func(c *x509.Certificate) bool { return time.Now().Before(c.NotBefore) })},
			{lab.HostWrongName, isType[x509.HostnameError]},
			{lab.HostCaptive, isType[x509.HostnameError]},
			{lab.HostUntrusted, isType[x509.UnknownAuthorityError]},
			{lab.HostIntercepted, isType[x509.UnknownAuthorityError]}, // not publicly trusted
			{lab.HostReset, isErrno(syscall.ECONNRESET)},
			{lab.HostStall, isTimeout},
		} {
			ctx := ctxTimeout(t, time.Second)
			req, _ := http.NewRequestWithContext(ctx, "GET", "https://"+tc.host+"/", nil)
			resp, err := client.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			if !tc.want(err) {
				t.Errorf("%s: got %v (%T)", tc.host, err, errors.Unwrap(err))
			}
		}
	})

	t.Run("plain-http", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct{ url, location string }{
			{"http://" + lab.HostCaptive + "/", "http://" + lab.HostPortal + "/login"},
			{"http://" + lab.HostGood + "/", "https://" + lab.HostGood + "/"},
		} {
			resp, err := client.Get(tc.url)
			if err != nil {
				t.Errorf("%s: %v", tc.url, err)
				continue
			}
			resp.Body.Close()
			if loc := resp.Header.Get("Location"); resp.StatusCode/100 != 3 || loc != tc.location {
				t.Errorf("%s: %d %q, want a redirect to %q", tc.url, resp.StatusCode, loc, tc.location)
			}
		}
		resp, err := client.Get(lab.PACURL(lab.PACProxy))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), lab.ProxyAddr) ||
			resp.Header.Get("Content-Type") != "application/x-ns-proxy-autoconfig" {
			t.Errorf("PAC: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	})

	t.Run("firewall", func(t *testing.T) {
		t.Parallel()
		addr := func(host string, i int) string { return net.JoinHostPort(lab.OriginAddrs(host)[i], "443") }
		for _, tc := range []struct {
			ns   *lab.Netns
			addr string
			want func(error) bool
		}{
			{l.Direct, addr(lab.HostGood, 0), isNil},
			{l.Direct, addr(lab.HostGood, 1), isNil},
			{l.Direct, addr(lab.HostDropped, 0), isTimeout},
			{l.Direct, addr(lab.HostRefused, 0), isErrno(syscall.ECONNREFUSED)},
			{l.Direct, addr(lab.HostProhibited, 0), isErrno(syscall.EHOSTUNREACH)},
			{l.Direct, addr(lab.HostIPv6Broken, 0), isNil},
			{l.Direct, addr(lab.HostIPv6Broken, 1), isTimeout},
			{l.ProxyOnly, addr(lab.HostGood, 0), isTimeout},
			{l.ProxyOnly, addr(lab.HostGood, 1), isTimeout},
			{l.ProxyOnly, lab.ProxyAddr, isNil},
			{l.ProxyOnly, lab.DeadProxyAddr, isErrno(syscall.ECONNREFUSED)},
			{l.Blackhole, addr(lab.HostGood, 0), isTimeout},
			{l.Blackhole, lab.ProxyAddr, isTimeout},
		} {
			t.Run(tc.ns.Name+"->"+tc.addr, func(t *testing.T) {
				t.Parallel()
				ctx := ctxTimeout(t, 500*time.Millisecond)
				c, err := tc.ns.DialContext(ctx, "tcp", tc.addr)
				if err == nil {
					c.Close()
				}
				if !tc.want(err) {
					t.Errorf("got %v", err)
				}
			})
		}
		ctx := ctxTimeout(t, 500*time.Millisecond)
		if _, err := l.Blackhole.Resolver(net.JoinHostPort(lab.GatewayAddr, "53")).LookupHost(ctx, lab.HostGood); !isTimeout(err) {
			t.Errorf("blackhole: DNS: got %v, want a timeout", err)
		}
		if _, err := l.ProxyOnly.Resolver(net.JoinHostPort(lab.GatewayAddr, "53")).LookupHost(t.Context(), lab.HostGood); err != nil {
			t.Errorf("proxy-only: DNS: %v", err)
		}
	})

	t.Run("failing-resolvers", func(t *testing.T) {
		t.Parallel()
		answers := func(want dnsmessage.RCode) func(dnsmessage.RCode, error) bool {
			return func(got dnsmessage.RCode, err error) bool { return err == nil && got == want }
		}
		fails := func(want func(error) bool) func(dnsmessage.RCode, error) bool {
			return func(_ dnsmessage.RCode, err error) bool { return want(err) }
		}
		for _, tc := range []struct {
			ns       *lab.Netns
			server   string
			udp, tcp func(dnsmessage.RCode, error) bool
		}{
			{l.ServfailDNS, lab.ServfailDNSAddr, answers(dnsmessage.RCodeServerFailure), answers(dnsmessage.RCodeServerFailure)},
			{l.RefusedDNS, lab.RefusedDNSAddr, answers(dnsmessage.RCodeRefused), answers(dnsmessage.RCodeRefused)},
			{l.SilentDNS, lab.SilentDNSAddr, fails(isTimeout), fails(isTimeout)},
			// A local firewall fails UDP sends at once; TCP sees a reset
			// (REJECT) or retransmits its SYN into the void (DROP).
			{l.LocalDNSReject, lab.GatewayAddr, fails(isErrno(syscall.EPERM)), fails(isErrno(syscall.ECONNREFUSED))},
			{l.LocalDNSDrop, lab.GatewayAddr, fails(isErrno(syscall.EPERM)), fails(isTimeout)},
			{l.LocalDNSDrop, lab.ServfailDNSAddr, fails(isErrno(syscall.EPERM)), fails(isTimeout)},
		} {
			t.Run(tc.ns.Name+"->"+tc.server, func(t *testing.T) {
				t.Parallel()
				for network, want := range map[string]func(dnsmessage.RCode, error) bool{"udp": tc.udp, "tcp": tc.tcp} {
					ctx := ctxTimeout(t, 500*time.Millisecond)
					if got, err := rcode(ctx, tc.ns, network, tc.server, lab.HostGood); !want(got, err) {
						t.Errorf("%s: got %v, %v", network, got, err)
					}
				}
			})
		}
	})

	t.Run("handshakes", func(t *testing.T) {
		t.Parallel()
		classic := []tls.CurveID{tls.X25519, tls.CurveP256}
		for _, tc := range []struct {
			host, sni string
			curves    []tls.CurveID // nil: Go's default, with the post-quantum key share
			want      func(error) bool
		}{
			{lab.HostSNIBlocked, lab.HostSNIBlocked, nil, isErrno(syscall.ECONNRESET)},
			{lab.HostSNIBlocked, lab.HostGood, nil, isType[x509.HostnameError]}, // control SNI passes the filter
			{lab.HostPQDrop, lab.HostPQDrop, nil, isTimeout},
			{lab.HostPQDrop, lab.HostPQDrop, classic, isNil},
			{lab.HostGood, lab.HostGood, nil, isNil},
			{lab.HostPlainHTTP, lab.HostPlainHTTP, nil, isType[tls.RecordHeaderError]},
		} {
			ctx := ctxTimeout(t, time.Second)
			err := handshake(ctx, l.Direct, lab.OriginAddrs(tc.host)[0], tc.sni, l.Roots, tc.curves)
			if !tc.want(err) {
				t.Errorf("%s with SNI %s, curves %v: got %v", tc.host, tc.sni, tc.curves, err)
			}
		}
	})

	t.Run("proxies", func(t *testing.T) {
		t.Parallel()
		target := lab.HostGood + ":443"
		for _, tc := range []struct {
			proxy, auth string
			status      int
			header      string // expected in the response headers
		}{
			{lab.ProxyAddr, "", 200, ""},
			{lab.AuthProxyAddr, "", 407, `Basic realm="okviz-lab"`},
			{lab.AuthProxyAddr, lab.ProxyUser + ":wrong", 407, "Basic"},
			{lab.AuthProxyAddr, lab.ProxyUser + ":" + lab.ProxyPassword, 200, ""},
			{lab.DenyProxyAddr, "", 403, ""},
			{lab.NTLMProxyAddr, "", 407, "NTLM"},
		} {
			ctx := ctxTimeout(t, 3*time.Second)
			resp, err := connect(ctx, l.ProxyOnly, tc.proxy, target, tc.auth)
			if err != nil {
				t.Errorf("CONNECT via %s: %v", tc.proxy, err)
				continue
			}
			if resp.StatusCode != tc.status || !strings.Contains(resp.Header.Get("Proxy-Authenticate"), tc.header) {
				t.Errorf("CONNECT via %s (auth %q): %d %v, want %d %q", tc.proxy, tc.auth, resp.StatusCode, resp.Header, tc.status, tc.header)
			}
		}
		ctx := ctxTimeout(t, 3*time.Second)
		if resp, err := connect(ctx, l.ProxyOnly, lab.NTLMProxyAddr, target, ""); err != nil ||
			!slices.Equal(resp.Header.Values("Proxy-Authenticate"), []string{"NTLM", "Negotiate"}) {
			t.Errorf("NTLM proxy: %v, %v; want the challenges NTLM and Negotiate", resp, err)
		}
		if got, err := rawConnect(ctx, l.ProxyOnly, lab.GarbageProxyAddr, target); got != lab.GarbageBanner {
			t.Errorf("garbage proxy: %q, %v", got, err)
		}
		// A whole HTTPS request from the proxy-only client through each
		// working kind of proxy (Go speaks https:// and socks5:// proxies
		// itself, with the same roots for the proxy and the origin).
		for _, proxy := range []*url.URL{
			{Scheme: "http", Host: lab.ProxyAddr},
			{Scheme: "https", Host: strings.TrimPrefix(lab.HTTPSProxyURL(), "https://")},
			{Scheme: "socks5", Host: lab.SOCKSProxyAddr},
		} {
			c := l.ProxyOnly.HTTPClient(l.Roots, proxy, 5*time.Second)
			resp, err := c.Get("https://" + lab.HostGood + "/")
			if err != nil {
				t.Errorf("through %s: %v", proxy, err)
				continue
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("through %s: %d", proxy, resp.StatusCode)
			}
		}
	})
}

// handshake runs a TLS handshake from ns to ip:443 with this SNI.
func handshake(ctx context.Context, ns *lab.Netns, ip, sni string, roots *x509.CertPool, curves []tls.CurveID) error {
	raw, err := ns.DialContext(ctx, "tcp", net.JoinHostPort(ip, "443"))
	if err != nil {
		return err
	}
	defer raw.Close()
	c := tls.Client(raw, &tls.Config{ServerName: sni, RootCAs: roots, CurvePreferences: curves})
	return c.HandshakeContext(ctx)
}

// connect sends a CONNECT request to the proxy and reads its answer.
func connect(ctx context.Context, ns *lab.Netns, proxy, target, auth string) (*http.Response, error) {
	c, err := ns.DialContext(ctx, "tcp", proxy)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if d, ok := ctx.Deadline(); ok {
		c.SetDeadline(d)
	}
	req := &http.Request{Method: "CONNECT", URL: &url.URL{Opaque: target}, Host: target, Header: http.Header{}}
	if auth != "" {
		user, pass, _ := strings.Cut(auth, ":")
		req.Header.Set("Proxy-Authorization", "Basic "+basicAuth(user, pass))
	}
	if err := req.Write(c); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return resp, nil
}

// rawConnect sends a CONNECT request and returns everything the proxy
// answers until it closes the connection.
func rawConnect(ctx context.Context, ns *lab.Netns, proxy, target string) (string, error) {
	c, err := ns.DialContext(ctx, "tcp", proxy)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if d, ok := ctx.Deadline(); ok {
		c.SetDeadline(d)
	}
	if _, err := io.WriteString(c, "CONNECT "+target+" HTTP/1.1\r\nHost: "+target+"\r\n\r\n"); err != nil {
		return "", err
	}
	b, err := io.ReadAll(c)
	return string(b), err
}

// rcode asks server, over network (udp or tcp) from inside ns, for the A
// record of name and returns the response code.
func rcode(ctx context.Context, ns *lab.Netns, network, server, name string) (dnsmessage.RCode, error) {
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 4242, RecursionDesired: true})
	b.StartQuestions()
	b.Question(dnsmessage.Question{Name: dnsmessage.MustNewName(name + "."), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET})
	msg, err := b.Finish()
	if err != nil {
		return 0, err
	}
	c, err := ns.DialContext(ctx, network, net.JoinHostPort(server, "53"))
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if d, ok := ctx.Deadline(); ok {
		c.SetDeadline(d)
	}
	if network == "tcp" {
		msg = append([]byte{byte(len(msg) >> 8), byte(len(msg))}, msg...)
	}
	if _, err := c.Write(msg); err != nil {
		return 0, err
	}
	buf := make([]byte, 1500)
	n, err := c.Read(buf)
	if err != nil {
		return 0, err
	}
	if network == "tcp" && n >= 2 {
		buf, n = buf[2:], n-2
	}
	var p dnsmessage.Parser
	h, err := p.Start(buf[:n])
	if err != nil {
		return 0, err
	}
	if h.ID != 4242 || !h.Response {
		return 0, errors.New("not an answer to the query")
	}
	return h.RCode, nil
}

func basicAuth(user, pass string) string {
	r, _ := http.NewRequest("GET", "http://x/", nil)
	r.SetBasicAuth(user, pass)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

func isNil(err error) bool { return err == nil }

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded)
}

func isErrno(want syscall.Errno) func(error) bool {
	return func(err error) bool { return errors.Is(err, want) }
}

func isType[E error](err error) bool {
	var e E
	return errors.As(err, &e)
}

func hasDate(r *http.Response) error {
	if _, err := http.ParseTime(r.Header.Get("Date")); err != nil {
		return errors.New("no valid Date header")
	}
	return nil
}

func dateOff(want time.Duration) func(*http.Response) error {
	return func(r *http.Response) error {
		d, err := http.ParseTime(r.Header.Get("Date"))
		if err != nil {
			return err
		}
		if off := time.Until(d); off > want+time.Minute || off < want-time.Minute {
			return errors.New("Date is " + off.String() + " off")
		}
		return nil
	}
}

// outsideValidity wants Go's "expired or not yet valid" error, which is
// one reason for both, on a certificate that side accepts.
func outsideValidity(side func(*x509.Certificate) bool) func(error) bool {
	return func(err error) bool {
		var e x509.CertificateInvalidError
		return errors.As(err, &e) && e.Reason == x509.Expired && side(e.Cert)
	}
}

// endsIn wants a leaf that expires about d from now.
func endsIn(d time.Duration) func(*http.Response) error {
	return func(r *http.Response) error {
		left := time.Until(r.TLS.PeerCertificates[0].NotAfter)
		if left > d || left < d-10*time.Minute {
			return errors.New("the certificate ends in " + left.String())
		}
		return nil
	}
}

func issuedBy(cn string) func(*http.Response) error {
	return func(r *http.Response) error {
		chain := r.TLS.VerifiedChains[0]
		if got := chain[len(chain)-1].Subject.CommonName; got != cn {
			return errors.New("root is " + got)
		}
		return nil
	}
}

func bodyHas(s string) func(*http.Response) error {
	return func(r *http.Response) error {
		b, _ := io.ReadAll(r.Body)
		if !strings.Contains(string(b), s) {
			return errors.New("body lacks " + s)
		}
		return nil
	}
}

// ---- okviz-check scenarios ------------------------------------------------

// scenario is one run of a probing command (check unless cmd says
// otherwise) and what it must conclude.
type scenario struct {
	name   string
	cmd    string // "" is check
	client func(*lab.Lab) *lab.Netns
	target string
	args   []string // extra flags
	env    []string
	exit   int
	code   string      // the target's verdict.code
	status diag.Status // the verdict's status
	route  string      // the target's route, when it matters
	proxy  string      // the target's proxy as printed, when it matters
	check  func(t *testing.T, tr diag.TargetResult)
	needs  func(t *testing.T, l *lab.Lab) // skips (or fails) when something it needs is missing
}

func (sc scenario) shown(proxy string) scenario    { sc.proxy = proxy; return sc }
func (sc scenario) withEnv(env ...string) scenario { sc.env = env; return sc }
func (sc scenario) anyRoute() scenario             { sc.route = ""; return sc }
func (sc scenario) from(client func(*lab.Lab) *lab.Netns) scenario {
	sc.client = client
	return sc
}
func (sc scenario) withCheck(f func(*testing.T, diag.TargetResult)) scenario {
	sc.check = f
	return sc
}

func direct(l *lab.Lab) *lab.Netns         { return l.Direct }
func proxyOnly(l *lab.Lab) *lab.Netns      { return l.ProxyOnly }
func blackhole(l *lab.Lab) *lab.Netns      { return l.Blackhole }
func servfailDNS(l *lab.Lab) *lab.Netns    { return l.ServfailDNS }
func refusedDNS(l *lab.Lab) *lab.Netns     { return l.RefusedDNS }
func silentDNS(l *lab.Lab) *lab.Netns      { return l.SilentDNS }
func localDNSReject(l *lab.Lab) *lab.Netns { return l.LocalDNSReject }
func localDNSDrop(l *lab.Lab) *lab.Netns   { return l.LocalDNSDrop }
func refusingDNS(l *lab.Lab) *lab.Netns    { return l.RefusingDNS }

const (
	pass = diag.StatusPass
	warn = diag.StatusWarn
	fail = diag.StatusFail
)

func scenarios(l *lab.Lab) []scenario {
	proxy := func(addr, user, pw string) []string { return []string{"--proxy", lab.ProxyURL(addr, user, pw)} }
	pac := func(name string) []string { return []string{"--pac", lab.PACURL(name)} }
	open := lab.ProxyURL(lab.ProxyAddr, "", "")
	redacted := "http://***@" + lab.AuthProxyAddr // SPEC: credentials never appear
	// simple is a run from Direct named after the code it must conclude;
	// without --strict only a failure exits 1.
	simple := func(code, host string, status diag.Status) scenario {
		exit := 0
		if status == fail {
			exit = 1
		}
		return scenario{name: code, client: direct, target: host, exit: exit, code: code, status: status}
	}
	// proxied is a run from ProxyOnly to HostGood through a proxy; a
	// working one must report a proxy.ok check.
	proxied := func(name string, args []string, code string, status diag.Status) scenario {
		sc := simple(code, lab.HostGood, status)
		sc.name, sc.client, sc.args, sc.route = name, proxyOnly, args, "proxy"
		if code == "ok" {
			sc.check = hasCheck("proxy.ok")
		}
		return sc
	}
	return []scenario{
		{name: "ok", client: direct, target: lab.HostGood, exit: 0, code: "ok", status: pass, route: "direct"},
		simple("dns.nxdomain", lab.HostNXDomain, fail),
		simple("dns.sinkhole", lab.HostSinkhole, fail),
		// Two resolvers in different networks, answers with nothing in
		// common: TLS settles it. HostGood's other address serves its
		// certificate (the same service: agree); HostHijacked's serves
		// another name's (dns.mismatch, with the proof).
		{name: "dns.ok/settled-by-tls", client: direct, target: lab.HostGood, args: []string{"--dns-server", lab.DNS2Addr},
			exit: 0, code: "ok", status: pass, check: settled("dns.servers", lab.MismatchAddr, true, "settled by TLS")},
		{name: "dns.mismatch", client: direct, target: lab.HostHijacked, args: []string{"--dns-server", lab.DNS2Addr},
			exit: 0, code: "dns.mismatch", status: warn, check: settled("dns.servers", lab.HijackAddr, false, "does not serve "+lab.HostHijacked)},
		{name: "dns.ok/settled-by-tls/compare", cmd: "dns", client: direct, target: lab.HostGood, args: []string{"--dns-compare", lab.DNS2Addr},
			exit: 0, code: "ok", status: pass, check: settled("dns.compare", lab.MismatchAddr, true, "settled by TLS")},
		{name: "dns.mismatch/compare", cmd: "dns", client: direct, target: lab.HostHijacked, args: []string{"--dns-compare", lab.DNS2Addr},
			exit: 0, code: "dns.mismatch", status: warn, check: settled("dns.compare", lab.HijackAddr, false, "does not serve "+lab.HostHijacked)},
		simple("tcp.timeout", lab.HostDropped, fail),
		simple("tcp.refused", lab.HostRefused, fail),
		simple("tcp.unreachable", lab.HostProhibited, fail),
		simple("tcp.ipv6_broken", lab.HostIPv6Broken, warn),
		simple("tls.sni_blocked", lab.HostSNIBlocked, fail),
		simple("tls.expired", lab.HostExpired, fail),
		simple("tls.hostname_mismatch", lab.HostWrongName, fail),
		simple("tls.untrusted", lab.HostUntrusted, fail),
		simple("tls.intercepted", lab.HostIntercepted, warn).withCheck(detailsMention("tls.intercepted", "Zscaler")),
		simple("tls.protocol_error", lab.HostPlainHTTP, fail),
		simple("tls.reset", lab.HostReset, fail),
		simple("tls.timeout", lab.HostStall, fail),
		simple("tls.clienthello_blocked", lab.HostPQDrop, fail),
		simple("http.captive_portal", lab.HostCaptive, fail),
		simple("http.server_error", lab.HostServerError, warn),
		{name: "http.server_error/strict", client: direct, target: lab.HostServerError, args: []string{"--strict"},
			exit: 1, code: "http.server_error", status: warn},
		simple("http.blocked", lab.HostBlockPage, fail),
		simple("clock.skew", lab.HostClockSkew, warn),
		simple("tls.not_yet_valid", lab.HostNotYetValid, fail).withCheck(summaryHas("tls.not_yet_valid", "valid only from")),
		simple("tls.expiring_soon", lab.HostExpiring, warn).withCheck(summaryHas("tls.expiring_soon", "in 3 days")),
		// The genuine service's own 403 is its refusal, not a block page.
		simple("http.client_error", lab.HostForbidden, warn).withCheck(summaryHas("http.client_error", "HTTP 403")),
		// Private answers are probed on: the connection decides.
		{name: "ok/private-address", client: direct, target: lab.HostPrivate, exit: 0, code: "ok", status: pass, route: "direct",
			check: summaryHas("dns.ok", "10.198.18.10 is a private address (RFC 1918)")},
		{name: "ok/synthetic-address", client: direct, target: lab.HostSynthetic, exit: 0, code: "ok", status: pass, route: "direct",
			check: summaryHas("dns.ok", "Zscaler Client Connector")},
		simple("dns.redirected", lab.HostPrivateBlock, fail).
			withCheck(allOf(summaryHas("dns.redirected", "resolves to 10.198.18.66"), summaryHas("dns.redirected", "block page"))),
		// A broken TLS path whose http:// redirects within its own site
		// (api.okv.io to www.okv.io): no captive portal outranks the TLS cause.
		{name: "tls.untrusted/same-site-redirect", client: direct, target: lab.HostSameSite, exit: 1, code: "tls.untrusted", status: fail,
			check: noCheckID("http.portal")},
		// Resolvers that fail, each the only one of its client.
		simple("dns.servfail", lab.HostGood, fail).from(servfailDNS).
			withCheck(resolverSaid(lab.ServfailDNSAddr, "SERVFAIL")),
		simple("dns.refused", lab.HostGood, fail).from(refusedDNS).
			withCheck(resolverSaid(lab.RefusedDNSAddr, "REFUSED")),
		simple("dns.timeout", lab.HostGood, fail).from(silentDNS).
			withCheck(resolverSaid(lab.SilentDNSAddr, "timeout")),
		simple("dns.unreachable", lab.HostGood, fail).from(refusingDNS).
			withCheck(allOf(resolverSaid(lab.RefusingDNSAddr, "refused"), summaryHas("dns.unreachable", "refused the connection"))),
		// The client's own firewall blocks DNS: nobody answered, and the
		// report must say the block is local.
		{name: "dns.timeout/local-reject", client: localDNSReject, target: lab.HostGood, exit: 1, code: "dns.timeout", status: fail,
			check: localFirewall},
		{name: "dns.timeout/local-drop", client: localDNSDrop, target: lab.HostGood, exit: 1, code: "dns.timeout", status: fail,
			check: localFirewall},
		// Proxies, from a client whose direct egress to the origins is dropped.
		proxied("proxy.ok", proxy(lab.ProxyAddr, "", ""), "ok", pass).shown(open),
		proxied("proxy.ok/pac", pac(lab.PACProxy), "ok", pass).shown(open),
		proxied("proxy.ok/pac-file", []string{"--pac", l.PACFile(lab.PACProxy)}, "ok", pass).shown(open),
		proxied("proxy.ok/env", nil, "ok", pass).shown(open).withEnv("HTTPS_PROXY=" + open),
		proxied("proxy.ok/credentials", proxy(lab.AuthProxyAddr, lab.ProxyUser, lab.ProxyPassword), "ok", pass).shown(redacted),
		proxied("proxy.auth_required", proxy(lab.AuthProxyAddr, "", ""), "proxy.auth_required", fail).
			withCheck(detailsMention("proxy.auth_required", "Basic")),
		proxied("proxy.auth_failed", proxy(lab.AuthProxyAddr, lab.ProxyUser, "wrong-"+lab.ProxyPassword), "proxy.auth_failed", fail).shown(redacted),
		proxied("proxy.denied", proxy(lab.DenyProxyAddr, "", ""), "proxy.denied", fail),
		proxied("proxy.ok/https", []string{"--proxy", lab.HTTPSProxyURL()}, "ok", pass).shown(lab.HTTPSProxyURL()),
		proxied("proxy.ok/socks5", []string{"--proxy", "socks5://" + lab.SOCKSProxyAddr}, "ok", pass).shown("socks5://" + lab.SOCKSProxyAddr),
		proxied("proxy.protocol_error", proxy(lab.GarbageProxyAddr, "", ""), "proxy.protocol_error", fail).
			withCheck(detailsMention("proxy.protocol_error", "not HTTP")),
		proxied("proxy.auth_required/ntlm", proxy(lab.NTLMProxyAddr, "", ""), "proxy.auth_required", fail).
			withCheck(offersSchemes("NTLM", "Negotiate")),
		proxied("proxy.unreachable", proxy(lab.DeadProxyAddr, "", ""), "proxy.unreachable", fail),
		proxied("proxy.unreachable/pac", pac(lab.PACDead), "proxy.unreachable", fail),
		// A dead proxy before a working one: reachable, but a warning.
		proxied("proxy.unreachable/failover", pac(lab.PACFailover), "proxy.unreachable", warn),
		proxied("proxy.pac_invalid/syntax", pac(lab.PACSyntax), "proxy.pac_invalid", fail).anyRoute(),
		proxied("proxy.pac_invalid/runaway", pac(lab.PACRunaway), "proxy.pac_invalid", fail).anyRoute().
			withCheck(summaryHas("proxy.pac_invalid", "runaway PAC script at line 3, column 3: the script did not finish")),
		proxied("proxy.pac_invalid/not-a-string", pac(lab.PACNumber), "proxy.pac_invalid", fail).anyRoute().
			withCheck(summaryHas("proxy.pac_invalid", `FindProxyForURL returned a number (42); it must return a string such as "PROXY host:port" or "DIRECT"`)),
		proxied("proxy.pac_unreachable", pac("missing.pac"), "proxy.pac_unreachable", fail).anyRoute().
			withCheck(summaryHas("proxy.pac_unreachable", "The fallback fails too")),
		// The same PAC faults where the direct path works: browsers fall
		// back to it, so the target is reachable and the PAC file is a warning.
		{name: "proxy.pac_unreachable/fallback-works", client: direct, target: lab.HostGood, args: pac("missing.pac"),
			exit: 0, code: "proxy.pac_unreachable", status: warn, route: "direct"},
		{name: "proxy.pac_invalid/fallback-works", client: direct, target: lab.HostGood, args: pac(lab.PACSyntax),
			exit: 0, code: "proxy.pac_invalid", status: warn, route: "direct"},
		// --no-proxy wins over the environment.
		{name: "no-proxy", client: direct, target: lab.HostGood, args: []string{"--no-proxy"}, env: []string{"HTTPS_PROXY=http://" + lab.DeadProxyAddr},
			exit: 0, code: "ok", status: pass, route: "direct"},
		// Everything dropped, DNS included: the run must end near --timeout.
		{name: "blackhole", client: blackhole, target: lab.HostGood, exit: 1, code: "dns.timeout", status: fail},

		// The other probing commands, once each: the verdict, and only
		// their own stages in the checks.
		{name: "cmd-dns", cmd: "dns", client: direct, target: lab.HostGood, exit: 0, code: "ok", status: pass,
			check: checkIDs("dns.system", "dns.servers")},
		{name: "cmd-tls", cmd: "tls", client: direct, target: lab.HostExpired, exit: 1, code: "tls.expired", status: fail,
			check: checkIDs("proxy.route", "dns.system", "tcp.connect", "tls.handshake")},
		{name: "cmd-reach", cmd: "reach", client: direct, target: lab.HostGood, exit: 0, code: "ok", status: pass,
			check: checkIDs("proxy.route", "dns.system", "tcp.connect", "tls.handshake", "http.get", "clock")},
		{name: "cmd-proxy", cmd: "proxy", client: proxyOnly, target: lab.HostGood, args: proxy(lab.AuthProxyAddr, "", ""),
			exit: 1, code: "proxy.auth_required", status: fail, route: "proxy",
			check: checkIDs("proxy.route", "proxy.connect")},
		// tls, reach and proxy name a failed lookup by the configured
		// resolver's own answer, as check and dns do.
		{name: "cmd-tls/dns.refused", cmd: "tls", client: refusedDNS, target: lab.HostGood, exit: 1, code: "dns.refused", status: fail,
			check: resolverSaid(lab.RefusedDNSAddr, "REFUSED")},
		{name: "cmd-reach/dns.servfail", cmd: "reach", client: servfailDNS, target: lab.HostGood, exit: 1, code: "dns.servfail", status: fail,
			check: resolverSaid(lab.ServfailDNSAddr, "SERVFAIL")},
		{name: "cmd-proxy/dns.unreachable", cmd: "proxy", client: refusingDNS, target: lab.HostGood, exit: 1, code: "dns.unreachable", status: fail,
			check: allOf(resolverSaid(lab.RefusingDNSAddr, "refused"), summaryHas("dns.unreachable", "refused the connection"))},
	}
}

func testScenarios(t *testing.T, l *lab.Lab, bin string) {
	for _, sc := range append(scenarios(l), authScenarios(t, l)...) {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			if sc.needs != nil {
				sc.needs(t, l)
			}
			cmd := sc.cmd
			if cmd == "" {
				cmd = "check"
			}
			tr, res := runProbe(t, l, bin, sc.client(l), sc.env, cmd, append([]string{sc.target}, sc.args...)...)
			if len(tr) != 1 {
				t.Fatalf("%d targets in the report, want 1\n%s", len(tr), res)
			}
			got := tr[0]
			ok := res.ExitCode == sc.exit && got.Verdict.Code == sc.code && got.Verdict.Status == sc.status &&
				(sc.route == "" || got.Route == sc.route) && (sc.proxy == "" || got.Proxy == sc.proxy)
			if !ok {
				t.Errorf("got exit %d, verdict %s [%s], route %q, proxy %q; want exit %d, verdict %s [%s], route %q, proxy %q\nchecks: %s\n%s",
					res.ExitCode, got.Verdict.Code, got.Verdict.Status, got.Route, got.Proxy,
					sc.exit, sc.code, sc.status, sc.route, sc.proxy, checkList(got), res)
			}
			if sc.check != nil {
				sc.check(t, got)
			}
		})
	}

	// rules --resolve asks the client's resolver (the lab's dnsmasq) and
	// writes the answers into the rules; without it, no address appears,
	// and the run still exits 0 (nothing to apply is not an error, see the
	// README's exit status) with a note on stderr saying why.
	// The real iptables-restore and ip6tables-restore accept the result.
	t.Run("rules-resolve", func(t *testing.T) {
		t.Parallel()
		addrs := lab.OriginAddrs(lab.HostGood)
		rules := []string{"-d " + addrs[0] + "/32 --dport 443", "-d " + addrs[1] + "/128 --dport 443"}
		for _, resolve := range []bool{true, false} {
			argv := []string{bin, "rules", lab.HostGood, "--format", "iptables", "--timeout", cliTimeout.String()}
			if resolve {
				argv = append(argv, "--resolve")
			}
			ctx := ctxTimeout(t, hangFactor*cliTimeout)
			res := l.Run(ctx, l.Direct, argv...)
			if res.ExitCode != 0 {
				t.Errorf("want exit 0\n%s", res)
				continue
			}
			if note := strings.Contains(string(res.Stderr), "allows nothing yet"); note == resolve {
				t.Errorf("--resolve %v: the nothing-to-apply note on stderr: %v\n%s", resolve, note, res)
			}
			out := string(res.Stdout)
			for _, a := range append(addrs, rules...) {
				if strings.Contains(out, a) != resolve {
					t.Errorf("--resolve %v: %q in the output: %v\n%s", resolve, a, !resolve, res)
				}
			}
			inputs := map[string]string{"iptables-restore": out}
			// The IPv6 rules come commented out, between markers.
			if _, v6, ok := strings.Cut(out, "# --- begin ip6tables ---"); ok {
				v6, _, _ = strings.Cut(v6, "# --- end ip6tables ---")
				inputs["ip6tables-restore"] = strings.ReplaceAll(v6, "\n# ", "\n")
				if !strings.Contains(inputs["ip6tables-restore"], "\n-A OKVIZ-CHECK -p tcp "+rules[1]) {
					t.Errorf("the IPv6 block has no rule for %s:\n%s", addrs[1], v6)
				}
			} else if resolve {
				t.Errorf("no IPv6 rules\n%s", res)
			}
			for tool, input := range inputs {
				if r := l.RunStdin(ctx, l.Direct, input, tool, "--test", "--noflush"); r.ExitCode != 0 {
					t.Errorf("%s rejects the rules:\n%s\ninput:\n%s", tool, r, input)
				}
			}
		}
	})

	// A black-holed IPv6 address does not hold TLS back: the handshake on
	// the IPv4 address is logged before the IPv6 attempt gives up.
	t.Run("tcp.ipv6_broken/tls-does-not-wait", func(t *testing.T) {
		t.Parallel()
		tr, res := runProbe(t, l, bin, l.Direct, nil, "check", lab.HostIPv6Broken, "--verbose")
		addrs := lab.OriginAddrs(lab.HostIPv6Broken)
		handshake := strings.Index(string(res.Stderr), "tls: handshake to "+net.JoinHostPort(addrs[0], "443"))
		v6gaveUp := strings.Index(string(res.Stderr), "tcp: "+net.JoinHostPort(addrs[1], "443")+": timeout")
		if len(tr) != 1 || tr[0].Verdict.Code != "tcp.ipv6_broken" || handshake < 0 || v6gaveUp < 0 || handshake > v6gaveUp {
			t.Errorf("want tcp.ipv6_broken with the IPv4 handshake logged before the IPv6 attempt timed out\n%s", res)
		}
	})

	// A DoH comparison resolver behind TLS inspection that this machine
	// does not trust (no --ca-file): the view names the interception and
	// its product, not a SERVFAIL.
	t.Run("dns.compare/doh-intercepted", func(t *testing.T) {
		t.Parallel()
		argv := []string{bin, "dns", lab.HostGood, "--format", "json", "--timeout", cliTimeout.String(),
			"--dns-compare", lab.InterceptedDoHURL, "--public-roots", l.PublicRootsFile}
		res := l.Run(ctxTimeout(t, hangFactor*cliTimeout), l.Direct, argv...)
		rep, err := res.Report()
		if err != nil || res.ExitCode != 0 || len(rep.Targets) != 1 {
			t.Fatalf("want exit 0 with one target: %v\n%s", err, res)
		}
		c := findID(rep.Targets[0], "dns.compare")
		if c == nil {
			t.Fatalf("no dns.compare check: %s", checkList(rep.Targets[0]))
		}
		d, _ := c.Details.(*diag.DNSViewsDetails)
		if d == nil || len(d.Views) != 1 {
			t.Fatalf("dns.compare details %#v", c.Details)
		}
		v := d.Views[0]
		if v.Code != "tls.intercepted" || v.ErrKind != "tls_intercepted" || !strings.Contains(v.Err, "Zscaler") || v.Agrees ||
			c.Status != diag.StatusInfo || !strings.Contains(c.Summary, "intercepted") {
			t.Errorf("dns.compare %s %q; view code %s, error_kind %s, error %q, agrees %v", c.Status, c.Summary, v.Code, v.ErrKind, v.Err, v.Agrees)
		}
	})

	t.Run("no-password-in-output", func(t *testing.T) {
		t.Parallel()
		testNoPasswordInOutput(t, l, bin)
	})

	t.Run("two-targets", func(t *testing.T) {
		t.Parallel()
		tr, res := runProbe(t, l, bin, l.Direct, nil, "check", lab.HostGood, lab.HostRefused)
		if res.ExitCode != 1 || len(tr) != 2 || tr[0].Verdict.Code != "ok" || tr[1].Verdict.Code != "tcp.refused" {
			t.Errorf("want exit 1 with ok, tcp.refused\n%s", res)
		}
	})
}

// runProbe runs `okviz-check CMD ARGS --format json` with the lab's
// standard flags, checks what every report must satisfy, and returns its
// targets.
func runProbe(t *testing.T, l *lab.Lab, bin string, ns *lab.Netns, env []string, cmd string, args ...string) ([]diag.TargetResult, lab.Result) {
	t.Helper()
	argv := append([]string{bin, cmd}, args...)
	argv = append(argv, "--format", "json", "--timeout", cliTimeout.String())
	if !slices.Contains(args, "--dns-compare") {
		argv = append(argv, "--dns-compare", "none") // the public resolvers are not in the lab
	}
	argv = append(argv, l.TrustArgs()...)
	ctx := ctxTimeout(t, hangFactor*cliTimeout)
	res := l.RunEnv(ctx, ns, env, argv...)
	t.Logf("%s %s: exit %d after %v", cmd, strings.Join(args, " "), res.ExitCode, res.Duration.Round(time.Millisecond))
	if res.Err != nil {
		t.Fatalf("did not end by itself within %v: %v\n%s", hangFactor*cliTimeout, res.Err, res)
	}
	for _, out := range [][]byte{res.Stdout, res.Stderr} {
		if strings.Contains(string(out), lab.ProxyPassword) {
			t.Errorf("a proxy password appears in the output\n%s", res)
		}
	}
	rep, err := res.Report()
	if err != nil {
		t.Fatalf("%v\n%s", err, res)
	}
	if rep.SchemaVersion != report.SchemaVersion {
		t.Errorf("schema_version %d, want %d", rep.SchemaVersion, report.SchemaVersion)
	}
	worst := diag.StatusPass
	for _, tr := range rep.Targets {
		if tr.Status != tr.Verdict.Status {
			t.Errorf("%s: target status %s, verdict status %s", tr.Target, tr.Status, tr.Verdict.Status)
		}
		if tr.Checks == nil {
			t.Errorf("%s: checks is null", tr.Target)
		}
		if tr.Status.Rank() > worst.Rank() {
			worst = tr.Status
		}
	}
	if rep.Status != worst {
		t.Errorf("report status %s, worst target status %s", rep.Status, worst)
	}
	for _, tr := range rep.Targets {
		t.Logf("%s: %s [%s] %s", tr.Target, tr.Verdict.Code, tr.Verdict.Status, tr.Verdict.Summary)
	}
	return rep.Targets, res
}

func checkList(tr diag.TargetResult) string {
	var s []string
	for _, c := range tr.Checks {
		s = append(s, c.ID+"="+c.Code+"["+string(c.Status)+"]")
	}
	return strings.Join(s, " ")
}

func hasCheck(code string) func(*testing.T, diag.TargetResult) {
	return func(t *testing.T, tr diag.TargetResult) {
		if lab.FindCheck(tr, code) == nil {
			t.Errorf("no check with code %s: %s", code, checkList(tr))
		}
	}
}

// allOf runs every check.
func allOf(checks ...func(*testing.T, diag.TargetResult)) func(*testing.T, diag.TargetResult) {
	return func(t *testing.T, tr diag.TargetResult) {
		for _, c := range checks {
			c(t, tr)
		}
	}
}

// noCheckID wants no check with this id.
func noCheckID(id string) func(*testing.T, diag.TargetResult) {
	return func(t *testing.T, tr diag.TargetResult) {
		if c := findID(tr, id); c != nil {
			t.Errorf("unexpected %s check %s: %s", id, c.Code, c.Summary)
		}
	}
}

// detailsMention wants a check with this code whose details contain s.
func detailsMention(code, s string) func(*testing.T, diag.TargetResult) {
	return func(t *testing.T, tr diag.TargetResult) {
		c := lab.FindCheck(tr, code)
		if c == nil {
			t.Errorf("no check with code %s: %s", code, checkList(tr))
			return
		}
		b, _ := json.Marshal(c.Details)
		if !strings.Contains(string(b), s) {
			t.Errorf("%s details do not mention %q: %s", code, s, b)
		}
	}
}

// summaryHas wants a check with this code whose summary contains s.
func summaryHas(code, s string) func(*testing.T, diag.TargetResult) {
	return func(t *testing.T, tr diag.TargetResult) {
		if c := lab.FindCheck(tr, code); c == nil || !strings.Contains(c.Summary, s) {
			t.Errorf("no %s check whose summary says %q: %s", code, s, checkList(tr))
		}
	}
}

// settled wants the check with this id to hold DNS2Addr's view, settled
// by a handshake with addr (serving the host or not), and its summary,
// status and the view's agrees_with_system to tell the same story.
func settled(id, addr string, serves bool, says string) func(*testing.T, diag.TargetResult) {
	return func(t *testing.T, tr diag.TargetResult) {
		c := findID(tr, id)
		if c == nil {
			t.Fatalf("no %s check: %s", id, checkList(tr))
		}
		d, _ := c.Details.(*diag.DNSViewsDetails)
		if d == nil {
			t.Fatalf("%s details are %T", id, c.Details)
		}
		var v *diag.DNSView
		for i := range d.Views {
			if d.Views[i].Server == lab.DNS2Addr {
				v = &d.Views[i]
			}
		}
		if v == nil || v.TLS == nil || v.TLS.Address != addr {
			t.Fatalf("%s: no view of %s settled at %s: %+v", id, lab.DNS2Addr, addr, d.Views)
		}
		want := "other_certificate"
		if serves {
			want = "serves_host"
		}
		if v.TLS.Result != want || v.Agrees != serves {
			t.Errorf("%s view: result %s, agrees_with_system %v; want %s, %v", id, v.TLS.Result, v.Agrees, want, serves)
		}
		if (c.Code == diag.DNSMismatch) == serves || (c.Status == diag.StatusPass) != serves || !strings.Contains(c.Summary, says) {
			t.Errorf("%s = %s/%s %q, while the view serves_host=%v (want %q in the summary)", id, c.Code, c.Status, c.Summary, serves, says)
		}
	}
}

// findID returns the check with this id, or nil.
func findID(tr diag.TargetResult, id string) *diag.Check {
	for i := range tr.Checks {
		if tr.Checks[i].ID == id {
			return &tr.Checks[i]
		}
	}
	return nil
}

// resolverSaid wants dns.system to report what the configured resolver
// answered when asked directly.
func resolverSaid(server, outcome string) func(*testing.T, diag.TargetResult) {
	return func(t *testing.T, tr diag.TargetResult) {
		c := findID(tr, "dns.system")
		if c == nil {
			t.Fatalf("no dns.system check: %s", checkList(tr))
		}
		d, _ := c.Details.(*diag.DNSSystemDetails)
		if d == nil {
			t.Fatalf("dns.system details are %T", c.Details)
		}
		if got := d.ResolverRcodes[server]; got != outcome {
			t.Errorf("dns.system resolver_rcodes[%s] = %v, want %q (details %v)", server, got, outcome, c.Details)
		}
	}
}

// localFirewall wants dns.system to blame the local firewall.
func localFirewall(t *testing.T, tr diag.TargetResult) {
	c := findID(tr, "dns.system")
	if c == nil {
		t.Fatalf("no dns.system check: %s", checkList(tr))
	}
	d, _ := c.Details.(*diag.DNSSystemDetails)
	if d == nil {
		t.Fatalf("dns.system details are %T", c.Details)
	}
	if kind := d.ErrorKind; kind != "local_firewall" {
		t.Errorf("dns.system error_kind %v, want local_firewall (details %v)", kind, c.Details)
	}
	// No query left this machine, so no resolver was slow.
	if strings.Contains(c.Summary, "in time") || !strings.Contains(c.Summary, "firewall") {
		t.Errorf("dns.system summary does not blame the local firewall: %q", c.Summary)
	}
}

// offersSchemes wants the proxy.auth_required check to list the schemes
// the proxy offered, in order.
func offersSchemes(want ...string) func(*testing.T, diag.TargetResult) {
	return func(t *testing.T, tr diag.TargetResult) {
		c := lab.FindCheck(tr, "proxy.auth_required")
		if c == nil {
			t.Fatalf("no proxy.auth_required check: %s", checkList(tr))
		}
		b, _ := json.Marshal(c.Details)
		var d struct {
			Hops []struct {
				Schemes []string `json:"schemes"`
			} `json:"hops"`
		}
		if err := json.Unmarshal(b, &d); err != nil || len(d.Hops) == 0 || !slices.Equal(d.Hops[len(d.Hops)-1].Schemes, want) {
			t.Errorf("proxy.auth_required details %s: want the schemes %v", b, want)
		}
		for _, s := range want {
			if !strings.Contains(c.Summary, s) {
				t.Errorf("summary %q does not name %s", c.Summary, s)
			}
		}
	}
}

// checkIDs wants exactly these check ids, in this order, leaving out the
// direct-path evidence of a proxied route (direct.*): how much of it ends
// before the proxy's answer is a race by design.
func checkIDs(want ...string) func(*testing.T, diag.TargetResult) {
	return func(t *testing.T, tr diag.TargetResult) {
		var got []string
		for _, c := range tr.Checks {
			if !strings.HasPrefix(c.ID, "direct.") {
				got = append(got, c.ID)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("check ids %v, want %v", got, want)
		}
	}
}

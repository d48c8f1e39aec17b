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

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/lab"
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
	type built struct {
		path string
		err  error
	}
	cli := make(chan built, 1)
	binDir := t.TempDir()
	go func() {
		p, err := lab.BuildCLI(context.Background(), binDir)
		cli <- built{p, err}
	}()
	start := time.Now()
	l := lab.New(t)
	t.Logf("lab up in %v", time.Since(start).Round(time.Millisecond))

	t.Run("harness", func(t *testing.T) {
		t.Parallel()
		testHarness(t, l)
	})
	t.Run("cli", func(t *testing.T) {
		t.Parallel()
		b := <-cli
		if errors.Is(b.err, lab.ErrNoCLI) {
			t.Skip("okviz-check has no main package yet")
		}
		if b.err != nil {
			t.Fatal(b.err)
		}
		testScenarios(t, l, b.path)
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
			{lab.HostExpired, func(err error) bool {
				var e x509.CertificateInvalidError
				return errors.As(err, &e) && e.Reason == x509.Expired
			}},
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
		// A whole HTTPS request through the open proxy from the proxy-only client.
		c := l.ProxyOnly.HTTPClient(l.Roots, &url.URL{Scheme: "http", Host: lab.ProxyAddr}, 5*time.Second)
		resp, err := c.Get("https://" + lab.HostGood + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("through the proxy: %d", resp.StatusCode)
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

// scenario is one run of `okviz-check check` and what it must conclude.
type scenario struct {
	name   string
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
}

func (sc scenario) shown(proxy string) scenario    { sc.proxy = proxy; return sc }
func (sc scenario) withEnv(env ...string) scenario { sc.env = env; return sc }
func (sc scenario) anyRoute() scenario             { sc.route = ""; return sc }
func (sc scenario) withCheck(f func(*testing.T, diag.TargetResult)) scenario {
	sc.check = f
	return sc
}

func direct(l *lab.Lab) *lab.Netns    { return l.Direct }
func proxyOnly(l *lab.Lab) *lab.Netns { return l.ProxyOnly }
func blackhole(l *lab.Lab) *lab.Netns { return l.Blackhole }

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
		{name: "dns.mismatch", client: direct, target: lab.HostGood, args: []string{"--dns-server", lab.DNS2Addr},
			exit: 0, code: "dns.mismatch", status: warn},
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
		proxied("proxy.unreachable", proxy(lab.DeadProxyAddr, "", ""), "proxy.unreachable", fail),
		proxied("proxy.unreachable/pac", pac(lab.PACDead), "proxy.unreachable", fail),
		// A dead proxy before a working one: reachable, but a warning.
		proxied("proxy.unreachable/failover", pac(lab.PACFailover), "proxy.unreachable", warn),
		proxied("proxy.pac_invalid/syntax", pac(lab.PACSyntax), "proxy.pac_invalid", fail).anyRoute(),
		proxied("proxy.pac_invalid/runaway", pac(lab.PACRunaway), "proxy.pac_invalid", fail).anyRoute(),
		proxied("proxy.pac_unreachable", pac("missing.pac"), "proxy.pac_unreachable", fail).anyRoute(),
		// --no-proxy wins over the environment.
		{name: "no-proxy", client: direct, target: lab.HostGood, args: []string{"--no-proxy"}, env: []string{"HTTPS_PROXY=http://" + lab.DeadProxyAddr},
			exit: 0, code: "ok", status: pass, route: "direct"},
		// Everything dropped, DNS included: the run must end near --timeout.
		{name: "blackhole", client: blackhole, target: lab.HostGood, exit: 1, code: "dns.timeout", status: fail},
	}
}

func testScenarios(t *testing.T, l *lab.Lab, bin string) {
	for _, sc := range scenarios(l) {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			tr, res := runCheck(t, l, bin, sc.client(l), sc.env, append([]string{sc.target}, sc.args...)...)
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

	t.Run("two-targets", func(t *testing.T) {
		t.Parallel()
		tr, res := runCheck(t, l, bin, l.Direct, nil, lab.HostGood, lab.HostRefused)
		if res.ExitCode != 1 || len(tr) != 2 || tr[0].Verdict.Code != "ok" || tr[1].Verdict.Code != "tcp.refused" {
			t.Errorf("want exit 1 with ok, tcp.refused\n%s", res)
		}
	})
}

// runCheck runs `okviz-check check ARGS --format json` with the lab's
// standard flags, checks what every report must satisfy, and returns its
// targets.
func runCheck(t *testing.T, l *lab.Lab, bin string, ns *lab.Netns, env []string, args ...string) ([]diag.TargetResult, lab.Result) {
	t.Helper()
	argv := append([]string{bin, "check"}, args...)
	argv = append(argv, "--format", "json", "--timeout", cliTimeout.String(), "--dns-compare", "none")
	argv = append(argv, l.TrustArgs()...)
	ctx := ctxTimeout(t, hangFactor*cliTimeout)
	res := l.RunEnv(ctx, ns, env, argv...)
	t.Logf("%s: exit %d after %v", strings.Join(args, " "), res.ExitCode, res.Duration.Round(time.Millisecond))
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
	if rep.SchemaVersion != 1 {
		t.Errorf("schema_version %d", rep.SchemaVersion)
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

package report

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/internal/fakedns"
	"github.com/okviz/okviz-check/internal/leakcheck"
	"github.com/okviz/okviz-check/proxy"
	"github.com/okviz/okviz-check/proxy/discover"
)

// probedReport is the report every golden file renders, made by running
// the real probes against loopback fake servers: a target reached through
// an authenticating CONNECT proxy, a name a DNS filter answers NXDOMAIN,
// a trusted TLS interception, and an inspecting middlebox's block page
// full of escape sequences.
// What varies between runs — durations, loopback ports, key hashes and
// serials — is then set to fixed values, so the goldens only change when
// what the probes report changes.
func probedReport(t testing.TB) *Report {
	t.Helper()
	base := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	valid := certgen.Validity(base.Add(-42*24*time.Hour), base.Add(48*24*time.Hour))
	caValid := certgen.Validity(base.Add(-5*365*24*time.Hour), base.Add(10*365*24*time.Hour))
	public := certgen.Must(certgen.NewCA("ISRG Root X1", certgen.Organization("Internet Security Research Group"), caValid))
	issuing := certgen.Must(public.Intermediate("R11", certgen.Organization("Let's Encrypt"), caValid))
	zscaler := certgen.Must(certgen.NewCA("Zscaler Root CA", certgen.Organization("Zscaler Inc."), caValid))
	origin := func(leaf *certgen.Leaf, h2 bool, h http.HandlerFunc) string {
		srv := httptest.NewUnstartedServer(h)
		srv.EnableHTTP2 = h2
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf.TLS}}
		srv.StartTLS()
		t.Cleanup(srv.Close)
		return srv.Listener.Addr().String()
	}
	date := func(w http.ResponseWriter) { w.Header().Set("Date", base.Add(2*time.Second).Format(http.TimeFormat)) }
	api := origin(certgen.Must(issuing.Leaf([]string{"api.okviz.com"}, valid)), true, func(w http.ResponseWriter, _ *http.Request) {
		date(w)
		w.Header().Set("Server", "nginx")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	})
	cdn := origin(certgen.Must(zscaler.Leaf([]string{"cdn.okviz.com"}, valid)), true, func(w http.ResponseWriter, _ *http.Request) {
		date(w)
		w.Write([]byte("ok"))
	})
	// The block page comes from the inspecting middlebox, under its own
	// certificate: a 403 from the genuine service would be its own refusal
	// (http.client_error), not a block page.
	files := origin(certgen.Must(zscaler.Leaf([]string{"files.okviz.com"}, valid)), false, func(w http.ResponseWriter, _ *http.Request) {
		// Written raw over HTTP/1.1, as a middlebox does.
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		body := "<html><head><title>" + hostileTitle + "</title></head><body>blocked by policy</body></html>"
		buf.WriteString("HTTP/1.1 403 Forbidden\r\nServer: " + hostileServer + "\r\nContent-Type: text/html\r\nDate: " +
			base.Add(2*time.Second).Format(http.TimeFormat) + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body)
		buf.Flush()
	})

	// The proxy reaches api.okviz.com by name; from this machine the name
	// does not resolve (only the proxy path works, as on many corporate PCs).
	routes := map[string]string{"api.okviz.com:443": api, "198.18.3.1:8443": files}
	var cdnAddrs []string
	for _, a := range []string{"198.18.2.1", "198.18.2.2", "198.18.2.3", "198.18.2.4", "198.18.2.5", "198.18.2.6", "198.18.2.7"} {
		cdnAddrs = append(cdnAddrs, a)
		routes[a+":443"] = cdn
	}
	dialer := labDialer{routes: routes}

	system := fakedns.Start(t, map[string]fakedns.Record{
		"api.okviz.com":     {Rcode: dns.RcodeNameError, SOA: true},
		"license.okviz.com": {Rcode: dns.RcodeNameError},
		"cdn.okviz.com":     {A: cdnAddrs, CNAME: []string{"okviz.edge.cdn.example"}},
		"files.okviz.com":   {A: []string{"198.18.3.1"}},
	})
	compare := fakedns.Start(t, map[string]fakedns.Record{"license.okviz.com": {Rcode: dns.RcodeNameError, SOA: true}})
	// The direct path is probed beside the proxy's and cut short when the
	// proxy path is done: the proxy waits until this machine's lookup of
	// the name has been answered, so the evidence is the same every run.
	directAnswered := func() {
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if len(system.QueriesFor("api.okviz.com")) >= 2 {
				time.Sleep(250 * time.Millisecond)
				return
			}
		}
	}
	routes["proxy.corp.example:8080"] = connectProxy(t, dialer, "alice", "s3cret", directAnswered)
	sysRoots := public.Pool()
	sysRoots.AddCert(zscaler.Cert)
	p := &diag.Prober{
		Dialer: dialer, Resolver: system.Resolver(), Now: func() time.Time { return base },
		Timeout: 3 * time.Second, Nameservers: []string{system.Addr},
		SystemRoots: sysRoots, PublicRoots: public.Pool(), UserAgent: "okviz-check/1.2.0",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	probe := func(url string, compareWith []string, route func(context.Context, diag.Target) diag.Route) diag.TargetResult {
		target, err := diag.ParseTarget(url)
		if err != nil {
			t.Fatal(err)
		}
		q := *p
		q.Compare, q.Route = compareWith, route
		return q.Probe(ctx, target, diag.Full())
	}
	through := proxy.Setup{
		Browser: proxy.Decision{Kind: proxy.KindFixed, From: "windows-ie-user", Proxies: []string{"http://alice:s3cret@proxy.corp.example:8080"},
			Rules: discover.ProxyRules{All: []string{"http://alice:s3cret@proxy.corp.example:8080"}}},
		CLI: proxy.Decision{Kind: proxy.KindDirect, From: "env"},
	}
	targets := []diag.TargetResult{
		probe("https://api.okviz.com/", nil, through.Router(p, p.Timeout)),
		probe("https://license.okviz.com/", []string{compare.Addr}, nil),
		probe("https://cdn.okviz.com/", nil, nil),
		probe("https://files.okviz.com:8443/", nil, nil),
	}
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "okviz-check", Version: "1.2.0", Commit: "abc1234"},
		StartedAt:     time.Date(2026, 11, 28, 11, 0, 0, 250e6, time.FixedZone("CET", 3600)),
		DurationMS:    412,
		System:        System{OS: "windows", Arch: "amd64"},
		Status:        Overall(targets),
		Proxy: ProxyInfo{Sources: []any{
			map[string]any{"name": "env", "found": true, "origin": "HTTPS_PROXY, NO_PROXY", "notes": []string{"NO_PROXY=.corp.example"}},
			map[string]any{"name": "windows-ie-user", "found": true, "mode": "manual", "proxies": map[string]any{"all": []string{"http://alice:s3cret@proxy.corp.example:8080"}}},
		}},
		Targets: targets,
	}
	return steady(t, r, map[string]string{system.Addr: "198.18.0.53", compare.Addr: "198.18.0.1"})
}

// TestProbedFixture runs the probes behind the report fixture and compares
// what they report with testdata/report-fixture.json, the report every
// renderer test reads (UPDATE_GOLDEN=1 rewrites it).
func TestProbedFixture(t *testing.T) {
	leakcheck.Check(t) // the probes' connections and the servers end with the test
	b, err := json.MarshalIndent(probedReport(t), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, fixturePath, append(b, '\n'))
}

// volatile matches what changes from run to run in a probed report: the
// durations, the certificates' hashes and serials (fresh keys each run),
// and the cipher Go picks for this CPU.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`"duration_ms":\d+`), `"duration_ms":7`},
	{regexp.MustCompile(`"cipher":"TLS_[A-Z0-9_]+"`), `"cipher":"TLS_AES_128_GCM_SHA256"`}, // ChaCha20 where AES has no hardware support
	{regexp.MustCompile(`"(sha256|spki_sha256)":"[0-9a-f]+"`), `"$1":"9f2c…"`},
	{regexp.MustCompile(`"serial":"[0-9a-f]+"`), `"serial":"4a1f0c"`},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), `198.18.0.99:50000`},
	// Go's resolver names the machine's own nameserver in its errors,
	// although the fake one answered.
	{regexp.MustCompile(`(lookup \S+ on )[0-9a-f.:\[\]]+:53\b`), `${1}198.18.0.53:53`},
	{regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}:\d{4,5}->`), `198.18.0.2:50000->`},
}

// steady writes the report as JSON, names the fake resolvers by the
// addresses a real machine would show, replaces what varies between runs,
// and reads it back: the typed details come from JSON as a saved report's do.
func steady(t testing.TB, r *Report, names map[string]string) *Report {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for from, to := range names {
		s = strings.ReplaceAll(s, from, to)
	}
	for _, v := range volatile {
		s = v.re.ReplaceAllString(s, v.with)
	}
	var back Report
	if err := json.Unmarshal([]byte(s), &back); err != nil {
		t.Fatal(err)
	}
	back.StartedAt = r.StartedAt
	for _, tr := range back.Targets {
		for i := range tr.Checks {
			if tr.Checks[i].Status == diag.StatusSkip {
				tr.Checks[i].DurationMS = 0 // nothing ran
			}
		}
	}
	return &back
}

// connectProxy is a CONNECT proxy on loopback that wants Basic credentials
// and opens tunnels with dial: what the report calls the corporate proxy.
func connectProxy(t testing.TB, dial labDialer, user, password string, before func()) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	want := "Basic " + basicAuth(user, password)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil || req.Method != http.MethodConnect {
					return
				}
				if req.Header.Get("Proxy-Authorization") != want {
					io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n")
					return
				}
				before()
				up, err := dial.DialContext(context.Background(), "tcp", req.Host)
				if err != nil {
					io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
					return
				}
				defer up.Close()
				io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
				go io.Copy(up, c)
				io.Copy(c, up)
			}()
		}
	}()
	return ln.Addr().String()
}

func basicAuth(user, password string) string {
	r, _ := http.NewRequest(http.MethodGet, "http://x/", nil)
	r.SetBasicAuth(user, password)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

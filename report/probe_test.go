package report

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/internal/fakedns"
)

// labDialer sends the lab's addresses to loopback listeners and everything
// else on 127.0.0.1 through; any other address is an error, so the test
// never leaves the machine.
type labDialer struct{ routes map[string]string }

func (d labDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if to, ok := d.routes[addr]; ok {
		addr = to
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host != "127.0.0.1" {
		return nil, errors.New("lab dialer: no route to " + addr)
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

// closedPort returns a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// probeLab runs a real diag probe of https://api.okviz.test/ whose name the
// local fake DNS answers with rec and the comparison one with public, against a loopback HTTPS server reached at
// 198.18.1.10 (and a refused port at fd00:198:18::10), and returns the
// result: the compact evidence is checked against what diag really writes.
func probeLab(t *testing.T, rec, public fakedns.Record) diag.TargetResult {
	t.Helper()
	ca, err := certgen.NewCA("Lab Root CA")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Leaf([]string{"api.okviz.test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Server", "lab")
		w.Write([]byte(`{"ok":true}`))
	}))
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf.TLS}}
	srv.StartTLS()
	t.Cleanup(srv.Close)

	system := fakedns.Start(t, map[string]fakedns.Record{"api.okviz.test": rec})
	compare := fakedns.Start(t, map[string]fakedns.Record{"api.okviz.test": public})
	target, err := diag.ParseTarget("https://api.okviz.test/")
	if err != nil {
		t.Fatal(err)
	}
	p := &diag.Prober{
		Dialer: labDialer{routes: map[string]string{
			"198.18.1.10:443":       srv.Listener.Addr().String(),
			"[fd00:198:18::10]:443": closedPort(t),
		}},
		Resolver:    system.Resolver(),
		Now:         time.Now,
		Timeout:     2 * time.Second,
		Nameservers: []string{system.Addr},
		Compare:     []string{compare.Addr},
		SystemRoots: ca.Pool(),
		PublicRoots: ca.Pool(),
		UserAgent:   "okviz-check/test",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return p.Probe(ctx, target, diag.Full())
}

// targetBlock is the text of one target's section: from its header to the
// blank line after it.
func targetBlock(out, target string) []string {
	var block []string
	in := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, target+"  ("):
			in = true
		case in && l == "":
			return block
		}
		if in {
			block = append(block, l)
		}
	}
	return block
}

func TestCompactEvidenceOfARealProbe(t *testing.T) {
	cases := []struct {
		name   string
		rec    fakedns.Record
		public fakedns.Record // what the comparison resolver says; rec when zero
		status diag.Status
		want   []string // regular expressions, each matching one whole line
		maxLen int      // lines of the target's section
	}{
		{
			name: "healthy", rec: fakedns.Record{A: []string{"198.18.1.10"}}, status: diag.StatusPass,
			want: []string{
				`^  PASS  dns\.system .*api\.okviz\.test resolves to 198\.18\.1\.10`,
				`^        127\.0\.0\.1:\d+ \(configured, udp\): 198\.18\.1\.10 — agrees$`,
				`^        127\.0\.0\.1:\d+ \(compare, udp\): 198\.18\.1\.10 — agrees$`,
				`^        198\.18\.1\.10:443 ipv4 ok \d+ ms$`,
				`^        TLS 1\.3, TLS_[A-Z0-9_]+, h2$`,
				`^        certificate: CN=api\.okviz\.test, issued by CN=Lab Root CA, valid until 2099-12-31$`,
				`^        HTTP 200 \(HTTP/2\.0\), server: lab$`,
				`^        skew: (0s|[+-]\d+s.*), server date: \d{4}-\d\d-\d\dT`,
			},
			maxLen: 15,
		},
		{
			name:   "IPv6 refused",
			rec:    fakedns.Record{A: []string{"198.18.1.10"}, AAAA: []string{"fd00:198:18::10"}},
			status: diag.StatusWarn,
			want: []string{
				`^  WARN  tcp\.connect +tcp\.ipv6_broken `,
				`^        198\.18\.1\.10:443 ipv4 ok \d+ ms$`,
				`^        \[fd00:198:18::10\]:443 ipv6 refused \d+ ms$`,
			},
			maxLen: 17,
		},
		{
			name:   "filtered name",
			rec:    fakedns.Record{Rcode: dns.RcodeNameError},
			public: fakedns.Record{A: []string{"198.18.1.10"}},
			status: diag.StatusFail,
			want: []string{
				`^  FAIL  dns\.system +dns\.nxdomain `,
				`^        127\.0\.0\.1:\d+ \(configured, udp\): NXDOMAIN — agrees$`,
				`^        127\.0\.0\.1:\d+ \(compare, udp\): 198\.18\.1\.10 — disagrees$`,
				`^  SKIP  http\.get `,
				`^  Fix: `,
			},
			maxLen: 12,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			public := tc.public
			if public.A == nil && public.AAAA == nil && public.Rcode == 0 {
				public = tc.rec
			}
			res := probeLab(t, tc.rec, public)
			if res.Status != tc.status {
				t.Fatalf("probe status %s, want %s: %+v", res.Status, tc.status, res.Verdict)
			}
			r := &Report{Targets: []diag.TargetResult{res}}
			out := render(t, r, FormatText, Options{})
			block := targetBlock(out, res.Target)
			for _, w := range tc.want {
				re := regexp.MustCompile(w)
				found := false
				for _, l := range block {
					found = found || re.MatchString(l)
				}
				if !found {
					t.Errorf("no line matches %s in:\n%s", w, strings.Join(block, "\n"))
				}
			}
			if len(block) > tc.maxLen {
				t.Errorf("the target takes %d lines, want at most %d:\n%s", len(block), tc.maxLen, strings.Join(block, "\n"))
			}
			// Verbose output still carries every detail.
			verbose := render(t, r, FormatText, Options{Verbose: true})
			if !strings.Contains(verbose, "queries:") {
				t.Error("verbose output lacks the DNS queries")
			}
			for _, key := range []string{"spki_sha256:", "alpn_offered:", "queries:", "local_time:", "configured_resolvers:"} {
				if strings.Contains(out, key) {
					t.Errorf("%s should print with --verbose only", key)
				}
			}
			if testing.Verbose() {
				t.Logf("compact output:\n%s", out)
			}
		})
	}
}

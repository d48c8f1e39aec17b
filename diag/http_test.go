package diag

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/certgen"
)

// startOrigin serves handler over TLS on loopback with ALPN protos and
// returns a dial function for client TLS connections to it.
func startOrigin(t *testing.T, protos []string, handler http.Handler) func() *tls.Conn {
	t.Helper()
	ca := certgen.Must(certgen.NewCA("HTTP Test CA"))
	leaf := certgen.Must(ca.Leaf([]string{"okviz.test", "127.0.0.1"}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: handler}
	cfg := &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, NextProtos: protos}
	if len(protos) > 0 && protos[0] == "h2" {
		srv.TLSConfig = cfg
		srv.Protocols = new(http.Protocols)
		srv.Protocols.SetHTTP2(true)
		srv.Protocols.SetHTTP1(true)
		go srv.ServeTLS(ln, "", "")
	} else {
		go srv.Serve(tls.NewListener(ln, cfg))
	}
	t.Cleanup(func() { srv.Close() })
	return func() *tls.Conn {
		conn, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{InsecureSkipVerify: true, ServerName: "okviz.test", NextProtos: []string{"h2", "http/1.1"}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}
}

func TestProbeHTTP(t *testing.T) {
	trusted := httpFacts{trusted: true, code: "tls.ok"}
	intercepted := httpFacts{trusted: true, code: "tls.intercepted"}
	untrusted := httpFacts{trusted: false, code: "tls.hostname_mismatch"}
	tests := []struct {
		name    string
		protos  []string
		handler http.HandlerFunc
		facts   httpFacts
		code    Code
		status  Status
	}{
		{"200 over http/1.1", []string{"http/1.1"}, func(w http.ResponseWriter, r *http.Request) {
			if r.UserAgent() != "okviz-check/test" {
				w.WriteHeader(400)
			}
		}, trusted, "http.ok", StatusPass},
		{"200 over h2", []string{"h2", "http/1.1"}, func(w http.ResponseWriter, r *http.Request) {
			if r.ProtoMajor != 2 {
				w.WriteHeader(400)
			}
		}, trusted, "http.ok", StatusPass},
		{"404 from the genuine service is its own refusal", nil, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) }, trusted, "http.client_error", StatusWarn},
		{"403 page of the genuine service's edge is no middlebox", nil, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(403)
			fmt.Fprint(w, "<html><title>Access denied</title>The request is blocked by the site's security rules.</html>")
		}, trusted, "http.client_error", StatusWarn},
		{"a known product's block page", nil, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(403)
			fmt.Fprint(w, "<html><title>Website blocked</title>Internet Security by Zscaler</html>")
		}, trusted, "http.blocked", StatusFail},
		{"a redirect out of the site to a block page", nil, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "https://filter.corp.example/denied")
			w.WriteHeader(302)
			fmt.Fprint(w, "Access denied")
		}, trusted, "http.blocked", StatusFail},
		{"a redirect within the site says access denied", nil, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "https://www.okviz.test/login")
			w.WriteHeader(302)
			fmt.Fprint(w, "Access denied")
		}, trusted, "http.ok", StatusPass},
		{"503 is a server error", nil, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }, trusted, "http.server_error", StatusWarn},
		{"inspecting proxy block page", nil, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(403)
			fmt.Fprint(w, "<html><title>Website blocked</title>Internet Security by Zscaler</html>")
		}, intercepted, "http.blocked", StatusFail},
		{"451 from the genuine service", nil, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(451) }, trusted, "http.client_error", StatusWarn},
		{"451 through inspection", nil, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(451) }, intercepted, "http.blocked", StatusFail},
		{"403 through inspection without a known page", nil, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(403)
			fmt.Fprint(w, "Access denied")
		}, intercepted, "http.blocked", StatusFail},
		{"block page behind an untrusted certificate", nil, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(403)
			fmt.Fprint(w, "This site is blocked by the web filter.")
		}, untrusted, "http.blocked", StatusFail},
		{"portal redirect on an untrusted connection", nil, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://portal.example.test/login", http.StatusFound)
		}, untrusted, "http.captive_portal", StatusFail},
		{"untrusted answer proves nothing", nil, func(w http.ResponseWriter, r *http.Request) {}, untrusted, "http.ok", StatusInfo},
		{"endless body is cut", nil, func(w http.ResponseWriter, r *http.Request) {
			chunk := []byte(strings.Repeat("x", 4096))
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, trusted, "http.ok", StatusPass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dial := startOrigin(t, tt.protos, tt.handler)
			p := NewProber(2 * time.Second)
			p.UserAgent = "okviz-check/test"
			tg, _ := ParseTarget("okviz.test")
			c, a := p.probeHTTP(context.Background(), tg, dial(), tt.facts)
			if c.Code != tt.code || c.Status != tt.status {
				t.Fatalf("got %s/%s (%s), want %s/%s", c.Code, c.Status, c.Summary, tt.code, tt.status)
			}
			if a != nil && len(a.Body) > maxBody {
				t.Fatalf("read %d bytes of body, the bound is %d", len(a.Body), maxBody)
			}
		})
	}
}

func TestProbeHTTPTimeout(t *testing.T) {
	dial := startOrigin(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	p := NewProber(200 * time.Millisecond)
	tg, _ := ParseTarget("okviz.test")
	c, _ := p.probeHTTP(context.Background(), tg, dial(), httpFacts{trusted: true, code: "tls.ok"})
	if c.Code != "http.timeout" {
		t.Fatalf("code = %s (%s), want http.timeout", c.Code, c.Summary)
	}
}

func TestClockCheck(t *testing.T) {
	server := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	answer := func(local time.Time) *httpAnswer {
		h := http.Header{}
		h.Set("Date", server.Format(http.TimeFormat))
		return &httpAnswer{Header: h, Sent: local, Received: local.Add(200 * time.Millisecond)}
	}
	tests := []struct {
		local time.Time
		code  Code
	}{
		{server, "clock.ok"},
		{server.Add(4 * time.Minute), "clock.ok"},
		{server.Add(2 * time.Hour), "clock.skew"},
		{server.Add(-400 * 24 * time.Hour), "clock.skew"},
	}
	for _, tt := range tests {
		c, _, ok := clockCheck(answer(tt.local), true)
		if !ok || c.Code != tt.code {
			t.Errorf("local %s: %s (%v), want %s", tt.local, c.Code, ok, tt.code)
		}
	}
	if _, _, ok := clockCheck(&httpAnswer{Header: http.Header{}}, true); ok {
		t.Error("no Date header must give no clock check")
	}
}

func TestSameSite(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"api.okviz.com", "www.okviz.com", true},
		{"api.okviz.com", "API.OKVIZ.COM.", true},
		{"api.okviz.com", "okviz.com", true},
		{"api.okviz.com", "login.hotel.test", false},
		{"a.example.co.uk", "b.example.co.uk", true},
		{"a.example.co.uk", "other.co.uk", false},
		{"198.18.0.1", "198.18.0.2", false},
		// A two-letter TLD with a short second label is not a suffix by
		// itself: the Public Suffix List decides.
		{"api.sap.io", "www.sap.io", true},
		{"api.okviz.it", "okviz.it", true},
		{"a.example.com.au", "b.example.com.au", true},
		{"example.com.au", "other.com.au", false},
		// Private suffixes of the list are sites of their own, as in browsers.
		{"okviz.github.io", "portal.github.io", false},
		{"co.uk", "co.uk.", true},
		{"intranet", "portal", false},
	} {
		if got := sameSite(tt.a, tt.b); got != tt.want {
			t.Errorf("sameSite(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestIsPortalAnswer(t *testing.T) {
	tg, _ := ParseTarget("api.okviz.com")
	redirect := func(loc string) *httpAnswer {
		h := http.Header{}
		h.Set("Location", loc)
		return &httpAnswer{Status: 302, Header: h}
	}
	tests := []struct {
		a    *httpAnswer
		want bool
	}{
		{redirect("https://api.okviz.com/"), false},
		{redirect("http://login.hotel.test/portal"), true},
		{redirect("/relative"), false},
		{redirect("https://www.okviz.com/"), false},
		{redirect("https://okviz.com/login"), false},
		{redirect("http://okviz.com.portal.test/"), true},
		{redirect("http://198.18.0.1/login"), true},
		{&httpAnswer{Status: 200, Header: http.Header{}, Body: []byte(`<form><input type="password"></form>`)}, true},
		{&httpAnswer{Status: 200, Header: http.Header{}, Body: []byte(`{"status":"ok"}`)}, false},
	}
	for i, tt := range tests {
		if got := isPortalAnswer(tg, tt.a); got != tt.want {
			t.Errorf("case %d: isPortalAnswer = %v, want %v", i, got, tt.want)
		}
	}
}

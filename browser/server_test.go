package browser

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/leakcheck"
)

var testTargets = []string{"https://api.okviz.com/", "https://other.example:8443/path"}

func newTestServer(t *testing.T, timeout time.Duration) *Server {
	t.Helper()
	s, err := NewServer(testTargets, timeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// do sends one request to the server, as a browser or an attacker would.
func do(t *testing.T, s *Server, method, path string, hdr map[string]string, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, s.origin+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

const goodBody = `{"user_agent":"UA","results":[{"target":"https://api.okviz.com/","attempts":[{"mode":"cors","ok":true,"status":200,"type":"cors","ms":12.4}],"timing":null}],"blocked":[]}`

func pageHeaders(s *Server) map[string]string {
	return map[string]string{"Origin": s.origin, "Content-Type": "application/json", "Sec-Fetch-Site": "same-origin"}
}

func TestServerToken(t *testing.T) {
	leakcheck.Check(t) // first: runs after the servers close
	s := newTestServer(t, time.Second)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]{43}/$`).MatchString(s.URL()) {
		t.Fatalf("URL %q: want loopback, a port and a 256-bit URL-safe token", s.URL())
	}
	other := newTestServer(t, time.Second)
	if other.token == s.token {
		t.Fatal("two servers share a token")
	}
	wrong := []byte(s.token)
	wrong[0] ^= 1
	for _, p := range []string{"/", "/favicon.ico", "/" + string(wrong) + "/", "/" + s.token, "/" + s.token[:42] + "/",
		"/" + s.token + "x/", "/" + s.token + "/other", "//" + s.token + "/"} {
		if r := do(t, s, "GET", p, nil, ""); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.StatusCode)
		}
	}
	if r := do(t, s, "GET", s.pagePath(), nil, ""); r.StatusCode != 200 {
		t.Errorf("GET the page: %d", r.StatusCode)
	}
}

func TestServerHost(t *testing.T) {
	leakcheck.Check(t) // first: runs after the servers close
	s := newTestServer(t, time.Second)
	for _, host := range []string{"localhost" + s.origin[len("http://127.0.0.1"):], "evil.example", "127.0.0.1"} {
		if r := do(t, s, "GET", s.pagePath(), map[string]string{"Host": host}, ""); r.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("Host %s: %d, want 421 (DNS rebinding defence)", host, r.StatusCode)
		}
	}
}

func TestServerMethods(t *testing.T) {
	leakcheck.Check(t) // first: runs after the servers close
	s := newTestServer(t, time.Second)
	for _, tc := range []struct {
		method, path, allow string
	}{
		{"POST", s.pagePath(), "GET, HEAD"},
		{"PUT", s.pagePath(), "GET, HEAD"},
		{"DELETE", s.pagePath(), "GET, HEAD"},
		{"GET", s.resultPath(), "POST"},
		{"PUT", s.resultPath(), "POST"},
		{"OPTIONS", s.resultPath(), "POST"}, // no CORS preflight is ever granted
	} {
		r := do(t, s, tc.method, tc.path, pageHeaders(s), goodBody)
		if r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want 405 Allow %q", tc.method, tc.path, r.StatusCode, r.Header.Get("Allow"), tc.allow)
		}
		if r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s %s grants CORS", tc.method, tc.path)
		}
	}
	if r := do(t, s, "HEAD", s.pagePath(), nil, ""); r.StatusCode != 200 {
		t.Errorf("HEAD the page: %d", r.StatusCode)
	}
}

func TestServerResultChecks(t *testing.T) {
	leakcheck.Check(t) // first: runs after the servers close
	s := newTestServer(t, time.Second)
	with := func(k, v string) map[string]string {
		h := pageHeaders(s)
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
		return h
	}
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		body string
		want int
	}{
		{"no origin", with("Origin", ""), goodBody, 403},
		{"other origin", with("Origin", "https://evil.example"), goodBody, 403},
		{"null origin", with("Origin", "null"), goodBody, 403},
		{"localhost origin", with("Origin", strings.Replace(s.origin, "127.0.0.1", "localhost", 1)), goodBody, 403},
		{"cross-site fetch", with("Sec-Fetch-Site", "cross-site"), goodBody, 403},
		{"form post", with("Content-Type", "application/x-www-form-urlencoded"), goodBody, 415},
		{"text/plain", with("Content-Type", "text/plain"), goodBody, 415},
		{"oversized", pageHeaders(s), `{"user_agent":"` + strings.Repeat("a", MaxResultBytes) + `"}`, 413},
		{"not JSON", pageHeaders(s), "hello", 400},
		{"unknown field", pageHeaders(s), `{"user_agent":"x","cookie":"y"}`, 400},
		{"two values", pageHeaders(s), `{} {}`, 400},
		{"wrong types", pageHeaders(s), `{"results":"x"}`, 400},
	} {
		if r := do(t, s, "POST", s.resultPath(), tc.hdr, tc.body); r.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, r.StatusCode, tc.want)
		}
	}
	// None of those spent the token.
	if s.taken.Load() {
		t.Fatal("a refused request was taken as the result")
	}
}

// A body larger than the cap without a Content-Length (chunked) is cut
// off by the reader, not only by the declared length.
func TestServerOversizedChunked(t *testing.T) {
	leakcheck.Check(t) // first: runs after the servers close
	s := newTestServer(t, time.Second)
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(`{"user_agent":"`))
		for range MaxResultBytes / 1024 {
			pw.Write([]byte(strings.Repeat("b", 1024)))
		}
		pw.Write([]byte(`x"}`))
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", s.origin+s.resultPath(), pr)
	for k, v := range pageHeaders(s) {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || req.ContentLength != 0 {
		t.Errorf("chunked oversized body: %d (content length %d), want 413", resp.StatusCode, req.ContentLength)
	}
}

func TestServerOneTime(t *testing.T) {
	leakcheck.Check(t) // first: runs after the servers close
	s := newTestServer(t, time.Second)
	if r := do(t, s, "GET", s.pagePath(), nil, ""); r.StatusCode != 200 {
		t.Fatalf("page: %d", r.StatusCode)
	}
	if r := do(t, s, "POST", s.resultPath(), pageHeaders(s), goodBody); r.StatusCode != http.StatusNoContent {
		t.Fatalf("first result: %d", r.StatusCode)
	}
	for _, p := range []string{s.resultPath(), s.pagePath()} {
		method := "POST"
		if p == s.pagePath() {
			method = "GET"
		}
		if r := do(t, s, method, p, pageHeaders(s), goodBody); r.StatusCode != http.StatusGone {
			t.Errorf("%s %s after the result: %d, want 410", method, p, r.StatusCode)
		}
	}
	res, err := s.Wait(context.Background(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got := res.Targets["https://api.okviz.com/"]
	if res.UserAgent != "UA" || got.Outcome != OutcomeReached || got.Status != 200 || len(res.Targets) != 1 {
		t.Errorf("result %+v", res)
	}
}

func TestServerHeaders(t *testing.T) {
	leakcheck.Check(t) // first: runs after the servers close
	s := newTestServer(t, time.Second)
	r := do(t, s, "GET", s.pagePath(), nil, "")
	for k, want := range map[string]string{
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"Content-Type":           "text/html; charset=utf-8",
		"X-Frame-Options":        "DENY",
	} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if r.Header.Get("Set-Cookie") != "" {
		t.Error("the server sets a cookie")
	}
	csp := map[string]string{}
	for _, d := range strings.Split(r.Header.Get("Content-Security-Policy"), ";") {
		name, val, _ := strings.Cut(strings.TrimSpace(d), " ")
		csp[name] = val
	}
	sum := sha256.Sum256([]byte(pageScript))
	want := map[string]string{
		"default-src":     "'none'",
		"script-src":      "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'",
		"connect-src":     s.origin + " https://api.okviz.com:443 https://other.example:8443",
		"base-uri":        "'none'",
		"form-action":     "'none'",
		"frame-ancestors": "'none'",
	}
	if len(csp) != len(want) {
		t.Errorf("CSP directives %v, want %v", csp, want)
	}
	for k, v := range want {
		if csp[k] != v {
			t.Errorf("CSP %s %q, want %q", k, csp[k], v)
		}
	}
}

func TestPageEscapesConfig(t *testing.T) {
	page, err := renderPage(pageConfig{Targets: []string{`https://x.example/</script><script>alert(1)</script>`}, TimeoutMS: 5, ResultPath: "/t/result"})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(page), "</script>"); n != 2 {
		t.Errorf("%d </script> in the page, want 2 (the data block and the script): a target closed a block", n)
	}
	if !strings.Contains(string(page), "<script>"+pageScript+"</script>") {
		t.Error("the page's script differs from the hashed one")
	}
}

func TestOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.okviz.com/":           "https://api.okviz.com:443",
		"https://API.okviz.com:8443/a?b=c": "https://api.okviz.com:8443",
		"https://198.18.1.10/":             "https://198.18.1.10:443",
		"https://[fd00::1]/":               "",
		"ftp://x.example/":                 "",
		"https:///nohost":                  "",
	} {
		got, err := Origin(in)
		if (err != nil) != (want == "") || got != want {
			t.Errorf("Origin(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestServerWaitTimeouts(t *testing.T) {
	leakcheck.Check(t) // first: runs after the servers close
	s := newTestServer(t, 10*time.Millisecond)
	if _, err := s.Wait(context.Background(), 50*time.Millisecond); !errors.Is(err, ErrNoPage) {
		t.Errorf("no page load: %v, want ErrNoPage", err)
	}
	s = newTestServer(t, 10*time.Millisecond)
	done := make(chan error, 1)
	go func() {
		_, err := s.Wait(context.Background(), 5*time.Second)
		done <- err
	}()
	do(t, s, "GET", s.pagePath(), nil, "")
	select {
	case err := <-done:
		if !errors.Is(err, ErrNoResult) {
			t.Errorf("page loaded, no result: %v, want ErrNoResult", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not end after the result deadline")
	}
	// Closed when Wait returns.
	if _, err := http.Get(s.URL()); err == nil {
		t.Error("the server still answers after Wait returned")
	}
}

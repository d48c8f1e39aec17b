package pac

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/wine"
)

const pacFetchScript = "function FindProxyForURL(u, h) { return \"DIRECT\"; }\n"

func fileURL(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // file:///C:/...
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

func wantFetchError(t *testing.T, err error, kind FetchErrorKind) *FetchError {
	t.Helper()
	var fe *FetchError
	if !errors.As(err, &fe) || fe.Kind != kind {
		t.Fatalf("err = %v (%T), want a *FetchError of kind %s", err, err, kind)
	}
	return fe
}

func TestFetchPACFiles(t *testing.T) {
	dir := wine.TempDir(t)
	path := filepath.Join(dir, "proxy.pac")
	if err := os.WriteFile(path, []byte(pacFetchScript), 0o644); err != nil {
		t.Fatal(err)
	}
	exact := filepath.Join(dir, "exact.pac")
	big := filepath.Join(dir, "big.pac")
	if err := os.WriteFile(exact, bytes.Repeat([]byte(" "), MaxPACSize), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, bytes.Repeat([]byte(" "), MaxPACSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, src := range []string{path, fileURL(path)} {
		got, err := fetchPAC(ctx, nil, src, time.Second)
		if err != nil || string(got) != pacFetchScript {
			t.Errorf("fetchPAC(%q) = %q, %v", src, got, err)
		}
	}
	if got, err := fetchPAC(ctx, nil, exact, time.Second); err != nil || len(got) != MaxPACSize {
		t.Errorf("a script of exactly 1 MiB: %d bytes, %v", len(got), err)
	}
	_, err := fetchPAC(ctx, nil, big, time.Second)
	wantFetchError(t, err, FetchTooLarge)
	_, err = fetchPAC(ctx, nil, filepath.Join(dir, "missing.pac"), time.Second)
	wantFetchError(t, err, FetchNotFound)
	_, err = fetchPAC(ctx, nil, dir, time.Second)
	wantFetchError(t, err, FetchRead)
	for _, src := range []string{"", "  ", "ftp://files.corp/proxy.pac", "ldap://x/y"} {
		_, err = fetchPAC(ctx, nil, src, time.Second)
		wantFetchError(t, err, FetchBadSource)
	}
}

func TestPACFileURLPath(t *testing.T) {
	type tc struct{ in, want string }
	tests := []tc{{"file:///etc/proxy.pac", "/etc/proxy.pac"}, {"file://localhost/etc/proxy.pac", "/etc/proxy.pac"}, {"file:///a%20b.pac", "/a b.pac"}}
	bad := []string{"file://", "file:"}
	if runtime.GOOS == "windows" {
		tests = []tc{{"file:///C:/pac/proxy.pac", `C:\pac\proxy.pac`}, {"file://server/share/proxy.pac", `\\server\share\proxy.pac`}}
	} else {
		bad = append(bad, "file://server/share/proxy.pac")
	}
	for _, tt := range tests {
		if got, err := pacFileURLPath(tt.in); err != nil || got != tt.want {
			t.Errorf("pacFileURLPath(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range bad {
		if got, err := pacFileURLPath(in); err == nil {
			t.Errorf("pacFileURLPath(%q) = %q; want an error", in, got)
		}
	}
}

func TestFetchPACHTTP(t *testing.T) {
	var lastUA, lastCache atomic.Value
	mux := http.NewServeMux()
	mux.HandleFunc("/proxy.pac", func(w http.ResponseWriter, r *http.Request) {
		lastUA.Store(r.Header.Get("User-Agent"))
		lastCache.Store(r.Header.Get("Cache-Control"))
		w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
		w.Write([]byte(pacFetchScript))
	})
	mux.HandleFunc("/missing.pac", http.NotFound)
	mux.HandleFunc("/big.pac", func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte(" "), MaxPACSize+1))
	})
	mux.HandleFunc("/big-chunked.pac", func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		for i := 0; i < 20; i++ {
			w.Write(chunk)
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/slow.pac", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/moved.pac", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/proxy.pac", http.StatusFound) })
	mux.HandleFunc("/to-file.pac", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// Never through a proxy, whatever the environment says.
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	t.Setenv("http_proxy", "http://127.0.0.1:1")
	var dials atomic.Int32
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		if addr != srv.Listener.Addr().String() {
			t.Errorf("dialled %s, want the PAC server %s", addr, srv.Listener.Addr())
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	ctx := context.Background()
	f := PACFetcher{Dial: dial, Timeout: 5 * time.Second, UserAgent: "okviz-check/test"}
	for _, path := range []string{"/proxy.pac", "/moved.pac"} {
		got, err := f.Fetch(ctx, srv.URL+path)
		if err != nil || string(got) != pacFetchScript {
			t.Errorf("Fetch(%s) = %q, %v", path, got, err)
		}
	}
	if dials.Load() == 0 || lastUA.Load() != "okviz-check/test" || lastCache.Load() != "no-cache" {
		t.Errorf("dials %d, User-Agent %q, Cache-Control %q", dials.Load(), lastUA.Load(), lastCache.Load())
	}

	_, err := f.Fetch(ctx, srv.URL+"/missing.pac")
	if fe := wantFetchError(t, err, FetchStatus); fe.Status != 404 || !strings.Contains(fe.Error(), "404") {
		t.Errorf("404: %v", fe)
	}
	_, err = f.Fetch(ctx, srv.URL+"/big.pac")
	wantFetchError(t, err, FetchTooLarge)
	_, err = f.Fetch(ctx, srv.URL+"/big-chunked.pac")
	wantFetchError(t, err, FetchTooLarge)
	_, err = f.Fetch(ctx, srv.URL+"/to-file.pac")
	if fe := wantFetchError(t, err, FetchNetwork); !strings.Contains(fe.Error(), "refused") {
		t.Errorf("redirect to file: %v", fe)
	}

	short := PACFetcher{Dial: dial, Timeout: 200 * time.Millisecond}
	_, err = short.Fetch(ctx, srv.URL+"/slow.pac")
	if fe := wantFetchError(t, err, FetchTimeout); !fe.Timeout() {
		t.Errorf("Timeout() = false for %v", fe)
	}
}

func TestFetchPACUnreachable(t *testing.T) {
	ctx := context.Background()
	// A port where nothing listens: refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	_, err = fetchPAC(ctx, nil, "http://user:s3cret@"+closed+"/proxy.pac", 2*time.Second)
	fe := wantFetchError(t, err, FetchNetwork)
	if strings.Contains(fe.Error(), "s3cret") || !strings.Contains(fe.Error(), "***@") {
		t.Errorf("credentials not redacted: %v", fe)
	}

	// A listener that accepts and never answers: a timeout.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	_, err = fetchPAC(ctx, nil, "http://"+silent.Addr().String()+"/proxy.pac", 200*time.Millisecond)
	wantFetchError(t, err, FetchTimeout)
}

func TestFetchPACHTTPS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(pacFetchScript))
	}))
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	ctx := context.Background()
	got, err := PACFetcher{Timeout: 5 * time.Second, TLSConfig: func() *tls.Config { return &tls.Config{RootCAs: roots} }}.Fetch(ctx, srv.URL+"/proxy.pac")
	if err != nil || string(got) != pacFetchScript {
		t.Errorf("trusted HTTPS: %q, %v", got, err)
	}
	// The test server's certificate is not among the system roots.
	_, err = fetchPAC(ctx, nil, srv.URL+"/proxy.pac", 5*time.Second)
	var ue x509.UnknownAuthorityError
	if fe := wantFetchError(t, err, FetchNetwork); !errors.As(fe, &ue) {
		t.Errorf("untrusted HTTPS: %v, want an unknown-authority error", fe)
	}
}

// TestFetchMemo: with a memo, many concurrent fetches of one source make
// one request, and every caller gets the same bytes.
func TestFetchMemo(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, `function FindProxyForURL(u, h) { return "DIRECT"; }`)
	}))
	defer srv.Close()
	f := PACFetcher{Timeout: 2 * time.Second, Memo: &FetchMemo{}}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if b, err := f.Fetch(context.Background(), srv.URL+"/proxy.pac"); err != nil || !strings.Contains(string(b), "DIRECT") {
				t.Errorf("Fetch = %q, %v", b, err)
			}
		}()
	}
	wg.Wait()
	if n := hits.Load(); n != 1 {
		t.Fatalf("%d requests for one PAC file, want 1", n)
	}
	// Fetched lists it once, with the body every caller got, and a
	// source that failed with its error, in the order first asked.
	missing := srv.URL + "/missing.pac"
	srv.Config.Handler = http.NotFoundHandler()
	if _, err := f.Fetch(context.Background(), missing); err == nil {
		t.Fatal("404 PAC fetched")
	}
	got := f.Memo.Fetched()
	if len(got) != 2 || got[0].Source != srv.URL+"/proxy.pac" || !strings.Contains(string(got[0].Body), "DIRECT") || got[0].Err != nil ||
		got[1].Source != missing || got[1].Err == nil {
		t.Errorf("Fetched() = %+v", got)
	}
}

// fetchPAC fetches source with a PACFetcher made of dial and timeout.
func fetchPAC(ctx context.Context, dial func(ctx context.Context, network, addr string) (net.Conn, error), source string, timeout time.Duration) ([]byte, error) {
	return PACFetcher{Dial: dial, Timeout: timeout}.Fetch(ctx, source)
}

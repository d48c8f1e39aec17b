package browser

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrNoPage means the browser never loaded the test page in time.
var ErrNoPage = errors.New("the browser did not open the test page")

// ErrNoResult means the page loaded but its result never came.
var ErrNoResult = errors.New("the browser did not report a result")

// ErrClosed means the server was closed before a result came.
var ErrClosed = errors.New("the test page server was closed")

// Server serves the test page on a loopback port under a one-time token
// and takes the page's single result.
type Server struct {
	token   string
	targets []string
	timeout time.Duration
	page    []byte
	csp     string
	origin  string // http://127.0.0.1:port, the only Origin and Host accepted

	ln     net.Listener
	srv    *http.Server
	once   sync.Once
	closed chan struct{} // closed by Close

	loaded   chan struct{} // closed when the page is first served
	loadOnce sync.Once
	taken    atomic.Bool // the result was accepted: the token is spent
	result   chan PageResult
}

// NewServer listens on 127.0.0.1 on a random port. targets are the https
// URLs the page fetches; timeout bounds each fetch.
func NewServer(targets []string, timeout time.Duration) (*Server, error) {
	origins := make([]string, 0, len(targets))
	seen := map[string]bool{}
	for _, t := range targets {
		o, err := Origin(t)
		if err != nil {
			return nil, err
		}
		if !seen[o] {
			seen[o] = true
			origins = append(origins, o)
		}
	}
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{
		token: token, targets: targets, timeout: timeout, ln: ln,
		origin: "http://" + ln.Addr().String(),
		loaded: make(chan struct{}), result: make(chan PageResult, 1), closed: make(chan struct{}),
	}
	s.csp = policy(s.origin, origins)
	s.page, err = renderPage(pageConfig{Targets: targets, TimeoutMS: timeout.Milliseconds(), ResultPath: s.resultPath()})
	if err != nil {
		ln.Close()
		return nil, err
	}
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          nil,
	}
	go s.srv.Serve(ln)
	return s, nil
}

// newToken is 256 random bits, URL-safe.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// URL is the page's address, token included: whoever has it can post the
// result, so it goes only to the browser (or the user's screen).
func (s *Server) URL() string { return s.origin + s.pagePath() }

func (s *Server) pagePath() string   { return "/" + s.token + "/" }
func (s *Server) resultPath() string { return "/" + s.token + "/result" }

// Close stops the server: requests in flight (the result's own answer)
// get a moment to finish, idle connections are closed at once.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closed)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if s.srv.Shutdown(ctx) != nil {
			s.srv.Close()
		}
	})
}

// Wait returns the page's result. The browser has loadWithin to load the
// page; from then on the page has two fetch timeouts and a margin to
// report. The server is closed when Wait returns.
func (s *Server) Wait(ctx context.Context, loadWithin time.Duration) (PageResult, error) {
	defer s.Close()
	r, err := s.await(ctx, s.loaded, loadWithin, ErrNoPage)
	if err != nil || r != nil {
		return deref(r), err
	}
	r, err = s.await(ctx, nil, 2*s.timeout+5*time.Second, ErrNoResult)
	return deref(r), err
}

// await waits for the result, or for next (a nil channel never comes),
// within d, else fails with late; a closed server or an ended ctx end it
// too. It returns nil, nil when next came first.
func (s *Server) await(ctx context.Context, next <-chan struct{}, d time.Duration, late error) (*PageResult, error) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case r := <-s.result:
		return &r, nil
	case <-next:
		return nil, nil
	case <-t.C:
		return nil, late
	case <-s.closed:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func deref(r *PageResult) PageResult {
	if r == nil {
		return PageResult{}
	}
	return *r
}

// ServeHTTP answers the page and the result, and refuses everything else:
// another Host (DNS rebinding), a wrong or spent token, another method,
// and for the result another Origin, another content type or an oversized
// body. It never sets or reads a cookie.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Content-Security-Policy", s.csp)
	if "http://"+r.Host != s.origin {
		http.Error(w, "wrong host", http.StatusMisdirectedRequest)
		return
	}
	rest, ok := s.pathAfterToken(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if s.taken.Load() {
		http.Error(w, "this test is over", http.StatusGone)
		return
	}
	switch rest {
	case "":
		s.servePage(w, r)
	case "result":
		s.takeResult(w, r)
	default:
		http.NotFound(w, r)
	}
}

// pathAfterToken checks the token in constant time and returns what
// follows "/TOKEN/".
func (s *Server) pathAfterToken(p string) (string, bool) {
	p, ok := strings.CutPrefix(p, "/")
	if !ok {
		return "", false
	}
	tok, rest, ok := strings.Cut(p, "/")
	if !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(s.token)) != 1 {
		return "", false
	}
	return rest, true
}

func (s *Server) servePage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Frame-Options", "DENY")
	if r.Method == http.MethodGet {
		s.loadOnce.Do(func() { close(s.loaded) })
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(s.page))
}

// takeResult accepts the one result, posted by the page itself.
func (s *Server) takeResult(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if err := s.checkOrigin(r); err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		http.Error(w, "want application/json", http.StatusUnsupportedMediaType)
		return
	}
	if r.ContentLength > MaxResultBytes {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxResultBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	p, err := decodePosted(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !s.taken.CompareAndSwap(false, true) {
		http.Error(w, "this test is over", http.StatusGone)
		return
	}
	s.result <- clean(p, s.targets)
	w.WriteHeader(http.StatusNoContent)
}

// checkOrigin wants the request to come from the page itself: its own
// Origin, and a same-origin fetch where the browser says so.
func (s *Server) checkOrigin(r *http.Request) error {
	if o := r.Header.Get("Origin"); o != s.origin {
		return fmt.Errorf("origin %q refused", o)
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return fmt.Errorf("cross-site request refused")
	}
	return nil
}

// decodePosted reads the page's JSON strictly: one object, known fields.
func decodePosted(body []byte) (posted, error) {
	var p posted
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, errors.New("not the expected JSON")
	}
	if dec.More() {
		return p, errors.New("more than one JSON value")
	}
	return p, nil
}

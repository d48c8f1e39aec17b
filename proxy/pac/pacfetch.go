package pac

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/okviz/okviz-check/internal/redact"
)

// DefaultPACFetchTimeout is Chromium's bound on fetching a PAC script.
const DefaultPACFetchTimeout = 30 * time.Second

// FetchErrorKind classifies why a PAC script could not be fetched. All
// kinds map to the problem code proxy.pac_unreachable; FetchBadSource is
// also a usage error when the user typed the source.
type FetchErrorKind string

// The kinds of FetchError.
const (
	FetchBadSource FetchErrorKind = "bad_source" // not a path, file:// or http(s):// URL
	FetchNotFound  FetchErrorKind = "not_found"  // no such file
	FetchRead      FetchErrorKind = "read"       // the file or body could not be read
	FetchNetwork   FetchErrorKind = "network"    // DNS, connection, TLS or protocol failure
	FetchTimeout   FetchErrorKind = "timeout"    // no complete answer in time
	FetchStatus    FetchErrorKind = "status"     // the server answered, but not 200
	FetchTooLarge  FetchErrorKind = "too_large"  // more than MaxPACSize bytes
)

// FetchError says why a PAC script could not be fetched.
type FetchError struct {
	Source string
	Kind   FetchErrorKind
	Status int // the HTTP status for FetchStatus
	// Detail says more about a FetchStatus: why a 401 was not answered,
	// or that the answer was refused.
	Detail string
	Err    error
}

func (e *FetchError) Error() string {
	src := redact.URL(e.Source)
	switch e.Kind {
	case FetchStatus:
		msg := fmt.Sprintf("fetching PAC %s: the server answered %d %s (browsers accept only 200)", src, e.Status, http.StatusText(e.Status))
		if e.Detail != "" {
			msg += ": " + e.Detail
		}
		return msg
	case FetchTooLarge:
		return fmt.Sprintf("fetching PAC %s: larger than the 1 MiB browsers accept", src)
	}
	if e.Err == nil {
		return fmt.Sprintf("fetching PAC %s: %s", src, e.Kind)
	}
	return fmt.Sprintf("fetching PAC %s: %v", src, e.Err)
}

func (e *FetchError) Unwrap() error { return e.Err }

// Timeout reports whether the fetch ran out of time.
func (e *FetchError) Timeout() bool { return e.Kind == FetchTimeout }

// PACFetcher fetches PAC scripts the way Chromium does: directly, never
// through a proxy; only HTTP 200; at most MaxPACSize bytes; no cache;
// redirects followed only to http(s). The zero value works.
type PACFetcher struct {
	// Dial opens connections to the PAC server; nil means a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Timeout bounds the whole fetch; zero means DefaultPACFetchTimeout.
	Timeout time.Duration
	// UserAgent is sent with HTTP requests when not empty.
	UserAgent string
	// TLSConfig gives the configuration that verifies https:// PAC servers,
	// called only for them; nil, or a nil result, means the system roots.
	TLSConfig func() *tls.Config
	// Authorize answers a 401 from the PAC server (a PAC file on IIS with
	// Windows authentication) as the browser would, given the challenges
	// (the WWW-Authenticate values) and the server's host; it returns nil
	// and the reason when nothing can answer. Nil means a 401 fails.
	Authorize func(challenges []string, host string) (Handshake, string)
	// Memo, when set, keeps each source's outcome for the rest of the run:
	// one download per PAC file however many targets use it, and every
	// target sees the same version. Nil fetches every time.
	Memo *FetchMemo
}

// Handshake answers a server's challenges round after round on one
// connection (NTLM needs two answers on the same connection).
type Handshake interface {
	// Answer returns the Authorization value for the last challenges.
	Answer(challenges []string) (string, error)
	// Continues reports whether a 401 with these challenges carries the
	// handshake on (NTLM's CHALLENGE) rather than refusing it.
	Continues(challenges []string) bool
	// Describe says how the server is answered, for error messages.
	Describe() string
	Close()
}

// maxAuthRounds bounds a handshake with the PAC server.
const maxAuthRounds = 4

// FetchMemo remembers fetch outcomes by source for one run; its zero value
// is ready to use and it is safe for concurrent use.
type FetchMemo struct {
	mu    sync.Mutex
	once  map[string]func() ([]byte, error)
	order []string // sources in the order first asked
}

// Fetched is one PAC source of a run and what fetching it gave.
type Fetched struct {
	Source string
	Body   []byte
	Err    error
}

// Fetched lists the sources fetched so far, in the order first asked, with
// the outcome every target of the run saw (a support bundle keeps the PAC
// file exactly as it was evaluated). Call it once the run is over: a fetch
// still running is waited for.
func (m *FetchMemo) Fetched() []Fetched {
	m.mu.Lock()
	order := append([]string(nil), m.order...)
	fs := make([]func() ([]byte, error), len(order))
	for i, src := range order {
		fs[i] = m.once[src]
	}
	m.mu.Unlock()
	out := make([]Fetched, len(order))
	for i, src := range order {
		body, err := fs[i]()
		out[i] = Fetched{Source: src, Body: body, Err: err}
	}
	return out
}

func (m *FetchMemo) get(source string, fetch func() ([]byte, error)) ([]byte, error) {
	m.mu.Lock()
	if m.once == nil {
		m.once = map[string]func() ([]byte, error){}
	}
	f, ok := m.once[source]
	if !ok {
		f = sync.OnceValues(fetch)
		m.once[source] = f
		m.order = append(m.order, source)
	}
	m.mu.Unlock()
	return f()
}

// Fetch reads a PAC script from source: a file path, a file:// URL or an
// http(s):// URL, fetched directly with f.Dial (never through a proxy).
// Errors are *FetchError values.
func (f PACFetcher) Fetch(ctx context.Context, source string) ([]byte, error) {
	if f.Memo != nil {
		memo := f.Memo
		f.Memo = nil
		return memo.get(source, func() ([]byte, error) { return f.Fetch(ctx, source) })
	}
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultPACFetchTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	lower := strings.ToLower(source)
	switch {
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"):
		return f.fetchHTTP(ctx, source)
	case strings.HasPrefix(lower, "file:"):
		path, err := pacFileURLPath(source)
		if err != nil {
			return nil, &FetchError{Source: source, Kind: FetchBadSource, Err: err}
		}
		return pacReadFile(source, path)
	case strings.TrimSpace(source) == "":
		return nil, &FetchError{Source: source, Kind: FetchBadSource, Err: errors.New("empty PAC source")}
	case pacLooksLikeURL(source):
		return nil, &FetchError{Source: source, Kind: FetchBadSource, Err: errors.New("only file paths, file:// and http(s):// URLs can name a PAC file")}
	}
	return pacReadFile(source, source)
}

// pacLooksLikeURL spots "ftp://x" style sources, but not "C:\x.pac".
func pacLooksLikeURL(s string) bool {
	i := strings.Index(s, "://")
	return i > 1
}

// pacFileURLPath turns file:///C:/x.pac, file:///etc/x.pac and
// file://server/share/x.pac into a local path.
func pacFileURLPath(source string) (string, error) {
	u, err := url.Parse(source)
	if err != nil {
		return "", fmt.Errorf("not a valid file URL")
	}
	p := u.Path
	if p == "" {
		p = u.Opaque
	}
	if p == "" {
		return "", fmt.Errorf("file URL without a path")
	}
	if u.Host != "" && u.Host != "localhost" {
		if runtime.GOOS != "windows" {
			return "", fmt.Errorf("file URL names another host (%s)", u.Host)
		}
		return `\\` + u.Host + filepath.FromSlash(p), nil
	}
	if runtime.GOOS == "windows" && len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:] // "/C:/x.pac"
	}
	return filepath.FromSlash(p), nil
}

func pacReadFile(source, path string) ([]byte, error) {
	fail := func(kind FetchErrorKind, err error) ([]byte, error) {
		return nil, &FetchError{Source: source, Kind: kind, Err: err}
	}
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fail(FetchNotFound, err)
		}
		return fail(FetchRead, err)
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && !st.Mode().IsRegular() {
		// A directory, device or pipe: reading it would fail or never end.
		return fail(FetchRead, fmt.Errorf("%s is not a regular file", path))
	}
	return pacReadLimited(source, fh)
}

// pacReadLimited reads at most MaxPACSize bytes, failing beyond.
func pacReadLimited(source string, r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxPACSize+1))
	if err != nil {
		kind := FetchRead
		if pacIsTimeout(err) {
			kind = FetchTimeout
		}
		return nil, &FetchError{Source: source, Kind: kind, Err: err}
	}
	if len(b) > MaxPACSize {
		return nil, &FetchError{Source: source, Kind: FetchTooLarge}
	}
	return b, nil
}

// tlsConfig is the configuration for u's server: TLSConfig's, asked only
// when u is https.
func (f PACFetcher) tlsConfig(u *url.URL) *tls.Config {
	if f.TLSConfig == nil || !strings.EqualFold(u.Scheme, "https") {
		return nil
	}
	return f.TLSConfig()
}

func (f PACFetcher) fetchHTTP(ctx context.Context, source string) ([]byte, error) {
	fail := func(kind FetchErrorKind, err error) ([]byte, error) {
		return nil, &FetchError{Source: source, Kind: kind, Err: err}
	}
	u, err := url.Parse(source)
	if err != nil || u.Host == "" {
		return fail(FetchBadSource, fmt.Errorf("not a valid URL"))
	}
	dial := f.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	tr := &http.Transport{
		Proxy:             nil, // never through a proxy, as browsers fetch PAC files
		DialContext:       dial,
		TLSClientConfig:   f.tlsConfig(u),
		ForceAttemptHTTP2: true,
		// One connection, kept: an NTLM answer to a 401 must go on the
		// connection that carried the challenge. It is closed on return.
		MaxConnsPerHost:        1,
		MaxResponseHeaderBytes: 64 << 10,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s:// refused (PAC files are fetched over http(s) only)", req.URL.Scheme)
			}
			if len(via) >= 10 {
				return errors.New("more than 10 redirects")
			}
			return nil
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, source, nil)
	if err != nil {
		return fail(FetchBadSource, err)
	}
	if f.UserAgent != "" {
		req.Header.Set("User-Agent", f.UserAgent)
	}
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := client.Do(req)
	if err != nil {
		if pacIsTimeout(err) {
			return fail(FetchTimeout, err)
		}
		return fail(FetchNetwork, err)
	}
	if resp.StatusCode == http.StatusUnauthorized {
		if resp, err = f.authenticate(ctx, client, source, req, resp); err != nil {
			return nil, err
		}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &FetchError{Source: source, Kind: FetchStatus, Status: resp.StatusCode}
	}
	if resp.ContentLength > MaxPACSize {
		return fail(FetchTooLarge, nil)
	}
	return pacReadLimited(source, resp.Body)
}

func pacIsTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// authenticate answers the PAC server's 401 with f.Authorize, round after
// round, and returns the first answer that is not a 401 (the caller judges
// it) or a FetchError saying why the server's challenge was not met.
func (f PACFetcher) authenticate(ctx context.Context, client *http.Client, source string, req *http.Request, resp *http.Response) (*http.Response, error) {
	refused := func(detail string) (*http.Response, error) {
		resp.Body.Close()
		return nil, &FetchError{Source: source, Kind: FetchStatus, Status: resp.StatusCode, Detail: detail}
	}
	values := resp.Header.Values("WWW-Authenticate")
	if f.Authorize == nil {
		return refused("the server asks for authentication (" + strings.Join(values, ", ") + ")")
	}
	h, why := f.Authorize(values, resp.Request.URL.Hostname())
	if h == nil {
		return refused(why)
	}
	defer h.Close()
	for range maxAuthRounds {
		value, err := h.Answer(values)
		if err != nil {
			return refused(h.Describe() + " could not answer: " + err.Error())
		}
		// Read the 401's body so that its connection carries the answer.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		next := req.Clone(ctx)
		next.URL = resp.Request.URL // after any redirect
		next.Host = ""
		next.Header.Set("Authorization", value)
		if resp, err = client.Do(next); err != nil {
			kind := FetchNetwork
			if pacIsTimeout(err) {
				kind = FetchTimeout
			}
			return nil, &FetchError{Source: source, Kind: kind, Err: err}
		}
		if resp.StatusCode != http.StatusUnauthorized {
			return resp, nil
		}
		if values = resp.Header.Values("WWW-Authenticate"); !h.Continues(values) {
			return refused("the server refused " + h.Describe())
		}
	}
	return refused(fmt.Sprintf("the %s handshake did not end after %d rounds", h.Describe(), maxAuthRounds))
}

package pac

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// connHandshake is a two-round, connection-based handshake in NTLM's
// shape: "Token one", then the server's challenge echoed in "Token two:…".
type connHandshake struct{ closed bool }

func (h *connHandshake) Answer(ch []string) (string, error) {
	for _, c := range ch {
		if rest, ok := strings.CutPrefix(c, "Token "); ok {
			return "Token two:" + rest, nil
		}
	}
	return "Token one", nil
}
func (h *connHandshake) Continues(ch []string) bool {
	return len(ch) == 1 && strings.HasPrefix(ch[0], "Token ") && ch[0] != "Token"
}
func (h *connHandshake) Describe() string { return "Token as CORP\\alice (from the test)" }
func (h *connHandshake) Close()           { h.closed = true }

// tokenServer serves the PAC file only to a client that finished the
// handshake on the connection that got the challenge, as IIS does with
// NTLM; a second connection starts over.
func tokenServer(t *testing.T) *httptest.Server {
	var mu sync.Mutex
	challenged := map[string]string{} // remote address -> challenge sent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch auth := r.Header.Get("Authorization"); {
		case auth == "Token one":
			challenged[r.RemoteAddr] = "c-" + r.RemoteAddr
			w.Header().Set("WWW-Authenticate", "Token "+challenged[r.RemoteAddr])
			w.WriteHeader(http.StatusUnauthorized)
		case auth != "" && auth == "Token two:"+challenged[r.RemoteAddr]:
			w.Write([]byte(pacFetchScript))
		default:
			w.Header().Set("WWW-Authenticate", "Token")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte("<html><body>401 - Unauthorized: Access is denied due to invalid credentials.</body></html>"))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestFetchPACAuth: a PAC server that asks for authentication (IIS with
// Windows authentication) gets the handshake Authorize starts, on one
// connection; without Authorize, or when it cannot answer, the 401 is a
// status failure that says why; a refused answer says so.
func TestFetchPACAuth(t *testing.T) {
	srv := tokenServer(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var h *connHandshake
	var gotHost string
	f := PACFetcher{Timeout: 5 * time.Second, Authorize: func(ch []string, host string) (Handshake, string) {
		gotHost = host
		h = &connHandshake{}
		return h, ""
	}}
	body, err := f.Fetch(ctx, srv.URL+"/proxy.pac")
	if err != nil || string(body) != pacFetchScript {
		t.Fatalf("with the handshake: %q, %v", body, err)
	}
	if gotHost != "127.0.0.1" || !h.closed {
		t.Errorf("Authorize saw host %q; handshake closed %v", gotHost, h.closed)
	}

	for _, tt := range []struct {
		name string
		f    PACFetcher
		want string
	}{
		{"no authorizer", PACFetcher{}, "asks for authentication (Token)"},
		{"nothing answers", PACFetcher{Authorize: func([]string, string) (Handshake, string) {
			return nil, "the PAC server asks for Token; no credentials were given"
		}}, "no credentials were given"},
		{"refused", PACFetcher{Authorize: func([]string, string) (Handshake, string) { return refusedHandshake{}, "" }},
			"the server refused Token as CORP\\alice"},
	} {
		tt.f.Timeout = 5 * time.Second
		_, err := tt.f.Fetch(ctx, srv.URL+"/proxy.pac")
		var fe *FetchError
		if !errors.As(err, &fe) || fe.Kind != FetchStatus || fe.Status != 401 || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want a 401 status failure saying %q", tt.name, err, tt.want)
		}
	}
}

// refusedHandshake answers with a token the server does not accept.
type refusedHandshake struct{}

func (refusedHandshake) Answer([]string) (string, error) { return "Token two:wrong", nil }
func (refusedHandshake) Continues([]string) bool         { return false }
func (refusedHandshake) Describe() string                { return "Token as CORP\\alice (from the test)" }
func (refusedHandshake) Close()                          {}

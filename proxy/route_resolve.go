package proxy

import (
	"github.com/okviz/okviz-check/diag"

	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/proxy/internal/lists"
	"github.com/okviz/okviz-check/proxy/pac"
)

// RouteEnv is what ResolveRoute needs to run PAC files: how to fetch them
// (directly, never through a proxy, as Chromium does) and the world the
// script sees.
type RouteEnv struct {
	Fetcher pac.PACFetcher
	Eval    pac.EvalEnv
}

// Route is the route resolved for one target URL.
type Route struct {
	// Proxies are the entries in fail-over order; a single DIRECT entry
	// when the route is direct.
	Proxies []pac.ProxyEntry `json:"-"`
	// URLs are the same entries as proxy URLs for tunnel.Tunneler.TunnelList: nil for
	// DIRECT, and credentials from the settings kept.
	URLs []*url.URL `json:"-"`
	// Decision is the decision that produced the route: the one given, or
	// the fallback used after a PAC file failed.
	Decision Decision `json:"decision"`
	// PACURL is the PAC file that was evaluated, PACResult exactly what
	// it returned, Evaluation the evidence (alerts, DNS lookups).
	PACURL     string          `json:"pac_url,omitempty"`
	PACResult  string          `json:"pac_result,omitempty"`
	Evaluation *pac.Evaluation `json:"-"`
	// Failures are the PAC files tried without success before this route.
	Failures []RouteFailure `json:"failures,omitempty"`
	// Reason says why the route is direct when it is (a bypass rule, a
	// PAC failure, no proxy for the scheme).
	Reason string `json:"reason,omitempty"`
}

// RouteFailure is a PAC file that could not be used.
type RouteFailure struct {
	PACURL string `json:"pac_url"`
	From   string `json:"from"`
	Code   string `json:"code"` // proxy.pac_unreachable or proxy.pac_invalid
	Err    error  `json:"-"`
	Error  string `json:"error"`
}

// Problem codes of RouteFailure.
const (
	CodePACUnreachable = diag.ProxyPACUnreachable
	CodePACInvalid     = diag.ProxyPACInvalid
)

// ErrPACMandatory is returned (wrapped) when a mandatory PAC file fails:
// the browser then refuses to connect instead of going direct.
var ErrPACMandatory = errors.New("the PAC file is mandatory (ProxyPacMandatory) and could not be used")

// ResolveRoute decides the proxies a request to targetURL takes under d,
// as Chromium would: for pac and wpad decisions it fetches and runs the PAC
// file, falling back along d.Fallback when a file cannot be fetched or
// does not parse (WPAD, then the PAC URL, then the manual proxies, then
// direct); a script that fails while deciding sends the request direct.
// Each failure is kept in Route.Failures. The error is non-nil only for a
// bad target URL or a failed mandatory PAC file.
func ResolveRoute(ctx context.Context, d Decision, targetURL string, env RouteEnv) (Route, error) {
	if _, _, err := pac.SanitizeURL(targetURL); err != nil {
		return Route{}, err
	}
	var failures []RouteFailure
	for cur := &d; ; {
		r, fails, next, err := resolveOne(ctx, *cur, targetURL, env)
		failures = append(failures, fails...)
		if err != nil {
			return Route{Decision: *cur, Failures: failures}, err
		}
		if !next {
			r.Failures = failures
			return r, nil
		}
		if cur.Fallback == nil {
			r := directRoute(Decision{Kind: KindDirect, From: cur.From, GOOS: cur.GOOS}, "every PAC file failed, so the browser goes direct")
			r.Failures = failures
			return r, nil
		}
		cur = cur.Fallback
	}
}

// resolveOne resolves one decision; next asks for its fallback.
func resolveOne(ctx context.Context, d Decision, target string, env RouteEnv) (Route, []RouteFailure, bool, error) {
	if ok, why := d.bypassReason(target); ok {
		return directRoute(d, why), nil, false, nil
	}
	switch d.Kind {
	case KindFixed:
		t := parseBypassTarget(target)
		list := d.Rules.For(t.scheme)
		if len(list) == 0 {
			list = d.Proxies
		}
		r := Route{Decision: d}
		for _, p := range list {
			u, err := url.Parse(p)
			e, ok := entryFromURL(u)
			if err != nil || !ok {
				continue
			}
			r.Proxies = append(r.Proxies, e)
			r.URLs = append(r.URLs, u)
		}
		if len(r.Proxies) == 0 {
			return directRoute(d, "no usable proxy in the settings"), nil, false, nil
		}
		return r, nil, false, nil
	case KindPAC, KindWPAD:
		return resolvePAC(ctx, d, target, env)
	}
	return directRoute(d, "direct"), nil, false, nil
}

// resolvePAC tries the decision's PAC file (or WPAD candidates in order).
func resolvePAC(ctx context.Context, d Decision, target string, env RouteEnv) (Route, []RouteFailure, bool, error) {
	var cands []string
	from := d.PACFrom
	if from == "" {
		from = d.From
	}
	if d.PACURL != "" {
		cands = append(cands, d.PACURL)
	}
	if d.Kind == KindWPAD {
		cands = lists.Dedupe(append(cands, d.WPAD...))
	}
	if d.Kind == KindWPAD && len(cands) == 0 {
		// Auto-detect that finds nothing is no fault: it is what most
		// networks without a proxy look like.
		if d.Fallback != nil {
			return Route{}, nil, true, nil
		}
		return directRoute(d, WPADNothing), nil, false, nil
	}
	var failures []RouteFailure
	fail := func(u, code string, err error) {
		failures = append(failures, RouteFailure{PACURL: redact.URL(u), From: from, Code: code, Err: err, Error: err.Error()})
	}
	for _, src := range cands {
		if err := ctx.Err(); err != nil {
			return Route{}, failures, false, err
		}
		body, err := env.Fetcher.Fetch(ctx, src)
		if err != nil {
			if d.Kind == KindWPAD && src != d.PACURL && nameNotFound(err) {
				continue // a WPAD name that does not exist: nothing found
			}
			fail(src, CodePACUnreachable, err)
			continue
		}
		script, err := pac.ParsePAC(body)
		if err != nil {
			fail(src, CodePACInvalid, err)
			continue
		}
		ev, err := script.FindProxy(ctx, target, env.Eval)
		r := Route{Decision: d, PACURL: src, PACResult: ev.Result, Evaluation: &ev}
		r.Decision.PACURL = src
		entries := ev.Proxies
		if err != nil {
			var pe *pac.PACError
			var re *pac.ResultError
			switch {
			case errors.As(err, &re):
				// Chromium drops the bad elements and uses the rest.
				fail(src, CodePACInvalid, err)
				entries = re.Chromium
			case errors.As(err, &pe):
				fail(src, CodePACInvalid, err)
				if d.PACMandatory {
					return r, failures, false, fmt.Errorf("%w: %v", ErrPACMandatory, err)
				}
				r = directRoute(r.Decision, "the PAC script failed for this URL, so the browser goes direct")
				r.PACURL, r.Evaluation = src, &ev
				return r, failures, false, nil
			default:
				return r, failures, false, err
			}
		}
		for _, e := range entries {
			r.Proxies = append(r.Proxies, e)
			r.URLs = append(r.URLs, urlFromEntry(e))
		}
		return r, failures, false, nil
	}
	if d.PACMandatory {
		return Route{Decision: d}, failures, false, ErrPACMandatory
	}
	if len(failures) == 0 && d.Fallback == nil {
		return directRoute(d, WPADNothing), nil, false, nil
	}
	return Route{}, failures, true, nil
}

// WPADNothing says that auto-detect ran and found no PAC file.
const WPADNothing = "auto-detect (WPAD) is on but finds no PAC file on this network: no DHCP option 252, and the name \"wpad\" does not resolve"

// nameNotFound reports whether a fetch failed because the server's name
// does not exist.
func nameNotFound(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}

// FallbackDelay says how long a browser loses on this failure before it
// falls back, where that is known.
func (f RouteFailure) FallbackDelay() string {
	var fe *pac.FetchError
	switch {
	case f.Code == CodePACInvalid:
		return "right after the download, on every new browser session"
	case errors.As(f.Err, &fe) && fe.Kind == pac.FetchTimeout:
		return "after waiting for the download: Chromium gives a PAC file up to 30 s"
	}
	return "at once, as the download fails without waiting"
}

// directRoute is a single DIRECT entry.
func directRoute(d Decision, why string) Route {
	return Route{Decision: d, Proxies: []pac.ProxyEntry{{Kind: pac.ProxyDirect}}, URLs: []*url.URL{nil}, Reason: why}
}

// entryFromURL converts a normalised proxy URL into a PAC-style entry.
func entryFromURL(u *url.URL) (pac.ProxyEntry, bool) {
	if u == nil {
		return pac.ProxyEntry{Kind: pac.ProxyDirect}, true
	}
	kinds := map[string]pac.ProxyKind{"http": pac.ProxyHTTP, "https": pac.ProxyHTTPS, "socks4": pac.ProxySOCKS4, "socks5": pac.ProxySOCKS5, "socks5h": pac.ProxySOCKS5}
	k, ok := kinds[strings.ToLower(u.Scheme)]
	port, err := strconv.Atoi(u.Port())
	if !ok || err != nil || u.Hostname() == "" {
		return pac.ProxyEntry{}, false
	}
	return pac.ProxyEntry{Kind: k, Host: strings.ToLower(u.Hostname()), Port: port}, true
}

// urlFromEntry converts a PAC entry into a proxy URL; nil for DIRECT.
func urlFromEntry(e pac.ProxyEntry) *url.URL {
	if e.Kind == pac.ProxyDirect {
		return nil
	}
	s := e.URL()
	scheme, _, _ := strings.Cut(s, "://")
	return &url.URL{Scheme: scheme, Host: net.JoinHostPort(e.Host, strconv.Itoa(e.Port))}
}

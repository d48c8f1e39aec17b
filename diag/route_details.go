package diag

import "encoding/json"

// SameRoute reports whether two routes send every request the same way:
// the same kind, proxies, PAC file and bypass rules, wherever they came
// from and whatever their notes say.
func SameRoute(a, b RouteDecision) bool {
	if a.Kind == "direct" && b.Kind == "direct" {
		return true // nothing to bypass
	}
	return routeKey(a) == routeKey(b)
}

func routeKey(d RouteDecision) string {
	strip(&d)
	b, _ := json.Marshal(d)
	return string(b)
}

// strip clears what does not change the route, in d and its fallbacks.
func strip(d *RouteDecision) {
	d.From, d.Notes, d.PACFrom = "", nil, ""
	if d.Fallback != nil {
		f := *d.Fallback
		strip(&f)
		d.Fallback = &f
	}
}

// RouteDetails is the evidence of proxy.route: the routes of the browser
// and of command-line tools, the PAC file evaluated for the target and what
// it returned, the PAC files that could not be used, and the failover list.
// The proxy package fills it; it lives here with the other result types.
type RouteDetails struct {
	Browser RouteDecision `json:"browser"`
	CLI     RouteDecision `json:"cli"`
	// Clients are the routes of the clients that run the visual, side by
	// side: browser (Edge/Chrome), firefox (when its profile sets its own
	// proxy), desktop (Power BI Desktop's WebView2), cli (the environment).
	Clients   []ClientRoute  `json:"clients,omitempty"`
	Failures  []RouteFailure `json:"failures,omitempty"`
	Notes     []string       `json:"notes"`
	PACResult *string        `json:"pac_result,omitempty"` // exactly what FindProxyForURL returned
	PACURL    string         `json:"pac_url,omitempty"`
	// Programs is the CLI route per program (curl, Python requests, Go
	// net/http, Node.js), from the proxy environment variables.
	Programs []ProgramRoute `json:"programs,omitempty"`
	Proxies  []string       `json:"proxies"` // redacted URLs, "direct" for DIRECT
	Reason   string         `json:"reason,omitempty"`
}

// ClientRoute is the route of one client that runs the visual.
type ClientRoute struct {
	// Client is browser, firefox, desktop or cli.
	Client   string        `json:"client"`
	Decision RouteDecision `json:"decision"`
	// Probed: check tested this route through to TLS and HTTP (the
	// checks of a client other than the browser carry its name as a
	// prefix: "desktop.proxy.connect").
	Probed bool `json:"probed,omitempty"`
	// Route is the route in one line, credentials redacted.
	Route string `json:"route"`
	// SameAs names an earlier client whose route is identical: it was
	// probed once, for both.
	SameAs string `json:"same_as,omitempty"`
	// Sources are the settings this client reads that are set, in its
	// order of precedence: "name (where)".
	Sources []string `json:"sources"`
}

// ProgramRoute is the route one command-line program takes, judging by
// the proxy environment variables as that program reads them.
type ProgramRoute struct {
	Client string `json:"client"` // curl, Python requests, Go net/http, Node.js
	// NoProxy is the NO_PROXY entry that sent it direct.
	NoProxy string `json:"no_proxy,omitempty"`
	// Older says how a still-common older release decides differently
	// for this target.
	Older string `json:"older,omitempty"`
	// Proxy is the proxy it uses, redacted; empty when direct.
	Proxy string `json:"proxy,omitempty"`
	// ProxyVar is the variable the proxy came from.
	ProxyVar string `json:"proxy_var,omitempty"`
	// Route is "direct" or "proxy".
	Route string `json:"route"`
	// Rules names the release whose rules the model follows.
	Rules string `json:"rules"`
	// Why explains the decision: why it goes direct, or the quirk behind
	// a NO_PROXY match.
	Why string `json:"why,omitempty"`
}

func (*RouteDetails) CheckDetails() {}

// RouteDecision is a client's route as the report shows it, credentials
// redacted: direct, fixed proxies, a PAC file, or WPAD.
type RouteDecision struct {
	Kind           string         `json:"kind"` // direct, fixed, pac or wpad
	Proxies        []string       `json:"proxies,omitempty"`
	Rules          RouteRules     `json:"rules,omitzero"`
	PACURL         string         `json:"pac_url,omitempty"`
	PACFrom        string         `json:"pac_from,omitempty"`
	WPAD           []string       `json:"wpad_candidates,omitempty"`
	PACMandatory   bool           `json:"pac_mandatory,omitempty"`
	Bypass         []string       `json:"bypass,omitempty"`
	BypassStyle    string         `json:"bypass_style,omitempty"`
	BypassReversed bool           `json:"bypass_reversed,omitempty"`
	From           string         `json:"from"`
	Notes          []string       `json:"notes,omitempty"`
	Fallback       *RouteDecision `json:"fallback,omitempty"`
}

// RouteRules are per-scheme proxy lists.
type RouteRules struct {
	All      []string `json:"all,omitempty"`
	HTTP     []string `json:"http,omitempty"`
	HTTPS    []string `json:"https,omitempty"`
	FTP      []string `json:"ftp,omitempty"`
	Fallback []string `json:"fallback,omitempty"`
}

// RouteFailure is a PAC file that could not be used.
type RouteFailure struct {
	PACURL string `json:"pac_url"`
	From   string `json:"from"`
	Code   string `json:"code"` // proxy.pac_unreachable or proxy.pac_invalid
	Error  string `json:"error"`
}

// TunnelDetails is the evidence of proxy.connect: every entry of the
// failover list that was tried.
type TunnelDetails struct {
	Hops []ProxyHop `json:"hops"`
}

func (*TunnelDetails) CheckDetails() {}

// ProxyAuth is the answer to a proxy's authentication challenge. It never
// holds a password or a token.
type ProxyAuth struct {
	// Scheme is the scheme answered with: Basic, Digest, NTLM or Negotiate.
	Scheme string `json:"scheme"`
	// User is as whom: the OS login (SSPI, Kerberos) always; a user name
	// given with a password (DOMAIN\user or user@domain as written) only
	// when the proxy refused it (proxy.auth_failed), since it is a
	// credential that outputs otherwise never show.
	User string `json:"user,omitempty"`
	// Source names where the credentials came from: "the proxy URL",
	// "--proxy-user and OKVIZ_CHECK_PROXY_PASSWORD", "SSPI", "ticket cache".
	Source string `json:"source,omitempty"`
	// Rounds is the HTTP status of each CONNECT round trip, in order,
	// starting with the unauthenticated one (e.g. 407, 407, 200 for NTLM).
	Rounds []int `json:"rounds"`
}

// ProxyHop is one entry of a failover list as tried.
type ProxyHop struct {
	// Proxy is the redacted URL (http://***@proxy:8080) or DIRECT.
	Proxy string `json:"proxy"`
	// Code is a proxy problem code; proxy.none for a DIRECT entry that
	// connected; empty when nothing could be concluded about a proxy.
	Code string `json:"code"`
	// Status is the HTTP status of the proxy's last answer to CONNECT.
	Status int `json:"status,omitempty"`
	// Schemes lists the authentication schemes offered in a 407, in order.
	Schemes []string `json:"schemes"`
	// Reason is the proxy's own account (status line, X-Squid-Error,
	// Server, Via, error page title, SOCKS reply), or what went wrong when
	// the proxy was not reached. Raw text: renderers sanitise it.
	Reason string `json:"reason,omitempty"`
	// AuthSent reports that credentials were sent.
	AuthSent bool `json:"auth_sent,omitempty"`
	// Auth is how the proxy's challenge was answered: the scheme, as
	// whom, where the credentials came from and each round trip's status;
	// nil when no challenge was answered.
	Auth *ProxyAuth `json:"auth,omitempty"`
	// Fallback reports that a browser would try the next entry after this
	// failure: connection-level failures do, an answer from the proxy does not.
	Fallback   bool   `json:"fallback,omitempty"`
	DurationMS int64  `json:"duration_ms"`
	Error      string `json:"error,omitempty"`
}

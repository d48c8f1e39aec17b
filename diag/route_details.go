package diag

// RouteDetails is the evidence of proxy.route: the routes of the browser
// and of command-line tools, the PAC file evaluated for the target and what
// it returned, the PAC files that could not be used, and the failover list.
// The proxy package fills it; it lives here with the other result types.
type RouteDetails struct {
	Browser   RouteDecision  `json:"browser"`
	CLI       RouteDecision  `json:"cli"`
	Failures  []RouteFailure `json:"failures,omitempty"`
	Notes     []string       `json:"notes"`
	PACResult *string        `json:"pac_result,omitempty"` // exactly what FindProxyForURL returned
	PACURL    string         `json:"pac_url,omitempty"`
	Proxies   []string       `json:"proxies"` // redacted URLs, "direct" for DIRECT
	Reason    string         `json:"reason,omitempty"`
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

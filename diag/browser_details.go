package diag

// CheckBrowserFetch is the check id of the real browser's outcome.
const CheckBrowserFetch = "browser.fetch"

// BrowserDetails is the evidence of browser.fetch: how the real browser was
// asked, what its fetches of the target came to, and whether that agrees
// with the tool's own verdict.
type BrowserDetails struct {
	Mode          string           `json:"mode"`
	Browser       string           `json:"browser,omitempty"`
	UserAgent     string           `json:"user_agent,omitempty"`
	Profile       string           `json:"profile"` // "throw-away" or "user"
	NoSandbox     bool             `json:"no_sandbox"`
	ProxySettings string           `json:"proxy_settings"`
	Outcome       BrowserOutcome   `json:"outcome"`
	HTTPStatus    int              `json:"http_status,omitempty"`
	Error         string           `json:"error,omitempty"`
	NetError      string           `json:"net_error,omitempty"`     // Chromium's own error name, from the NetLog
	BrowserRoute  string           `json:"browser_route,omitempty"` // the proxy chain the browser used, from the NetLog
	Redirected    []string         `json:"blocked_redirects"`
	Attempts      []BrowserAttempt `json:"attempts"`
	Timing        *BrowserTiming   `json:"timing,omitempty"`
	ToolVerdict   string           `json:"tool_verdict"`
	Agrees        bool             `json:"agrees_with_tool"`
	Notes         []string         `json:"notes"`
}

func (*BrowserDetails) CheckDetails() {}

// BrowserOutcome is what the browser's fetch of one target came to.
type BrowserOutcome string

// Outcomes of a browser fetch.
const (
	// BrowserReached: the page read an HTTP answer (CORS allowed it).
	BrowserReached BrowserOutcome = "reached"
	// BrowserCORSRefused: an HTTPS server the browser trusts answered, but
	// without CORS permission for the test page, so only the no-cors
	// fetch succeeded: the network path works.
	BrowserCORSRefused BrowserOutcome = "cors_refused"
	// BrowserNetworkError: both fetches failed before any answer: DNS,
	// connection, proxy or certificate (the page cannot tell which; the
	// NetLog of a headless run can).
	BrowserNetworkError BrowserOutcome = "network_error"
	// BrowserTimeout: no answer within --timeout.
	BrowserTimeout BrowserOutcome = "timeout"
	// BrowserNoResult: the browser never reported this target.
	BrowserNoResult BrowserOutcome = "no_result"
)

// BrowserAttempt is one fetch the page made, cleaned.
type BrowserAttempt struct {
	Mode       string `json:"mode"` // cors or no-cors
	OK         bool   `json:"ok"`
	Status     int    `json:"status,omitempty"`        // 0 for an opaque answer
	Type       string `json:"response_type,omitempty"` // basic, cors, opaque
	Error      string `json:"error,omitempty"`
	TimedOut   bool   `json:"timed_out,omitempty"`
	DurationMS int64  `json:"duration_ms"`
}

// BrowserTiming is what Resource Timing exposed about the last fetch of a target.
// A cross-origin answer without Timing-Allow-Origin hides the phases, so
// most fields are often absent.
type BrowserTiming struct {
	DurationMS     int64  `json:"duration_ms"`
	DNSMS          *int64 `json:"dns_ms,omitempty"`
	ConnectMS      *int64 `json:"connect_ms,omitempty"` // TCP and TLS
	TLSMS          *int64 `json:"tls_ms,omitempty"`
	FirstByteMS    *int64 `json:"first_byte_ms,omitempty"` // from the request to the first byte
	Protocol       string `json:"protocol,omitempty"`      // h2, http/1.1, h3
	ResponseStatus int    `json:"response_status,omitempty"`
	TransferBytes  int64  `json:"transfer_bytes,omitempty"`
}

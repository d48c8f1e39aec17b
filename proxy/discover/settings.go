package discover

// Settings is one source's configuration in Chromium's model (ProxyConfig):
// auto-detect, a PAC URL, manual rules with a bypass list, tried in that
// order.
type Settings struct {
	Direct      bool // explicitly "no proxy"
	System      bool // a policy that says "use the system settings"
	AutoDetect  bool
	PACURL      string
	PACSource   string // where the PAC URL came from, when not the source itself
	Rules       ProxyRules
	Bypass      []string
	BypassStyle string      // see Decision.BypassStyle
	Reversed    bool        // KDE: the bypass list names the only hosts that use the proxy
	Mandatory   bool        // policy ProxyPacMandatory: no fallback to direct
	Unusable    bool        // present, but Chromium discards it and reads the next source
	Active      bool        // Linux: the desktop whose settings Chromium reads
	NoMode      bool        // a source that holds no proxy setting of its own
	Candidates  []string    // wpad-dns: WPAD URLs to try, in order
	Looked      bool        // wpad-dns: the candidate names were looked up
	Env         Env         // env: the variables, for the CLI route
	Display     *ProxyRules // env: what the report shows instead of rules
	RouteNotes  []string    // notes the route decision repeats (windows-ie-live: how it differs from the registry)
	Whose       *Whose      // windows-user: whose settings were read
}

// Bypass list dialects, the values of Decision.BypassStyle.
const (
	// BypassChromium is Chromium's ProxyBypassRules: "<local>" (names
	// without a dot), "*" wildcards, ".domain" (subdomains only), exact
	// host names, IP literals and CIDR blocks (matching IP-literal URLs
	// only), optional "scheme://" and ":port", plus the implicit bypass of
	// localhost, loopback and link-local addresses.
	BypassChromium = "chromium"
	// BypassChromiumSuffix is BypassChromium where a host name rule also
	// matches any name that ends with it ("google.com" bypasses
	// "notgoogle.com"): how Chromium reads no_proxy and KDE settings on
	// Linux.
	BypassChromiumSuffix = "chromium-suffix"
	// BypassGo is Go's NO_PROXY (golang.org/x/net/http/httpproxy).
	BypassGo = "go"
)

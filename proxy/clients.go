package proxy

import (
	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/proxy/discover"
)

// The clients that run the visual, as --client and the report name them.
const (
	ClientBrowser = "browser" // Edge and Chrome (Power BI Service)
	ClientFirefox = "firefox" // Firefox, when its profile sets its own proxy
	ClientDesktop = "desktop" // Power BI Desktop's WebView2
	ClientCLI     = "cli"     // command-line tools: the environment
)

// ClientNames are the values of --client, "all" last.
var ClientNames = []string{ClientBrowser, ClientDesktop, ClientCLI, "all"}

// DesktopRoute decides the route of Power BI Desktop's WebView2: okviz-
// check's own flags and configuration first (as for the browser), then
// the proxy switches of WEBVIEW2_ADDITIONAL_BROWSER_ARGUMENTS or the
// WebView2 AdditionalBrowserArguments policy for PBIDesktop.exe, then the
// OS settings Chromium reads. Edge and Chrome policies never apply to
// WebView2.
func DesktopRoute(sources []discover.Source, goos string) Decision {
	var keep []discover.Source
	var wv *discover.Source
	policies := false
	given := false
	for i, s := range sources {
		switch s.Name {
		case "edge-policy", "chrome-policy":
			policies = policies || s.Found
			continue
		case "webview2":
			if s.Found {
				wv = &sources[i]
			}
		case "flag", "config":
			given = given || s.Found
		}
		keep = append(keep, s)
	}
	var d Decision
	if wv != nil && !given {
		d = decisionFrom(wv, goos, keep)
	} else {
		d = BrowserRoute(keep, goos)
	}
	if policies {
		d.Notes = append(d.Notes, "WebView2 does not apply the Edge or Chrome proxy policies")
	}
	if goos != "windows" {
		d.Notes = append(d.Notes, "Power BI Desktop runs on Windows only: this is the route its WebView2 would take with these settings")
	}
	return d
}

// FirefoxRoute is Firefox's route when its profile or policy sets its own
// proxy settings; nil when it uses the system's (the browser's route) or
// when okviz-check's flags or configuration decide every route.
func FirefoxRoute(sources []discover.Source, goos string) *Decision {
	var ff *discover.Source
	for i, s := range sources {
		switch {
		case (s.Name == "flag" || s.Name == "config") && s.Found:
			return nil
		case s.Name == "firefox" && s.Found:
			ff = &sources[i]
		}
	}
	if ff == nil {
		return nil
	}
	d := decisionFrom(ff, goos, sources)
	return &d
}

// clientSources are the sources each client reads, in its precedence.
var clientSources = map[string][]string{
	ClientBrowser: {"flag", "config", "edge-policy", "chrome-policy", "windows-ie-live", "windows-ie-user", "windows-ie-machine", "macos-scutil", "gnome", "kde", "env", "wpad-dhcp", "wpad-dns"},
	ClientFirefox: {"flag", "config", "firefox"},
	ClientDesktop: {"flag", "config", "webview2", "windows-ie-live", "windows-ie-user", "windows-ie-machine", "macos-scutil", "gnome", "kde", "env", "wpad-dhcp", "wpad-dns"},
	ClientCLI:     {"env"},
}

// ClientDecisions are the routes of the clients present on this machine
// in report order: browser, firefox (when its profile sets its own proxy),
// desktop, cli.
func (s Setup) ClientDecisions() []NamedDecision {
	browser := s.Browser
	if s.browser != nil {
		browser = *s.browser // a setup made by ForClient
	}
	out := []NamedDecision{{ClientBrowser, browser}}
	if s.Firefox != nil {
		out = append(out, NamedDecision{ClientFirefox, *s.Firefox})
	}
	desktop := s.Desktop
	if desktop.Kind == "" {
		desktop = browser // a Setup made without it
	}
	return append(out, NamedDecision{ClientDesktop, desktop}, NamedDecision{ClientCLI, s.CLI})
}

// NamedDecision is one client's route.
type NamedDecision struct {
	Client   string
	Decision Decision
}

// SameRoute reports whether two decisions send every request the same
// way (diag.SameRoute).
func SameRoute(a, b Decision) bool {
	return diag.SameRoute(decisionEvidence(a), decisionEvidence(b))
}

// clientEvidence is the clients' routes as the report shows them.
func clientEvidence(s Setup, goos string) []diag.ClientRoute {
	by := map[string]discover.Source{}
	for _, src := range s.Sources {
		by[src.Name] = src
	}
	var out []diag.ClientRoute
	for _, c := range s.ClientDecisions() {
		r := diag.ClientRoute{Client: c.Client, Decision: decisionEvidence(c.Decision), Route: c.Decision.String(), Sources: []string{}}
		for _, name := range clientSources[c.Client] {
			src, ok := by[name]
			if !ok || !src.Found || name == "env" && c.Client != ClientCLI && goos != "linux" && goos != "" {
				continue
			}
			where := name
			if src.Origin != "" {
				where += " (" + redact.Text(src.Origin) + ")"
			}
			r.Sources = append(r.Sources, where)
		}
		out = append(out, r)
	}
	return out
}

// programEvidence is the CLI route per program as the report shows it.
func programEvidence(sources []discover.Source, targetURL string) []diag.ProgramRoute {
	var out []diag.ProgramRoute
	for _, r := range ClientRoutes(sources, targetURL) {
		p := diag.ProgramRoute{Client: r.Client, NoProxy: r.Bypass, Older: r.Older, ProxyVar: r.ProxyVar, Route: "direct", Rules: r.Rules, Why: r.Why}
		if r.Proxy != "" {
			p.Route, p.Proxy = "proxy", redact.URL(r.Proxy)
		}
		out = append(out, p)
	}
	return out
}

// ForClient is the setup that tests client's route with Router: its
// decision in place of the browser's. ok is false for a client not on
// this machine (firefox without its own proxy settings).
func (s Setup) ForClient(client string) (Setup, bool) {
	for _, c := range s.ClientDecisions() {
		if c.Client == client {
			b := s.Browser
			if s.browser != nil {
				b = *s.browser
			}
			s.browser = &b
			s.Browser, s.Client = c.Decision, client
			return s, true
		}
	}
	return s, false
}

// MarkProbed records in a proxy.route check's details which clients'
// routes were tested (probed) and which share an earlier client's route
// (sameAs: client → the client probed for it).
func MarkProbed(c *diag.Check, probed map[string]bool, sameAs map[string]string) {
	d, ok := c.Details.(*diag.RouteDetails)
	if !ok {
		return
	}
	cp := *d
	cp.Clients = append([]diag.ClientRoute(nil), d.Clients...)
	for i := range cp.Clients {
		cp.Clients[i].Probed = probed[cp.Clients[i].Client]
		cp.Clients[i].SameAs = sameAs[cp.Clients[i].Client]
	}
	c.Details = &cp
}

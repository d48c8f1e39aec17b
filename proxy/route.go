package proxy

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/proxy/discover"
	"github.com/okviz/okviz-check/proxy/internal/lists"
)

// Decision kinds.
const (
	KindDirect = "direct" // no proxy
	KindFixed  = "fixed"  // manual proxy settings
	KindPAC    = "pac"    // a PAC file at a known URL or path
	KindWPAD   = "wpad"   // auto-detect: a PAC file found by WPAD
)

// Decision is the route a client would take: which proxies, PAC file or
// WPAD discovery, which hosts bypass them, and where that came from.
// Proxies and PAC URLs keep their credentials for use; JSON output (the
// report's diag.RouteDecision) and String redact them.
type Decision struct {
	Kind string
	// Proxies are the proxies for https:// URLs, in fail-over order
	// (fixed). Rules holds the full per-scheme configuration.
	Proxies []string
	Rules   discover.ProxyRules
	// PACURL is the PAC file (pac) or the WPAD URL already found (wpad);
	// PACFrom names the source it came from (wpad-dhcp, wpad-dns, or the
	// source of the decision).
	PACURL  string
	PACFrom string
	// WPAD lists the WPAD URLs to try in order when Kind is wpad.
	WPAD []string
	// PACMandatory is set by the ProxyPacMandatory policy: no fallback to
	// direct when the PAC file fails.
	PACMandatory bool
	// Bypass lists the hosts that skip the proxy, read per BypassStyle;
	// with BypassReversed only the listed hosts use it.
	Bypass         []string
	BypassStyle    string
	BypassReversed bool
	// From is the source name the decision comes from.
	From  string
	Notes []string
	// Fallback is what the browser uses when the PAC file cannot be
	// fetched or run (WPAD, then the PAC URL, then manual settings); nil
	// means direct.
	Fallback *Decision
	// GOOS selects the OS-specific implicit bypass rules.
	GOOS string
}

// MarshalJSON writes the decision as the report shows it: credentials
// redacted, in the shape of diag.RouteDecision.
func (d Decision) MarshalJSON() ([]byte, error) { return json.Marshal(decisionEvidence(d)) }

// Redacted returns a copy fit for printing: every proxy and PAC URL passed
// through redact.URL.
func (d Decision) Redacted() Decision {
	r := d
	r.Proxies = redact.URLs(d.Proxies)
	r.Rules = discover.ProxyRules{All: redact.URLs(d.Rules.All), HTTP: redact.URLs(d.Rules.HTTP), HTTPS: redact.URLs(d.Rules.HTTPS), FTP: redact.URLs(d.Rules.FTP), Fallback: redact.URLs(d.Rules.Fallback)}
	r.PACURL = redact.URL(d.PACURL)
	r.WPAD = redact.URLs(d.WPAD)
	r.Notes = append([]string(nil), d.Notes...)
	if d.Fallback != nil {
		f := d.Fallback.Redacted()
		r.Fallback = &f
	}
	return r
}

// String describes the decision in one line, redacted: "direct", "proxy
// http://***@p:8080 (from env)", "PAC http://wpad/wpad.dat (from
// wpad-dns, enabled by windows-ie-user)".
func (d Decision) String() string {
	var s string
	switch d.Kind {
	case KindFixed:
		s = "proxy " + strings.Join(redact.URLs(d.Proxies), ", ")
	case KindPAC:
		s = "PAC " + redact.URL(d.PACURL)
	case KindWPAD:
		if d.PACURL != "" {
			s = "PAC " + redact.URL(d.PACURL) + " found by WPAD"
		} else {
			s = "WPAD auto-detect"
		}
	default:
		s = "direct"
	}
	if d.From != "" {
		from := d.From
		if d.PACFrom != "" && d.PACFrom != d.From {
			from = d.PACFrom + ", enabled by " + d.From
		}
		s += " (from " + from + ")"
	}
	return s
}

func (d Decision) bypassReason(host string) (bool, string) {
	switch d.Kind {
	case KindFixed:
		style := d.BypassStyle
		if style == "" {
			style = discover.BypassChromium
		}
		t := parseBypassTarget(host)
		if len(d.Rules.For(t.scheme)) == 0 && len(d.Proxies) == 0 {
			return true, "no proxy for " + t.scheme
		}
		return bypassed(d.Bypass, style, d.BypassReversed, d.GOOS, host)
	case KindPAC, KindWPAD:
		if implicitBypass(parseBypassTarget(host), d.GOOS) {
			return true, "local address (implicit rule)"
		}
		return false, ""
	}
	return true, "direct"
}

// BrowserRoute decides the route Chromium-based browsers (Edge, Chrome,
// Power BI Desktop's WebView2) take on goos, from the sources Discover
// returned. Precedence: okviz-check's flags, then its configuration, then
// the Edge proxy policy, then the OS settings Chromium reads (Windows:
// WinINET settings, per machine when the policy says so; macOS: scutil;
// Linux: GNOME or KDE settings on those desktops, else the environment).
// Within one source, auto-detect comes first, then the PAC URL, then the
// manual proxies, each the fallback of the one before.
func BrowserRoute(sources []discover.Source, goos string) Decision {
	by := map[string]*discover.Source{}
	for i := range sources {
		by[sources[i].Name] = &sources[i]
	}
	found := func(name string) *discover.Source {
		if s := by[name]; s != nil && s.Found && !s.Settings().Unusable {
			return s
		}
		return nil
	}
	var notes []string
	decide := func(s *discover.Source) Decision {
		d := decisionFrom(s, goos, sources)
		d.Notes = append(notes, d.Notes...)
		return d
	}
	for _, name := range []string{"flag", "config"} {
		if s := found(name); s != nil {
			return decide(s)
		}
	}
	if s := found("chrome-policy"); s != nil {
		notes = append(notes, fmt.Sprintf("a Chrome policy sets the proxy to %s; Chrome uses it, Edge and Power BI Desktop do not", decisionFrom(s, goos, sources)))
	}
	if s := found("edge-policy"); s != nil {
		if !s.Settings().System {
			return decide(s)
		}
		notes = append(notes, "the Edge policy says to use the system proxy settings")
	}
	var osSource *discover.Source
	switch goos {
	case "windows":
		osSource = found("windows-ie-user")
		if p := found("windows-policy-per-user"); p != nil && found("windows-ie-machine") != nil {
			osSource = found("windows-ie-machine")
		}
		// The live settings are what Chromium reads; the registry's stay
		// in the report to explain them (and alone when replaying an
		// export).
		if s := found("windows-ie-live"); s != nil {
			osSource = s
			notes = append(notes, s.Settings().RouteNotes...)
		}
		if s := found("env"); s != nil && s.Origin != "" {
			notes = append(notes, "the browser ignores proxy environment variables on Windows")
		}
	case "darwin":
		osSource = found("macos-scutil")
		if s := found("env"); s != nil && s.Origin != "" {
			notes = append(notes, "the browser ignores proxy environment variables on macOS")
		}
	default:
		for _, name := range []string{"gnome", "kde"} {
			if s := by[name]; s != nil && s.Settings().Active {
				if found(name) != nil {
					osSource = s
				} else if s.Found {
					notes = append(notes, fmt.Sprintf("the %s settings cannot be used, so the browser reads the environment", name))
				}
			}
		}
		if osSource == nil {
			osSource = found("env")
		}
	}
	if osSource != nil {
		return decide(osSource)
	}
	return Decision{Kind: KindDirect, From: "default", GOOS: goos, Notes: append(notes, "no proxy is configured")}
}

// decisionFrom turns one source's settings into a decision with its
// fallback chain.
func decisionFrom(s *discover.Source, goos string, sources []discover.Source) Decision {
	st := s.Settings()
	base := Decision{From: s.Name, GOOS: goos}
	manual := base
	if st.Direct || st.Rules.Empty() {
		manual.Kind = KindDirect
	} else {
		manual.Kind = KindFixed
		manual.Rules = st.Rules
		manual.Proxies = st.Rules.For("https")
		manual.Bypass = st.Bypass
		manual.BypassStyle = st.BypassStyle
		manual.BypassReversed = st.Reversed
		if len(manual.Proxies) == 0 {
			manual.Kind = KindDirect
			manual.Notes = append(manual.Notes, "the manual settings have no proxy for https:// URLs, so they go direct")
		}
	}
	if st.Direct {
		return manual
	}
	var fallback *Decision
	if manual.Kind != KindDirect || len(manual.Notes) > 0 {
		m := manual
		fallback = &m
	}
	if st.PACURL != "" {
		pac := base
		pac.Kind = KindPAC
		pac.PACURL = st.PACURL
		pac.PACFrom = s.Name
		if st.PACSource != "" {
			pac.PACFrom = st.PACSource
		}
		pac.PACMandatory = st.Mandatory
		if st.Mandatory {
			pac.Notes = append(pac.Notes, "ProxyPacMandatory: if the PAC file fails, the browser fails instead of going direct")
		} else {
			pac.Fallback = fallback
		}
		if len(st.Bypass) > 0 && st.Rules.Empty() {
			pac.Notes = append(pac.Notes, "the bypass list applies to manual proxies only, not to PAC results")
		}
		f := pac
		fallback = &f
	}
	if st.AutoDetect {
		w := base
		w.Kind = KindWPAD
		w.Fallback = fallback
		for i := range sources {
			src := &sources[i]
			switch {
			case src.Name == "wpad-dhcp" && goos != "windows":
				if src.Found {
					w.Notes = append(w.Notes, fmt.Sprintf("DHCP offers the WPAD URL %s, but Chromium uses DHCP for WPAD only on Windows", redact.URL(src.Settings().PACURL)))
				}
				continue
			case src.Name != "wpad-dhcp" && src.Name != "wpad-dns":
				continue
			}
			if src.Name == "wpad-dhcp" {
				if src.Found && w.PACURL == "" {
					w.PACURL, w.PACFrom = src.Settings().PACURL, src.Name
				}
				w.WPAD = append(w.WPAD, src.Settings().Candidates...)
				continue
			}
			// Chromium's DNS step asks only for "wpad", completed by the
			// resolver's search list; longer names are WinHTTP's. A name
			// already seen not to resolve is no candidate: the browser's
			// lookup fails the same way and it moves on.
			shortFound := src.Found && src.Settings().PACURL == discover.WPADShortURL
			if shortFound || !src.Settings().Looked {
				w.WPAD = append(w.WPAD, discover.WPADShortURL)
			}
			switch {
			case shortFound:
				if w.PACURL == "" {
					w.PACURL, w.PACFrom = discover.WPADShortURL, src.Name
				}
			case src.Found:
				w.Notes = append(w.Notes, fmt.Sprintf("%s exists, but the browser only asks for \"wpad\" (completed by the DNS search list), which does not resolve; WinHTTP would use it", src.Settings().PACURL))
			}
		}
		w.WPAD = lists.Dedupe(w.WPAD)
		if len(w.WPAD) == 0 {
			w.Notes = append(w.Notes, WPADNothing+": browsers go on without a PAC file as soon as the lookups fail (Chromium waits at most 2 s per network adapter for the DHCP answer)")
		}
		return w
	}
	if fallback != nil {
		return *fallback
	}
	return manual
}

// CLIRoute decides the route command-line tools take: the proxy
// environment variables read as Go's net/http does (HTTPS_PROXY before
// https_proxy, no ALL_PROXY, NO_PROXY in Go's dialect). curl, Python and
// Node differ in details that NoProxyNotes and the env source's notes
// explain.
func CLIRoute(sources []discover.Source) Decision {
	var e discover.Env
	for i := range sources {
		if sources[i].Name == "env" {
			e = sources[i].Settings().Env
		}
	}
	d := Decision{Kind: KindDirect, From: "env", BypassStyle: discover.BypassGo}
	v, name := e.First("HTTPS_PROXY", "https_proxy")
	if v == "" {
		if len(e) == 0 {
			d.Notes = append(d.Notes, "no proxy environment variables are set")
		}
		return d
	}
	p, err := discover.NormalizeProxy(v, "http")
	if err != nil {
		d.Notes = append(d.Notes, fmt.Sprintf("%s is not usable (%v): Go tools fail with an error, others may ignore it", name, err))
		return d
	}
	d.Kind = KindFixed
	d.Proxies = []string{p}
	d.Rules = discover.ProxyRules{HTTPS: []string{p}}
	if hv, _ := e.First("HTTP_PROXY", "http_proxy"); hv != "" {
		if hp, err := discover.NormalizeProxy(hv, "http"); err == nil {
			d.Rules.HTTP = []string{hp}
		}
	}
	if np, _ := e.First("NO_PROXY", "no_proxy"); np != "" {
		d.Bypass = lists.Split(np, ",")
	}
	return d
}

// Disagreements explains where the browser and command-line tools take
// different routes, in sentences for the report.
func Disagreements(browser, cli Decision) []string {
	b, c := browser.Redacted(), cli.Redacted()
	cliSays := "CLI tools (curl, Go, Python) connect directly"
	if c.Kind == KindFixed {
		cliSays = "your environment sends CLI tools through " + strings.Join(c.Proxies, ", ")
	}
	var browserSays string
	switch b.Kind {
	case KindDirect:
		if c.Kind == KindDirect {
			return nil
		}
		browserSays = "the browser connects directly"
		if b.From != "" && b.From != "default" {
			browserSays += " (" + b.From + ")"
		}
	case KindFixed:
		if c.Kind == KindFixed && sameList(b.Proxies, c.Proxies) {
			return nil
		}
		browserSays = fmt.Sprintf("the browser goes through %s (from %s)", strings.Join(b.Proxies, ", "), b.From)
	case KindPAC:
		browserSays = fmt.Sprintf("the browser goes through the PAC file %s (from %s)", b.PACURL, b.From)
	case KindWPAD:
		if b.PACURL != "" {
			browserSays = fmt.Sprintf("the browser goes through the PAC file from %s (%s), because %s enables auto-detect", b.PACFrom, b.PACURL, b.From)
		} else {
			browserSays = fmt.Sprintf("the browser auto-detects a PAC file with WPAD (enabled by %s)", b.From)
		}
	default:
		return nil
	}
	out := []string{cliSays + ", " + browserSays}
	switch {
	case c.Kind == KindDirect && b.Kind == KindFixed:
		out = append(out, fmt.Sprintf("to make CLI tools follow the browser, set HTTPS_PROXY=%s", b.Proxies[0]))
	case c.Kind == KindDirect && (b.Kind == KindPAC || b.Kind == KindWPAD):
		out = append(out, "CLI tools do not read PAC files: where the proxy is mandatory they time out; set HTTPS_PROXY to the proxy the PAC file returns for the target")
	}
	return out
}

func sameList(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

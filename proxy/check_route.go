package proxy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/proxy/discover"
	"github.com/okviz/okviz-check/proxy/pac"
)

func hasProxy(rt Route) bool {
	for _, e := range rt.Proxies {
		if e.Kind != pac.ProxyDirect {
			return true
		}
	}
	return false
}

// routeCheck reports how the route for t was decided, and a PAC file that
// could not be used (the browser then falls back, but the admin must fix it).
// It says whose settings those were, and warns when they are a service
// account's own (run as SYSTEM with nobody logged on).
func routeCheck(ps Setup, t diag.Target, rt Route, err error) diag.Check {
	c := decidedRouteCheck(ps, t, rt, err)
	w := ps.Whose()
	if w == nil {
		return c
	}
	if d, ok := c.Details.(*diag.RouteDetails); ok {
		d.Notes = append(d.Notes, "whose settings: "+w.Summary)
	}
	fromSettings := rt.Decision.From != "flag" && rt.Decision.From != "config"
	if w.Warning != "" && fromSettings && c.Status == diag.StatusPass {
		c = diag.NewCheck(diag.CheckProxyRoute, diag.ProxyServiceAccount, fmt.Sprintf("%s. What was read: %s", w.Warning, c.Summary), c.Details)
	}
	return c
}

// Whose says whose proxy settings discovery read (Windows), nil when
// that is not a question here (other OSes, a replayed export).
func (s Setup) Whose() *discover.Whose {
	for _, src := range s.Sources {
		if w := src.Settings().Whose; w != nil {
			return w
		}
	}
	return nil
}

func decidedRouteCheck(ps Setup, t diag.Target, rt Route, err error) diag.Check {
	d := &diag.RouteDetails{Browser: decisionEvidence(ps.Browser), CLI: decisionEvidence(ps.CLI), Reason: rt.Reason, Proxies: proxyList(rt)}
	notes := []string{}
	if dis := Disagreements(ps.Browser, ps.CLI); len(dis) > 1 {
		// The difference itself is in Clients (the text's "routes
		// differ" line); the note keeps what to do about it.
		notes = append(notes, dis[1:]...)
	}
	if ps.Client == "" || ps.Client == ClientBrowser {
		// The comparison of clients belongs to the browser's route check;
		// another client's own proxy.route (--client) holds its route only.
		d.Notes = append(notes, NoProxyNotes(ps.Sources, t.URL)...)
		d.Clients = clientEvidence(ps, ps.GOOS)
		d.Programs = programEvidence(ps.Sources, t.URL)
	} else {
		d.Notes = []string{}
	}
	if rt.PACURL != "" {
		d.PACURL = redact.URL(rt.PACURL)
		d.PACResult = &rt.PACResult
	}
	for _, f := range rt.Failures {
		d.Failures = append(d.Failures, diag.RouteFailure{PACURL: f.PACURL, From: f.From, Code: f.Code, Error: f.Error})
	}
	switch {
	case err != nil:
		code := diag.ProxyPACInvalid
		if len(rt.Failures) > 0 {
			code = rt.Failures[len(rt.Failures)-1].Code
		}
		what := "The route could not be decided"
		if errors.Is(err, ErrPACMandatory) {
			what = "The mandatory PAC file could not be used, and browsers do not fall back to direct"
		}
		return diag.NewCheck(diag.CheckProxyRoute, code, fmt.Sprintf("%s: %v", what, err), d)
	case len(rt.Failures) > 0:
		f := rt.Failures[0]
		what := "could not be fetched"
		if f.Code == diag.ProxyPACInvalid {
			what = "does not work"
		}
		return diag.NewCheck(diag.CheckProxyRoute, f.Code,
			fmt.Sprintf("The PAC file %s (from %s) %s: %s; browsers fall back to %s %s.", redact.URL(f.PACURL), f.From, what, f.Error, routeWords(rt), f.FallbackDelay()), d)
	case rt.Decision.From == "flag" && rt.Decision.Kind == KindDirect:
		return diag.NewCheck(diag.CheckProxyRoute, diag.ProxyNone, "--no-proxy forces a direct connection (the machine's proxy settings are listed in the report).", d)
	case hasProxy(rt):
		who := clientWho(ps.Client) + " send"
		if rt.Decision.From == "flag" || rt.Decision.From == "config" {
			who = "okviz-check was told to send"
		}
		return diag.NewCheck(diag.CheckProxyRoute, diag.ProxyOK,
			fmt.Sprintf("%s %s through %s (from %s).", who, t.Host, routeWords(rt), rt.Decision.From), d)
	}
	why := "no proxy is configured"
	if rt.Reason != "" && rt.Reason != "direct" {
		why = rt.Reason
	}
	if from := rt.Decision.From; from != "" && from != "default" {
		why += " (decided by " + from + ")"
	}
	return diag.NewCheck(diag.CheckProxyRoute, diag.ProxyNone, fmt.Sprintf("%s connect to %s directly: %s.", clientWho(ps.Client), t.Host, why), d)
}

// proxyList is the route's failover list as the report shows it: proxies
// with credentials redacted, DIRECT entries as "direct".
func proxyList(rt Route) []string {
	list := []string{}
	for _, e := range rt.Proxies {
		list = append(list, redact.URL(e.URL()))
	}
	return list
}

// routeWords is the failover list for a sentence: "http://p:8080, then DIRECT".
func routeWords(rt Route) string {
	parts := proxyList(rt)
	if len(parts) == 0 {
		return "DIRECT"
	}
	for i, p := range parts {
		if p == "direct" {
			parts[i] = "DIRECT"
		}
	}
	return strings.Join(parts, ", then ")
}

// decisionEvidence is a route as the report shows it, credentials redacted.
func decisionEvidence(d Decision) diag.RouteDecision {
	r := d.Redacted()
	e := diag.RouteDecision{
		Kind: r.Kind, Proxies: r.Proxies, PACURL: r.PACURL, PACFrom: r.PACFrom, WPAD: r.WPAD,
		PACMandatory: r.PACMandatory, Bypass: r.Bypass, BypassStyle: r.BypassStyle, BypassReversed: r.BypassReversed,
		From: r.From, Notes: r.Notes,
		Rules: diag.RouteRules{All: r.Rules.All, HTTP: r.Rules.HTTP, HTTPS: r.Rules.HTTPS, FTP: r.Rules.FTP, Fallback: r.Rules.Fallback},
	}
	if r.Fallback != nil {
		f := decisionEvidence(*r.Fallback)
		e.Fallback = &f
	}
	return e
}

// clientWho names the client whose route a check tests, for its summary.
func clientWho(client string) string {
	switch client {
	case ClientDesktop:
		return "Power BI Desktop's WebView2 would"
	case ClientFirefox:
		return "Firefox would"
	case ClientCLI:
		return "Command-line tools (Go's reading of the environment) would"
	}
	return "Browsers on this machine"
}

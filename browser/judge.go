package browser

import (
	"fmt"
	"strings"

	"github.com/okviz/okviz-check/diag"
)

// CheckID is the id of the browser's check in a target's checks.
const CheckID = "browser.fetch"

// Run describes how the browser was asked, for every target of one run.
type Run struct {
	Mode          string // "headless", "default" (the default browser) or "given" (--browser without --headless)
	Browser       string // executable or "the default browser"
	UserAgent     string
	NoSandbox     bool
	ThrowAway     bool   // a fresh profile: none of the user's saved credentials, extensions or settings
	ProxySettings string // "the machine's" or the forced setting, e.g. "--pac http://..."
	// Unavailable is why no browser could be asked; "" when one was.
	Unavailable string
	DurationMS  int64
}

// NetLogFacts is what the browser's NetLog said about one target.
type NetLogFacts struct {
	NetError string // e.g. ERR_NAME_NOT_RESOLVED; "" when the requests succeeded or the log had none
	Route    string // e.g. "[direct://]" or "[http://proxy:3128]"
}

// reached says whether the browser got through to an HTTPS answer.
func reached(o Outcome) bool { return o == OutcomeReached || o == OutcomeCORSRefused }

// failed says whether the browser tried and did not get through.
func failed(o Outcome) bool { return o == OutcomeNetworkError || o == OutcomeTimeout }

// Judge adds the browser.fetch check to the tool's result for one target
// and, when the browser and the tool disagree, rewrites the verdict to say
// which to believe and why. res is the page's account of the target (zero
// when none came); nl what the NetLog added.
func Judge(tr diag.TargetResult, run Run, res TargetResult, nl NetLogFacts, blocked []string) diag.TargetResult {
	tool := tr.Verdict
	d := FetchDetails{
		Mode: run.Mode, Browser: run.Browser, UserAgent: run.UserAgent, NoSandbox: run.NoSandbox,
		Profile: "user", ProxySettings: run.ProxySettings, Outcome: res.Outcome, HTTPStatus: res.Status,
		Error: res.Error, NetError: nl.NetError, BrowserRoute: nl.Route, Redirected: blocked,
		Attempts: res.Attempts, Timing: res.Timing, ToolVerdict: string(tool.Code),
	}
	if d.Outcome == "" {
		d.Outcome = OutcomeNoResult
	}
	if d.Attempts == nil {
		d.Attempts = []Attempt{}
	}
	if d.Redirected == nil {
		d.Redirected = []string{}
	}
	d.Notes = []string{}
	if run.ThrowAway {
		d.Profile = "throw-away"
		d.Notes = append(d.Notes, "A throw-away profile was used: it has none of the user's saved proxy credentials, extensions, client certificates or per-profile settings; enterprise policies and the machine's proxy settings still apply.")
	}
	if run.NoSandbox {
		d.Notes = append(d.Notes, "The browser ran with --no-sandbox because okviz-check runs as root (Chromium refuses to start as root otherwise).")
	}
	if d.Outcome == OutcomeCORSRefused {
		d.Notes = append(d.Notes, "The service did not allow this test page's origin (CORS), so only the no-cors fetch could complete; that proves the network path, not what the service answered.")
	}
	var durMS int64
	if res.Timing != nil {
		durMS = res.Timing.DurationMS
	}
	for _, a := range res.Attempts {
		durMS = max(durMS, a.DurationMS)
	}

	var c diag.Check
	toolFails := tool.Status == diag.StatusFail
	switch {
	case run.Unavailable != "" || !reached(d.Outcome) && !failed(d.Outcome):
		why := run.Unavailable
		if why == "" {
			why = "the browser did not report on this target"
		}
		d.Agrees = false
		c = diag.NewCheck(CheckID, "browser.unavailable", "No browser answered: "+why+"; the verdict is the tool's own.", &d)
		c.DurationMS = run.DurationMS
		tr.Checks = append(tr.Checks, c)
		return tr
	case reached(d.Outcome) && !toolFails:
		d.Agrees = true
		c = diag.NewCheck(CheckID, "browser.ok", "The browser reached the target"+answered(d)+", as the tool did.", &d)
	case reached(d.Outcome) && toolFails:
		d.Agrees = false
		why := whyBrowserReaches(string(tool.Code), tr, nl)
		c = diag.NewCheck(CheckID, "browser.ok", "The browser reached the target"+answered(d)+"; the tool's own probe failed ("+string(tool.Code)+").", &d)
		tr.Verdict = diag.Verdict{
			Code:   tool.Code,
			Status: diag.StatusWarn,
			Summary: "Your browser reaches the target, so a visual in it can; the tool's own probe failed (" + string(tool.Code) + ": " +
				strings.TrimSuffix(tool.Summary, ".") + "). Believe the browser for this machine: " + why,
			Remediation: tool.Remediation,
		}
	case failed(d.Outcome) && !toolFails:
		d.Agrees = false
		why := whyBrowserFails(nl, run)
		c = diag.NewCheck(CheckID, "browser.failed", "The browser could not reach the target ("+failure(d)+") although the tool's own probe did ("+string(tool.Code)+").", &d)
		tr.Verdict = diag.Verdict{
			Code:   "browser.failed",
			Status: diag.StatusFail,
			Summary: "Your browser cannot reach the target (" + failure(d) + "), although the tool's own probe can (" + string(tool.Code) +
				"). Believe the browser: it is what the visual runs in. " + why,
			Remediation: c.Remediation,
		}
	default: // both failed
		d.Agrees = true
		c = diag.NewCheck(CheckID, "browser.failed", "The browser could not reach the target either ("+failure(d)+"), which agrees with the tool's verdict ("+string(tool.Code)+").", &d)
		c.Remediation = "The browser fails too: the fix for the verdict is the fix for the browser."
	}
	c.DurationMS = durMS
	tr.Checks = append(tr.Checks, c)
	tr.Status = tr.Verdict.Status
	return tr
}

// answered says what the browser got back, for a summary.
func answered(d FetchDetails) string {
	if d.Outcome == OutcomeCORSRefused {
		return " (an HTTPS answer the service did not let this test page read: CORS)"
	}
	if d.HTTPStatus != 0 {
		return fmt.Sprintf(" (HTTP %d)", d.HTTPStatus)
	}
	return ""
}

// failure says how the browser failed, for a summary.
func failure(d FetchDetails) string {
	var parts []string
	if d.Outcome == OutcomeTimeout {
		parts = append(parts, "no answer in time")
	}
	if d.NetError != "" {
		parts = append(parts, d.NetError)
	} else if d.Error != "" {
		parts = append(parts, d.Error)
	}
	if len(d.Redirected) > 0 {
		parts = append(parts, "redirected to "+d.Redirected[0])
	}
	if len(parts) == 0 {
		return "network error"
	}
	return strings.Join(parts, ", ")
}

// whyBrowserReaches explains a browser that gets through where the tool
// does not, from the stage the tool failed at.
func whyBrowserReaches(code string, tr diag.TargetResult, nl NetLogFacts) string {
	route := ""
	if nl.Route != "" {
		route = " The browser went " + nl.Route + "; the tool went " + toolRoute(tr) + "."
	}
	switch stage, _, _ := strings.Cut(code, "."); {
	case code == "proxy.auth_required" || code == "proxy.auth_failed":
		return "the browser authenticates to the proxy itself (NTLM or Negotiate with the Windows login, or saved credentials), which the tool cannot without --proxy-user." + route
	case code == "tls.untrusted" || code == "tls.intercepted":
		return "the browser trusts the certificate's root and the tool does not: the root is in the browser's own store or an enterprise policy the tool does not read; give it to the tool with --ca-file." + route
	case stage == "proxy":
		return "the browser's proxy settings differ from what the tool read (an enterprise policy, an extension, or settings only the browser holds)." + route
	case stage == "dns":
		return "the browser resolves the name another way (its own DNS-over-HTTPS, or through its proxy)." + route
	}
	return "the browser takes another path than the tool (another proxy, another protocol such as HTTP/3, or its own trust decisions)." + route
}

// whyBrowserFails explains a browser that fails where the tool gets
// through, from the browser's own error when the NetLog had it.
func whyBrowserFails(nl NetLogFacts, run Run) string {
	e := nl.NetError
	var why string
	switch {
	case strings.HasPrefix(e, "ERR_CERT_") || e == "ERR_SSL_PINNED_KEY_NOT_IN_CERT_CHAIN":
		why = "The browser rejects the certificate the tool accepted: the tool trusts a root the browser does not (--ca-file), or the browser enforces more (its own root store, Certificate Transparency)."
	case e == "ERR_NAME_NOT_RESOLVED":
		why = "The browser cannot resolve the name that the tool resolved: it uses its own DNS (DNS-over-HTTPS) or a proxy that cannot resolve it."
	case strings.HasPrefix(e, "ERR_PROXY_") || e == "ERR_TUNNEL_CONNECTION_FAILED" || strings.HasPrefix(e, "ERR_PAC_") || e == "ERR_MANDATORY_PROXY_CONFIGURATION_FAILED":
		why = "The browser's proxy failed or refused the target: the browser's proxy settings differ from the route the tool took."
	case e == "ERR_BLOCKED_BY_CLIENT" || e == "ERR_BLOCKED_BY_ADMINISTRATOR":
		why = "An extension or an enterprise policy of the browser blocks the target."
	default:
		why = "The difference is in something only the browser has: its proxy settings, extensions, enterprise policies or trust decisions."
	}
	if nl.Route != "" {
		why += " The browser went " + nl.Route + "."
	}
	if run.ThrowAway {
		why += " The test used a throw-away profile; if the user's own browser works, compare with `okviz-check browser` without --headless."
	}
	return why
}

// toolRoute names the tool's route, for a comparison with the browser's.
func toolRoute(tr diag.TargetResult) string {
	if tr.Route == "proxy" && tr.Proxy != "" {
		return "through " + tr.Proxy
	}
	return "direct"
}

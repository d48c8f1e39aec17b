package lab_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/browser"
	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/lab"
)

// browserHang bounds one `okviz-check browser --headless` run: Chromium's
// start on a loaded two-core machine, the page, and the tool's own check.
const browserHang = 90 * time.Second

// browserScenario is one run of `okviz-check browser --headless` in the
// lab: what Chromium must have met, and what the joined report concludes.
type browserScenario struct {
	name   string
	client func(*lab.Lab) *lab.Netns
	target string
	env    []string // the machine's proxy settings, read by Chromium and the tool alike
	trust  func(*lab.Lab) []string
	exit   int
	// the browser's side
	outcomes []browser.Outcome // any of these
	netError string            // Chromium's own error, from its NetLog
	route    string            // in the browser's proxy chain
	agrees   bool
	// the tool's side: its own verdict, and the joined verdict
	tool    string
	verdict string
	status  diag.Status
	says    []string // in the joined verdict's summary
}

// labTrust is what a managed machine trusts: the lab root as public, the
// interception root locally (--ca-file).
func labTrust(l *lab.Lab) []string { return l.TrustArgs() }

// publicOnly trusts only the lab's public root, as the browser does.
func publicOnly(l *lab.Lab) []string {
	return []string{"--ca-file", l.PublicRootsFile, "--public-roots", l.PublicRootsFile}
}

// systemOnly gives the tool no lab root at all: it has only the system's
// store, while the browser's NSS database trusts the lab root.
func systemOnly(l *lab.Lab) []string { return []string{"--public-roots", l.PublicRootsFile} }

var reachedOutcomes = []browser.Outcome{browser.OutcomeReached, browser.OutcomeCORSRefused}

func browserScenarios() []browserScenario {
	pac := "auto_proxy=" + lab.PACURL(lab.PACProxy)
	return []browserScenario{
		{name: "direct", client: direct, target: lab.HostGood, trust: labTrust, exit: 0,
			outcomes: reachedOutcomes, route: "direct://", agrees: true,
			tool: "ok", verdict: "ok", status: diag.StatusPass},
		// The machine's PAC file (auto_proxy, which Chromium and the tool
		// both read on a Linux machine without a desktop) sends both
		// through squid; the client cannot go direct.
		{name: "pac-squid", client: proxyOnly, target: lab.HostGood, env: []string{pac}, trust: labTrust, exit: 0,
			outcomes: reachedOutcomes, route: lab.ProxyAddr, agrees: true,
			tool: "ok", verdict: "ok", status: diag.StatusPass},
		{name: "proxy-denies", client: proxyOnly, target: lab.HostGood,
			env: []string{"https_proxy=" + lab.ProxyURL(lab.DenyProxyAddr, "", "")}, trust: labTrust, exit: 1,
			outcomes: []browser.Outcome{browser.OutcomeNetworkError}, netError: "ERR_TUNNEL_CONNECTION_FAILED", route: lab.DenyProxyAddr, agrees: true,
			tool: "proxy.denied", verdict: "proxy.denied", status: diag.StatusFail},
		// Through squid to an origin whose certificate comes from the
		// interception root, as behind an inspecting proxy. The tool trusts
		// that root (--ca-file, as a managed machine's store would) and
		// only warns; the browser does not trust it and fails: believe the
		// browser.
		{name: "inspected-untrusted-by-browser", client: proxyOnly, target: lab.HostIntercepted, env: []string{pac}, trust: labTrust, exit: 1,
			outcomes: []browser.Outcome{browser.OutcomeNetworkError}, netError: "ERR_CERT_AUTHORITY_INVALID", route: lab.ProxyAddr, agrees: false,
			tool: "tls.intercepted", verdict: "browser.failed", status: diag.StatusFail,
			says: []string{"Believe the browser", "ERR_CERT_AUTHORITY_INVALID", "tls.intercepted", "--ca-file"}},
		// The same path when neither trusts the interception root: both fail.
		{name: "inspected-untrusted-by-both", client: proxyOnly, target: lab.HostIntercepted, env: []string{pac}, trust: publicOnly, exit: 1,
			outcomes: []browser.Outcome{browser.OutcomeNetworkError}, netError: "ERR_CERT_AUTHORITY_INVALID", route: lab.ProxyAddr, agrees: true,
			tool: "tls.intercepted", verdict: "tls.intercepted", status: diag.StatusFail},
		{name: "dns-failure", client: direct, target: lab.HostNXDomain, trust: labTrust, exit: 1,
			outcomes: []browser.Outcome{browser.OutcomeNetworkError}, netError: "ERR_NAME_NOT_RESOLVED", agrees: true,
			tool: "dns.nxdomain", verdict: "dns.nxdomain", status: diag.StatusFail},
		// The browser trusts a root (its NSS database) that the tool was
		// not given: the browser reaches the service, the tool's verdict
		// stays but only warns, and says to believe the browser.
		{name: "browser-trusts-more", client: direct, target: lab.HostGood, trust: systemOnly, exit: 0,
			outcomes: reachedOutcomes, agrees: false,
			tool: "tls.untrusted", verdict: "tls.untrusted", status: diag.StatusWarn,
			says: []string{"Your browser reaches the target", "Believe the browser", "--ca-file"}},
	}
}

// TestLabBrowser runs `okviz-check browser --headless` with Debian's
// Chromium inside the lab's client namespaces.
func TestLabBrowser(t *testing.T) {
	lab.Require(t)
	lab.RequireBrowser(t)
	binDir := t.TempDir()
	bin, err := lab.BuildCLI(context.Background(), binDir)
	if errors.Is(err, lab.ErrNoCLI) {
		lab.Unavailable(t, "okviz-check has no main package to build")
	}
	if err != nil {
		t.Fatal(err)
	}
	l := lab.New(t)
	// Two cores: a few Chromiums at a time.
	slots := make(chan struct{}, 3)
	for _, sc := range browserScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			slots <- struct{}{}
			defer func() { <-slots }()
			runBrowserScenario(t, l, bin, sc)
		})
	}
}

func runBrowserScenario(t *testing.T, l *lab.Lab, bin string, sc browserScenario) {
	ctx := ctxTimeout(t, browserHang)
	home, err := l.BrowserHome(ctx)
	if err != nil {
		t.Fatal(err)
	}
	argv := []string{bin, "browser", sc.target, "--headless", "--format", "json", "--timeout", cliTimeout.String(), "--dns-compare", "none"}
	argv = append(argv, sc.trust(l)...)
	res := l.RunEnv(ctx, sc.client(l), append([]string{"HOME=" + home}, sc.env...), argv...)
	t.Logf("exit %d after %v", res.ExitCode, res.Duration.Round(time.Millisecond))
	if res.Err != nil {
		t.Fatalf("did not end by itself within %v: %v\n%s", browserHang, res.Err, res)
	}
	rep, err := res.Report()
	if err != nil {
		t.Fatalf("%v\n%s", err, res)
	}
	if len(rep.Targets) != 1 {
		t.Fatalf("%d targets\n%s", len(rep.Targets), res)
	}
	tr := rep.Targets[0]
	c := findID(tr, browser.CheckID)
	if c == nil {
		t.Fatalf("no %s check: %s\n%s", browser.CheckID, checkList(tr), res)
	}
	var d browser.FetchDetails
	b, _ := json.Marshal(c.Details)
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("details %s: %v", b, err)
	}
	t.Logf("browser: %s %s %s via %s; tool %s; verdict %s [%s]: %s", c.Code, d.Outcome, d.NetError, d.BrowserRoute, d.ToolVerdict,
		tr.Verdict.Code, tr.Verdict.Status, tr.Verdict.Summary)

	// The browser's side.
	if !slices.Contains(sc.outcomes, d.Outcome) || d.NetError != sc.netError {
		t.Errorf("browser outcome %s, net error %q; want one of %v, %q\ndetails %s", d.Outcome, d.NetError, sc.outcomes, sc.netError, b)
	}
	if sc.route != "" && !strings.Contains(d.BrowserRoute, sc.route) {
		t.Errorf("browser route %q, want it to name %s", d.BrowserRoute, sc.route)
	}
	if d.Mode != "headless" || d.Profile != "throw-away" || !d.NoSandbox || !strings.Contains(d.UserAgent, "HeadlessChrome") {
		t.Errorf("run facts: mode %q, profile %q, no_sandbox %v (root), user agent %q", d.Mode, d.Profile, d.NoSandbox, d.UserAgent)
	}
	if !slices.ContainsFunc(d.Notes, func(n string) bool { return strings.Contains(n, "--no-sandbox") && strings.Contains(n, "root") }) {
		t.Errorf("the notes do not say --no-sandbox was added for root: %q", d.Notes)
	}
	// The tool's side, and the joined verdict.
	if d.ToolVerdict != sc.tool || d.Agrees != sc.agrees {
		t.Errorf("tool verdict %s, agrees %v; want %s, %v", d.ToolVerdict, d.Agrees, sc.tool, sc.agrees)
	}
	if tr.Verdict.Code != sc.verdict || tr.Verdict.Status != sc.status || tr.Status != sc.status || res.ExitCode != sc.exit {
		t.Errorf("verdict %s [%s], target %s, exit %d; want %s [%s], exit %d\nchecks: %s\n%s",
			tr.Verdict.Code, tr.Verdict.Status, tr.Status, res.ExitCode, sc.verdict, sc.status, sc.exit, checkList(tr), res)
	}
	for _, s := range sc.says {
		if !strings.Contains(tr.Verdict.Summary, s) {
			t.Errorf("verdict summary %q does not say %q", tr.Verdict.Summary, s)
		}
	}
	// The tool's own full check ran too, beside the browser's.
	for _, id := range []string{"proxy.route", "tls.handshake", "http.get"} {
		if findID(tr, id) == nil {
			t.Errorf("no %s check: the tool's own check did not run: %s", id, checkList(tr))
		}
	}
}

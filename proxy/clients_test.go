package proxy

import (
	"strings"
	"testing"

	"github.com/okviz/okviz-check/proxy/discover"
)

// TestDesktopRouteWebView2: a proxy switch for WebView2 makes Power BI
// Desktop's route differ from the browser's, as WebView2 would; Edge
// policies apply to the browser only.
func TestDesktopRouteWebView2(t *testing.T) {
	// The environment variable, on a Windows machine with manual WinINET settings.
	m := &machine{goos: "windows", reg: registry(t, "ie-manual.reg"), env: map[string]string{
		"WEBVIEW2_ADDITIONAL_BROWSER_ARGUMENTS": "--proxy-server=http://webview-proxy.corp.example:3128 --proxy-bypass-list=<local>",
	}}
	src := m.sources(discover.Given{})
	browser, desktop := BrowserRoute(src, "windows"), DesktopRoute(src, "windows")
	if browser.Kind != KindFixed || browser.Proxies[0] != "http://proxy.corp.example:8080" {
		t.Fatalf("browser: %s", browser)
	}
	if desktop.Kind != KindFixed || desktop.Proxies[0] != "http://webview-proxy.corp.example:3128" || desktop.From != "webview2" {
		t.Fatalf("desktop: %s", desktop)
	}
	if SameRoute(browser, desktop) {
		t.Error("the routes differ")
	}
	// The policy from the documented .reg form, plus an Edge policy the
	// desktop route must not take.
	m = &machine{goos: "windows", reg: registry(t, "ie-manual.reg", "webview2-pbidesktop.reg", "edge-policy.reg")}
	src = m.sources(discover.Given{})
	browser, desktop = BrowserRoute(src, "windows"), DesktopRoute(src, "windows")
	if browser.From != "edge-policy" {
		t.Fatalf("browser: %s", browser)
	}
	if desktop.From != "webview2" || desktop.Proxies[0] != "http://webview-proxy.corp.example:3128" || !strings.Contains(strings.Join(desktop.Notes, ";"), "does not apply the Edge") {
		t.Fatalf("desktop: %s %q", desktop, desktop.Notes)
	}
	if ok, _ := desktop.bypassReason("https://intranet.corp.example/"); !ok {
		t.Error("the WebView2 bypass list applies")
	}
	// Without WebView2 arguments and policies, the desktop takes WinINET like the browser.
	m = &machine{goos: "windows", reg: registry(t, "ie-manual.reg")}
	src = m.sources(discover.Given{})
	if d := DesktopRoute(src, "windows"); !SameRoute(d, BrowserRoute(src, "windows")) || d.From != "windows-ie-user" {
		t.Errorf("plain desktop: %s", d)
	}
	// The report's clients: side by side, each with its sources.
	ps := Setup{Sources: src, Browser: BrowserRoute(src, "windows"), Desktop: DesktopRoute(src, "windows"), CLI: CLIRoute(src), GOOS: "windows"}
	cl := clientEvidence(ps, "windows")
	if len(cl) != 3 || cl[0].Client != "browser" || cl[1].Client != "desktop" || cl[2].Client != "cli" || len(cl[0].Sources) == 0 || !strings.HasPrefix(cl[0].Sources[0], "windows-ie-user (") {
		t.Errorf("clients: %+v", cl)
	}
}

// TestFirefoxRoute: a profile with its own proxy gives Firefox a route of
// its own beside the browser's; --proxy decides every route.
func TestFirefoxRoute(t *testing.T) {
	m := &machine{goos: "linux", env: map[string]string{"HOME": "/h"}, files: map[string][]byte{
		"/h/.mozilla/firefox/profiles.ini":       []byte("[Profile0]\nName=default\nIsRelative=1\nPath=p.default\nDefault=1\n"),
		"/h/.mozilla/firefox/p.default/prefs.js": []byte(`user_pref("network.proxy.ssl", "ff.corp.example");` + "\n" + `user_pref("network.proxy.ssl_port", 8080);` + "\n" + `user_pref("network.proxy.type", 1);` + "\n"),
	}}
	src := m.sources(discover.Given{})
	ff := FirefoxRoute(src, "linux")
	if ff == nil || ff.Kind != KindFixed || ff.Proxies[0] != "http://ff.corp.example:8080" {
		t.Fatalf("firefox: %v", ff)
	}
	ps := Setup{Sources: src, Browser: BrowserRoute(src, "linux"), Desktop: DesktopRoute(src, "linux"), Firefox: ff, CLI: CLIRoute(src), GOOS: "linux"}
	cl := clientEvidence(ps, "linux")
	if len(cl) != 4 || cl[1].Client != "firefox" || !strings.HasPrefix(cl[1].Sources[0], "firefox (/h/.mozilla/firefox/p.default/prefs.js)") {
		t.Errorf("clients: %+v", cl)
	}
	if f, ok := ps.ForClient(ClientFirefox); !ok || f.Browser.Proxies[0] != "http://ff.corp.example:8080" || f.ClientDecisions()[0].Decision.Kind != KindDirect {
		t.Errorf("ForClient: %v %v", f.Browser, ok)
	}
	if FirefoxRoute(m.sources(discover.Given{Flags: discover.Override{Proxy: "http://p:1", Origin: "--proxy"}}), "linux") != nil {
		t.Error("--proxy decides Firefox's route too")
	}
}

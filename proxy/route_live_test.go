package proxy

import (
	"context"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/proxy/discover"
)

// On a live Windows machine the browser route comes from WinHTTP's live
// answer (an active VPN's settings win); the registry export explains it
// and a difference is said in the route's notes.
func TestBrowserRouteLiveWindows(t *testing.T) {
	reg := registry(t, "captured-win7-proxy-pac.reg") // a real capture: PAC URL + manual proxy
	route := func(live *discover.IEConfig) Decision {
		sys := discover.System{GOOS: "windows", Registry: reg}
		if live != nil {
			sys.LiveIE = func() (discover.IEConfig, error) { return *live, nil }
		}
		return BrowserRoute(discover.Discover(context.Background(), sys, discover.Given{}), "windows")
	}
	// Replaying the export alone: the registry decides.
	d := route(nil)
	if d.Kind != KindPAC || d.From != "windows-ie-user" || d.PACURL != "http://xduotai.com/pRsO3NGR3-.pac" {
		t.Errorf("replayed export: %s", d)
	}
	// Live and registry agree: the live source decides, nothing to say.
	d = route(&discover.IEConfig{AutoConfigURL: "http://xduotai.com/pRsO3NGR3-.pac", Proxy: "192.168.1.1:80"})
	if d.Kind != KindPAC || d.From != "windows-ie-live" || noted(d.Notes, "differ") {
		t.Errorf("agreeing live settings: %s, notes %q", d, d.Notes)
	}
	if d.Fallback == nil || d.Fallback.Kind != KindFixed || strings.Join(d.Fallback.Proxies, ",") != "http://192.168.1.1:80" {
		t.Errorf("fallback of the live PAC: %+v", d.Fallback)
	}
	// A VPN is up with its own proxy: the live settings win and the
	// difference is in the route's notes.
	d = route(&discover.IEConfig{Proxy: "vpnproxy.corp.example:3128"})
	if d.Kind != KindFixed || d.From != "windows-ie-live" || strings.Join(d.Proxies, ",") != "http://vpnproxy.corp.example:3128" {
		t.Errorf("VPN live settings: %s", d)
	}
	if !noted(d.Notes, "the live settings differ from the registry (windows-ie-user)") {
		t.Errorf("no difference noted: %q", d.Notes)
	}
}

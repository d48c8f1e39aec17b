package proxy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/diag"
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

// Run as SYSTEM: with a user at the console the route is theirs and the
// route check says whose; with nobody logged on, SYSTEM's own settings
// (a real Windows 10 capture: direct) are tested and the route check warns.
func TestRouteCheckServiceAccount(t *testing.T) {
	system := discover.Accounts{Self: `NT AUTHORITY\SYSTEM`, SelfSID: "S-1-5-18", SelfSession: 0}
	check := func(a discover.Accounts) diag.Check {
		sys := discover.System{GOOS: "windows", Registry: registry(t, "captured-win10-direct.reg"), Accounts: func() discover.Accounts { return a }}
		srcs := discover.Discover(context.Background(), sys, discover.Given{})
		s := Setup{Sources: srcs, Browser: BrowserRoute(srcs, "windows"), GOOS: "windows"}
		r := s.Router(diag.NewProber(2*time.Second), 2*time.Second)(context.Background(), diag.Target{URL: "https://api.okviz.com/", Host: "api.okviz.com"})
		return r.Checks[0]
	}
	c := check(system)
	if c.Code != diag.ProxyServiceAccount || c.Status != diag.StatusWarn || !strings.Contains(c.Summary, `okviz-check runs as NT AUTHORITY\SYSTEM and no user is logged on`) ||
		!strings.Contains(c.Summary, "connect to api.okviz.com directly") {
		t.Errorf("nobody logged on: %s [%s] %s", c.Code, c.Status, c.Summary)
	}
	// The same run given --proxy decides nothing from the settings: no warning.
	sys := discover.System{GOOS: "windows", Registry: registry(t, "captured-win10-direct.reg"), Accounts: func() discover.Accounts { return system }}
	srcs := discover.Discover(context.Background(), sys, discover.Given{Flags: discover.Override{Proxy: "http://proxy.corp.example:3128", Origin: "--proxy"}})
	if w := (Setup{Sources: srcs}).Whose(); w == nil || w.Warning == "" {
		t.Errorf("whose: %+v", w)
	}

	me := system
	me.Self, me.SelfSID, me.SelfSession = `CORP\alice`, "S-1-5-21-1-2-3-1001", 1
	c = check(me)
	d, _ := c.Details.(*diag.RouteDetails)
	if c.Code != diag.ProxyNone || d == nil || !noted(d.Notes, `whose settings: the proxy settings of CORP\alice, who runs okviz-check`) {
		t.Errorf("a user's own run: %s [%s] %s, details %+v", c.Code, c.Status, c.Summary, d)
	}
}

// A VPN connection is up: a real Windows 10 export (direct on the LAN, and
// a "Netkeeper" connection with the proxy 127.0.0.1:80), and the live
// answer Windows gives while Netkeeper is connected — that connection's own
// settings, decoded from the same export. The browser route is the VPN's,
// the registry's LAN settings explain the difference.
func TestBrowserRouteLiveVPN(t *testing.T) {
	reg := registry(t, "captured-win10-direct.reg")
	v, err := reg.Value("HKCU", `Software\Microsoft\Windows\CurrentVersion\Internet Settings\Connections`, "Netkeeper")
	if err != nil {
		t.Fatal(err)
	}
	vpn, err := discover.DecodeConnectionSettings(v.Bin)
	if err != nil {
		t.Fatal(err)
	}
	live := discover.IEConfig{AutoDetect: vpn.AutoDetect(), Proxy: vpn.ProxyServer, Bypass: vpn.Bypass}
	sys := discover.System{GOOS: "windows", Registry: reg, LiveIE: func() (discover.IEConfig, error) { return live, nil }}
	srcs := discover.Discover(context.Background(), sys, discover.Given{})
	d := BrowserRoute(srcs, "windows")
	if d.Kind != KindWPAD || d.From != "windows-ie-live" || d.Fallback == nil || strings.Join(d.Fallback.Proxies, ",") != "http://127.0.0.1:80" {
		t.Errorf("route while Netkeeper is up: %s, fallback %+v", d, d.Fallback)
	}
	if !noted(d.Notes, `auto-detect is on live, off in the registry; the proxy is "http://127.0.0.1:80" live, none in the registry`) ||
		!noted(d.Notes, `they are those of the connection "netkeeper", which is probably connected`) {
		t.Errorf("route notes %q", d.Notes)
	}
	for _, s := range srcs {
		if s.Name == "windows-ie-user" && !noted(s.Notes, `connection "netkeeper" (VPN or dial-up) has its own settings`) {
			t.Errorf("the registry source does not name the VPN connection: %q", s.Notes)
		}
	}
}

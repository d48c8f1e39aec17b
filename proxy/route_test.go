package proxy

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/proxy/discover"
)

func TestBrowserRouteWindows(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		given   discover.Given
		env     map[string]string
		kind    string
		from    string
		proxies []string
		pac     string
		note    string
	}{
		{name: "IE manual", files: []string{"ie-manual.reg"}, kind: KindFixed, from: "windows-ie-user", proxies: []string{"http://proxy.corp.example:8080"}},
		{name: "flag wins", files: []string{"ie-manual.reg", "edge-policy.reg"}, given: discover.Given{Flags: discover.Override{Proxy: "http://u:p@flag.example:3128", Origin: "--proxy"}, Config: discover.Override{Direct: true}},
			kind: KindFixed, from: "flag", proxies: []string{"http://u:p@flag.example:3128"}},
		{name: "config wins over policy", files: []string{"ie-manual.reg", "edge-policy.reg"}, given: discover.Given{Config: discover.Override{PAC: "/etc/okviz/p.pac", Origin: "okviz-check.yaml"}},
			kind: KindPAC, from: "config", pac: "/etc/okviz/p.pac"},
		{name: "no-proxy flag", files: []string{"ie-manual.reg"}, given: discover.Given{Flags: discover.Override{Direct: true, Proxy: "p:1"}}, kind: KindDirect, from: "flag"},
		{name: "edge policy", files: []string{"ie-manual.reg", "edge-policy.reg"}, kind: KindFixed, from: "edge-policy",
			proxies: []string{"http://edgeproxy.corp.example:8443"}, note: "a Chrome policy sets the proxy to direct"},
		{name: "edge policy system", files: []string{"edge-policy-system.reg"}, kind: KindFixed, from: "windows-ie-user",
			proxies: []string{"http://sysproxy.corp.example:8080"}, note: "use the system proxy settings"},
		{name: "bad edge policy ignored", files: []string{"ie-manual.reg", "edge-policy-bad.reg"}, kind: KindFixed, from: "windows-ie-user", proxies: []string{"http://proxy.corp.example:8080"}},
		{name: "machine-wide", files: []string{"machine-wide.reg"}, kind: KindFixed, from: "windows-ie-machine", proxies: []string{"http://machineproxy.corp.example:3128"}},
		{name: "env ignored", files: []string{"ie-direct.reg"}, env: map[string]string{"HTTPS_PROXY": "http://envproxy:3128"}, kind: KindDirect, from: "windows-ie-user",
			note: "ignores proxy environment variables on Windows"},
		{name: "nothing stored", files: []string{"dns-suffixes.reg"}, kind: KindWPAD, from: "windows-ie-user"},
		{name: "mandatory PAC", files: []string{"edge-policy-pac-mandatory.reg", "ie-manual.reg"}, kind: KindPAC, from: "edge-policy", pac: "https://pac.corp.example/edge.pac", note: "ProxyPacMandatory"},
	}
	for _, tt := range tests {
		m := &machine{goos: "windows", reg: registry(t, tt.files...), env: tt.env}
		src := m.sources(tt.given)
		d := BrowserRoute(src, "windows")
		if d.Kind != tt.kind || d.From != tt.from || !reflect.DeepEqual(d.Proxies, tt.proxies) || d.PACURL != tt.pac || d.GOOS != "windows" {
			t.Errorf("%s: got %+v", tt.name, d)
		}
		if tt.note != "" && !noted(d.Notes, tt.note) {
			t.Errorf("%s: no note %q in %q", tt.name, tt.note, d.Notes)
		}
	}
}

func TestBrowserRouteFallbackChain(t *testing.T) {
	m := &machine{goos: "windows", reg: registry(t, "ie-all-three.reg")}
	d := BrowserRoute(m.sources(discover.Given{}), "windows")
	// The fake resolver knows no wpad name: auto-detect finds nothing and
	// has no candidate left to fetch.
	if d.Kind != KindWPAD || d.PACURL != "" || d.WPAD != nil || !noted(d.Notes, "finds no PAC file") {
		t.Fatalf("first: %+v", d)
	}
	pac := d.Fallback
	if pac == nil || pac.Kind != KindPAC || pac.PACURL != "http://pacuser:pacpass@pac.corp.example/proxy.pac" {
		t.Fatalf("second: %+v", pac)
	}
	manual := pac.Fallback
	if manual == nil || manual.Kind != KindFixed || !reflect.DeepEqual(manual.Proxies, []string{"http://secure.corp.example:8443"}) ||
		!reflect.DeepEqual(manual.Rules.Fallback, []string{"socks4://socks.corp.example:1080"}) || manual.Fallback != nil {
		t.Fatalf("third: %+v", manual)
	}
	if !manual.Bypassed("intranet") || manual.Bypassed("api.okviz.com") {
		t.Error("<local> bypass")
	}
	b, err := json.Marshal(d)
	if err != nil || strings.Contains(string(b), "pacpass") || !strings.Contains(string(b), `"pac_url":"http://***@pac.corp.example/proxy.pac"`) {
		t.Errorf("JSON %s, %v", b, err)
	}
	if s := pac.String(); strings.Contains(s, "pacpass") || !strings.Contains(s, "from windows-ie-user") {
		t.Errorf("String() = %q", s)
	}
}

func TestBrowserRouteDarwin(t *testing.T) {
	m := &machine{goos: "darwin", env: map[string]string{"https_proxy": "http://env:1"}, cmds: map[string][]byte{"scutil --proxy": recorded(t, "macos", "scutil-pac.txt")}}
	d := BrowserRoute(m.sources(discover.Given{}), "darwin")
	if d.Kind != KindPAC || d.From != "macos-scutil" || d.PACURL != "http://pac.corp.example:8081/proxy.pac?site=hq" || !noted(d.Notes, "on macOS") {
		t.Errorf("got %+v", d)
	}
	m = &machine{goos: "darwin", cmds: map[string][]byte{"scutil --proxy": recorded(t, "macos", "scutil-manual.txt")}}
	d = BrowserRoute(m.sources(discover.Given{}), "darwin")
	if d.Kind != KindFixed || !reflect.DeepEqual(d.Proxies, []string{"http://secure.corp.example:8443"}) || !d.Bypassed("printer") || !d.Bypassed("a.corp.example") {
		t.Errorf("got %+v", d)
	}
	m = &machine{goos: "darwin", cmds: map[string][]byte{"scutil --proxy": recorded(t, "macos", "scutil-empty.txt")}}
	if d = BrowserRoute(m.sources(discover.Given{}), "darwin"); d.Kind != KindDirect || d.From != "macos-scutil" {
		t.Errorf("got %+v", d)
	}
}

func TestBrowserRouteLinux(t *testing.T) {
	gs := "gsettings list-recursively org.gnome.system.proxy"
	tests := []struct {
		name    string
		env     map[string]string
		gnome   string
		files   map[string]string // path → testdata path
		kind    string
		from    string
		proxies []string
		pac     string
		style   string
		note    string
	}{
		{name: "gnome desktop", env: map[string]string{"XDG_CURRENT_DESKTOP": "GNOME", "https_proxy": "http://env:1"}, gnome: "manual.txt",
			kind: KindFixed, from: "gnome", proxies: []string{"http://secure.corp.example:8443"}, style: discover.BypassChromium},
		{name: "no desktop: env", env: map[string]string{"https_proxy": "http://u:p@env.corp.example:3128", "no_proxy": "corp.example"}, gnome: "manual.txt",
			kind: KindFixed, from: "env", proxies: []string{"http://u:p@env.corp.example:3128"} /* credentials kept to answer the challenge */, style: discover.BypassChromiumSuffix},
		{name: "unusable gnome: env", env: map[string]string{"XDG_CURRENT_DESKTOP": "GNOME", "HTTPS_PROXY": "env:3128"}, gnome: "manual-empty.txt",
			kind: KindFixed, from: "env", proxies: []string{"http://env:3128"}, note: "cannot be used"},
		{name: "gnome none beats env", env: map[string]string{"XDG_CURRENT_DESKTOP": "GNOME", "HTTPS_PROXY": "env:3128"}, gnome: "none.txt", kind: KindDirect, from: "gnome"},
		{name: "kde", env: map[string]string{"XDG_CURRENT_DESKTOP": "KDE", "HOME": "/home/u"}, files: map[string]string{"/home/u/.config/kioslaverc": "kde/pac-kioslaverc"},
			kind: KindPAC, from: "kde", pac: "http://pac.corp.example/proxy.pac"},
		{name: "edge policy files", env: map[string]string{"https_proxy": "env:1"},
			files: map[string]string{"/etc/opt/edge/policies/managed/10-proxy.json": "linux/edge-policies/10-proxy.json", "/etc/opt/edge/policies/managed/20-other.json": "linux/edge-policies/20-other.json"},
			kind:  KindPAC, from: "edge-policy", pac: "http://pac.corp.example/edge.pac"},
		{name: "chrome policy only noted", files: map[string]string{"/etc/opt/chrome/policies/managed/proxy.json": "linux/chrome-policies/proxy.json"},
			kind: KindDirect, from: "default", note: "Chrome uses it"},
		{name: "nothing", kind: KindDirect, from: "default", note: "no proxy is configured"},
	}
	for _, tt := range tests {
		m := &machine{goos: "linux", env: tt.env, files: map[string][]byte{}, cmds: map[string][]byte{}}
		if tt.gnome != "" {
			m.cmds[gs] = recorded(t, "gnome", tt.gnome)
		}
		for p, td := range tt.files {
			m.files[p] = recorded(t, strings.Split(td, "/")...)
		}
		d := BrowserRoute(m.sources(discover.Given{}), "linux")
		if d.Kind != tt.kind || d.From != tt.from || !reflect.DeepEqual(d.Proxies, tt.proxies) || d.PACURL != tt.pac || (tt.style != "" && d.BypassStyle != tt.style) {
			t.Errorf("%s: got %+v", tt.name, d)
		}
		if tt.note != "" && !noted(d.Notes, tt.note) {
			t.Errorf("%s: no note %q in %q", tt.name, tt.note, d.Notes)
		}
	}
}

func TestDisagreements(t *testing.T) {
	cli := Decision{Kind: KindFixed, Proxies: []string{"http://u:secret@a:8080"}, From: "env"}
	direct := Decision{Kind: KindDirect, From: "env"}
	tests := []struct {
		browser, cli Decision
		want         []string
	}{
		{Decision{Kind: KindWPAD, PACURL: discover.WPADShortURL, PACFrom: "wpad-dns", From: "windows-ie-user"}, cli,
			[]string{"your environment sends CLI tools through http://***@a:8080, the browser goes through the PAC file from wpad-dns (http://wpad/wpad.dat), because windows-ie-user enables auto-detect"}},
		{Decision{Kind: KindFixed, Proxies: []string{"http://b:3128"}, From: "gnome"}, direct,
			[]string{"CLI tools (curl, Go, Python) connect directly, the browser goes through http://b:3128 (from gnome)", "set HTTPS_PROXY=http://b:3128"}},
		{Decision{Kind: KindPAC, PACURL: "http://pac/p.pac", From: "macos-scutil"}, direct,
			[]string{"the browser goes through the PAC file http://pac/p.pac (from macos-scutil)", "CLI tools do not read PAC files"}},
		{Decision{Kind: KindDirect, From: "default"}, cli, []string{"your environment sends CLI tools through http://***@a:8080, the browser connects directly"}},
		{Decision{Kind: KindFixed, Proxies: []string{"http://u:secret@a:8080"}, From: "windows-ie-user"}, cli, nil},
		{Decision{Kind: KindDirect, From: "default"}, direct, nil},
	}
	for _, tt := range tests {
		got := Disagreements(tt.browser, tt.cli)
		if len(got) != len(tt.want) {
			t.Errorf("%v vs %v: got %q", tt.browser, tt.cli, got)
			continue
		}
		for i := range got {
			if !strings.Contains(got[i], tt.want[i]) || strings.Contains(got[i], "secret") {
				t.Errorf("got %q, want it to contain %q", got[i], tt.want[i])
			}
		}
	}
}

func TestDecisionBypassed(t *testing.T) {
	pac := Decision{Kind: KindPAC, PACURL: "http://p/p.pac", GOOS: "windows"}
	if pac.Bypassed("api.okviz.com") || !pac.Bypassed("localhost") || !pac.Bypassed("loopback") || !pac.Bypassed("https://[fe80::1]/") {
		t.Error("PAC: only implicit rules bypass")
	}
	if !(Decision{Kind: KindDirect}).Bypassed("api.okviz.com") {
		t.Error("direct bypasses everything")
	}
	httpOnly := Decision{Kind: KindFixed, Rules: discover.ProxyRules{HTTP: []string{"http://a:1"}}}
	if !httpOnly.Bypassed("https://api.okviz.com/") || httpOnly.Bypassed("http://api.okviz.com/") {
		t.Error("per-scheme rules")
	}
}

// An invalid --proxy is reported by its source and not used.
func TestBrowserRouteInvalidFlag(t *testing.T) {
	src := (&machine{goos: "linux"}).sources(discover.Given{Flags: discover.Override{Proxy: "ftp://nope", Origin: "--proxy"}})
	if d := BrowserRoute(src, "linux"); d.From == "flag" {
		t.Errorf("invalid flag used: %+v", d)
	}
}

// WPAD as the browser uses it: on Linux only the DNS name, on Windows the
// DHCP offer first, then the name, then the PAC URL of the same settings.
func TestBrowserRouteWPAD(t *testing.T) {
	linux := &machine{
		goos: "linux", host: "pc7.eng.corp.example",
		env:   map[string]string{"XDG_CURRENT_DESKTOP": "GNOME"},
		files: map[string][]byte{"/etc/resolv.conf": recorded(t, "linux", "resolv.conf")},
		cmds: map[string][]byte{
			"gsettings list-recursively org.gnome.system.proxy": recorded(t, "gnome", "auto-wpad.txt"),
			"nmcli -t -f GENERAL.DEVICE,DHCP4 device show":      recorded(t, "linux", "nmcli-dhcp.txt"),
		},
		hosts: map[string][]string{"wpad": {"192.0.2.80"}, "wpad.corp.example": {"203.0.113.9"}},
	}
	d := BrowserRoute(linux.sources(discover.Given{}), "linux")
	// Chromium does DHCP WPAD only on Windows: the DNS answer wins on Linux.
	if d.Kind != KindWPAD || d.PACURL != discover.WPADShortURL || d.PACFrom != "wpad-dns" || d.From != "gnome" || !noted(d.Notes, "only on Windows") {
		t.Errorf("decision: %+v", d)
	}

	windows := &machine{goos: "windows", reg: registry(t, "ie-pac-autodetect.reg", "dns-suffixes.reg"), host: "pc1",
		env:   map[string]string{"USERDNSDOMAIN": "AD.CORP.EXAMPLE"},
		dhcp:  []discover.DHCPOffer{{Adapter: "{6BD5A1C2}", URL: "http://dhcp-wpad.corp.example/wpad.dat"}},
		hosts: map[string][]string{"wpad": {"10.1.1.1"}}}
	d = BrowserRoute(windows.sources(discover.Given{}), "windows")
	if d.Kind != KindWPAD || d.PACURL != "http://dhcp-wpad.corp.example/wpad.dat" || d.PACFrom != "wpad-dhcp" ||
		!reflect.DeepEqual(d.WPAD, []string{"http://dhcp-wpad.corp.example/wpad.dat", discover.WPADShortURL}) {
		t.Errorf("windows decision: %+v", d)
	}
	if d.Fallback == nil || d.Fallback.Kind != KindPAC || d.Fallback.PACURL != "http://pac.corp.example/proxy.pac" || d.Fallback.Fallback != nil {
		t.Errorf("fallback: %+v", d.Fallback)
	}
}

func TestCLIRoute(t *testing.T) {
	tests := []struct {
		env     map[string]string
		kind    string
		proxies []string
		bypass  []string
	}{
		{nil, KindDirect, nil, nil},
		{map[string]string{"HTTPS_PROXY": "upper:1", "https_proxy": "lower:2"}, KindFixed, []string{"http://upper:1"}, nil},
		{map[string]string{"https_proxy": "https://lower:2", "no_proxy": "a.example, b.example"}, KindFixed, []string{"https://lower:2"}, []string{"a.example", "b.example"}},
		{map[string]string{"ALL_PROXY": "p:1", "HTTP_PROXY": "p:2"}, KindDirect, nil, nil},
		{map[string]string{"HTTPS_PROXY": "::bad::"}, KindDirect, nil, nil},
	}
	for _, tt := range tests {
		d := CLIRoute(envSources(tt.env))
		if d.Kind != tt.kind || !reflect.DeepEqual(d.Proxies, tt.proxies) || !reflect.DeepEqual(d.Bypass, tt.bypass) || d.BypassStyle != discover.BypassGo || d.From != "env" {
			t.Errorf("%v: got %+v", tt.env, d)
		}
	}
	d := CLIRoute(envSources(map[string]string{"HTTPS_PROXY": "p:1", "NO_PROXY": ".okviz.com"}))
	if d.Bypassed("okviz.com") || !d.Bypassed("api.okviz.com") || !d.Bypassed("localhost") {
		t.Error("Go NO_PROXY semantics")
	}
	// Windows environment names are case-insensitive.
	win := &machine{goos: "windows", env: map[string]string{"HTTPS_PROXY": "p:1", "https_proxy": "p:1"}}
	if d := CLIRoute(win.sources(discover.Given{})); d.Kind != KindFixed {
		t.Errorf("CLI route on Windows: %+v", d)
	}
}

// Bypassed reports whether a request to host (a name, host:port, or URL;
// https assumed) skips the proxy: true for a direct decision; for a fixed
// decision the bypass list in its dialect; for PAC and WPAD only the
// implicit local-address rules Chromium applies before the script, the
// script deciding the rest.
func (d Decision) Bypassed(host string) bool {
	ok, _ := d.bypassReason(host)
	return ok
}

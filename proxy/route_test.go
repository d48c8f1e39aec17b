package proxy

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestBrowserRouteWindows(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		given   Given
		env     map[string]string
		kind    string
		from    string
		proxies []string
		pac     string
		note    string
	}{
		{name: "IE manual", files: []string{"ie-manual.reg"}, kind: KindFixed, from: "windows-ie-user", proxies: []string{"http://proxy.corp.example:8080"}},
		{name: "flag wins", files: []string{"ie-manual.reg", "edge-policy.reg"}, given: Given{Flags: Override{Proxy: "http://u:p@flag.example:3128", Origin: "--proxy"}, Config: Override{Direct: true}},
			kind: KindFixed, from: "flag", proxies: []string{"http://u:p@flag.example:3128"}},
		{name: "config wins over policy", files: []string{"ie-manual.reg", "edge-policy.reg"}, given: Given{Config: Override{PAC: "/etc/okviz/p.pac", Origin: "okviz-check.yaml"}},
			kind: KindPAC, from: "config", pac: "/etc/okviz/p.pac"},
		{name: "no-proxy flag", files: []string{"ie-manual.reg"}, given: Given{Flags: Override{Direct: true, Proxy: "p:1"}}, kind: KindDirect, from: "flag"},
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
		m := &fakeMachine{goos: "windows", reg: regFile(t, tt.files...), env: tt.env}
		src := Discover(context.Background(), m.system(), tt.given)
		d := BrowserRoute(src, "windows")
		if d.Kind != tt.kind || d.From != tt.from || !reflect.DeepEqual(d.Proxies, tt.proxies) || d.PACURL != tt.pac || d.GOOS != "windows" {
			t.Errorf("%s: got %+v", tt.name, d)
		}
		if tt.note != "" && !hasNote(d.Notes, tt.note) {
			t.Errorf("%s: no note %q in %q", tt.name, tt.note, d.Notes)
		}
	}
}

func TestBrowserRouteFallbackChain(t *testing.T) {
	m := &fakeMachine{goos: "windows", reg: regFile(t, "ie-all-three.reg")}
	d := BrowserRoute(Discover(context.Background(), m.system(), Given{}), "windows")
	// The fake resolver knows no wpad name: auto-detect finds nothing and
	// has no candidate left to fetch.
	if d.Kind != KindWPAD || d.PACURL != "" || d.WPAD != nil || !hasNote(d.Notes, "finds no PAC file") {
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
	m := &fakeMachine{goos: "darwin", env: map[string]string{"https_proxy": "http://env:1"}, cmds: map[string][]byte{"scutil --proxy": testdata(t, "macos", "scutil-pac.txt")}}
	d := BrowserRoute(Discover(context.Background(), m.system(), Given{}), "darwin")
	if d.Kind != KindPAC || d.From != "macos-scutil" || d.PACURL != "http://pac.corp.example:8081/proxy.pac?site=hq" || !hasNote(d.Notes, "on macOS") {
		t.Errorf("got %+v", d)
	}
	m = &fakeMachine{goos: "darwin", cmds: map[string][]byte{"scutil --proxy": testdata(t, "macos", "scutil-manual.txt")}}
	d = BrowserRoute(Discover(context.Background(), m.system(), Given{}), "darwin")
	if d.Kind != KindFixed || !reflect.DeepEqual(d.Proxies, []string{"http://secure.corp.example:8443"}) || !d.Bypassed("printer") || !d.Bypassed("a.corp.example") {
		t.Errorf("got %+v", d)
	}
	m = &fakeMachine{goos: "darwin", cmds: map[string][]byte{"scutil --proxy": testdata(t, "macos", "scutil-empty.txt")}}
	if d = BrowserRoute(Discover(context.Background(), m.system(), Given{}), "darwin"); d.Kind != KindDirect || d.From != "macos-scutil" {
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
			kind: KindFixed, from: "gnome", proxies: []string{"http://secure.corp.example:8443"}, style: BypassChromium},
		{name: "no desktop: env", env: map[string]string{"https_proxy": "http://u:p@env.corp.example:3128", "no_proxy": "corp.example"}, gnome: "manual.txt",
			kind: KindFixed, from: "env", proxies: []string{"http://env.corp.example:3128"}, style: BypassChromiumSuffix},
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
		m := &fakeMachine{goos: "linux", env: tt.env, files: map[string][]byte{}, cmds: map[string][]byte{}}
		if tt.gnome != "" {
			m.cmds[gs] = testdata(t, "gnome", tt.gnome)
		}
		for p, td := range tt.files {
			m.files[p] = testdata(t, strings.Split(td, "/")...)
		}
		d := BrowserRoute(Discover(context.Background(), m.system(), Given{}), "linux")
		if d.Kind != tt.kind || d.From != tt.from || !reflect.DeepEqual(d.Proxies, tt.proxies) || d.PACURL != tt.pac || (tt.style != "" && d.BypassStyle != tt.style) {
			t.Errorf("%s: got %+v", tt.name, d)
		}
		if tt.note != "" && !hasNote(d.Notes, tt.note) {
			t.Errorf("%s: no note %q in %q", tt.name, tt.note, d.Notes)
		}
	}
}

func TestPolicySources(t *testing.T) {
	m := &fakeMachine{goos: "linux", files: map[string][]byte{
		"/etc/opt/edge/policies/managed/10-proxy.json": testdata(t, "linux", "edge-policies", "10-proxy.json"),
		"/etc/opt/edge/policies/managed/20-other.json": testdata(t, "linux", "edge-policies", "20-other.json"),
		"/etc/chromium/policies/managed/broken.json":   testdata(t, "linux", "bad-policies", "broken.json"),
	}}
	src := Discover(context.Background(), m.system(), Given{})
	edge := findSource(t, src, "edge-policy")
	if !edge.Found || edge.Mode != "pac" || !strings.Contains(edge.Origin, "10-proxy.json") || !hasNote(edge.Notes, "ProxyMode is ignored because ProxySettings is set") || !hasNote(edge.Notes, "ProxyBypassList is not applied") {
		t.Errorf("edge: %+v", edge)
	}
	if chrome := findSource(t, src, "chrome-policy"); chrome.Found || !strings.Contains(chrome.Err, "broken.json") {
		t.Errorf("chrome: %+v", chrome)
	}
	m = &fakeMachine{goos: "windows", reg: regFile(t, "edge-policy-bad.reg")}
	if edge := m.discover(t, "edge-policy"); edge.Found || !strings.Contains(edge.Err, "ProxySettings") {
		t.Errorf("bad JSON: %+v", edge)
	}
	mac := &fakeMachine{goos: "darwin", env: map[string]string{"USER": "ann"},
		files: map[string][]byte{"/Library/Managed Preferences/com.microsoft.Edge.plist": []byte("bplist00")},
		cmds: map[string][]byte{
			"plutil -convert json -o - /Library/Managed Preferences/com.microsoft.Edge.plist": []byte(`{"ProxyMode":"auto_detect"}`),
		}}
	if edge := mac.discover(t, "edge-policy"); edge.Mode != "auto-detect" {
		t.Errorf("mac: %+v", edge)
	}
	for _, tt := range []struct {
		vals map[string]any
		ok   bool
		mode string
	}{
		{map[string]any{"ProxyServerMode": 0.0}, true, "direct"},
		{map[string]any{"ProxyServerMode": 2.0, "ProxyPacUrl": "http://p/p.pac"}, true, "pac"},
		{map[string]any{"ProxyServerMode": 2.0, "ProxyServer": "p:1"}, true, "manual"},
		{map[string]any{"ProxyServerMode": 3.0}, true, "system"},
		{map[string]any{"ProxyMode": "pac_script"}, false, ""},
		{map[string]any{"ProxyMode": "fixed_servers", "ProxyServer": "::"}, false, ""},
		{map[string]any{"ProxyServer": "p:1"}, false, ""},
		{map[string]any{"ProxyMode": "bogus"}, false, ""},
		{map[string]any{"ProxySettings": 42.0}, false, ""},
	} {
		st, ok, _, err := policySettings(tt.vals)
		s := Source{Found: ok, set: st}
		s.finish()
		if ok != tt.ok || s.Mode != tt.mode || (err == nil) != tt.ok {
			t.Errorf("%v: ok %v mode %q err %v", tt.vals, ok, s.Mode, err)
		}
	}
}

func TestGivenSource(t *testing.T) {
	src := Discover(context.Background(), (&fakeMachine{goos: "linux"}).system(), Given{Flags: Override{Proxy: "ftp://nope", Origin: "--proxy"}})
	f := findSource(t, src, "flag")
	if f.Found || !strings.Contains(f.Err, "unsupported scheme") {
		t.Errorf("bad flag: %+v", f)
	}
	if d := BrowserRoute(src, "linux"); d.From == "flag" {
		t.Errorf("invalid flag used: %+v", d)
	}
	src = Discover(context.Background(), (&fakeMachine{goos: "linux"}).system(), Given{Config: Override{PAC: "http://pac/p.pac", Proxy: "p:1", Origin: "OKVIZ_CHECK_PROXY_URL"}})
	c := findSource(t, src, "config")
	if !c.Found || c.Mode != "pac" || c.Origin != "OKVIZ_CHECK_PROXY_URL" || !hasNote(c.Notes, "PAC file wins") {
		t.Errorf("config: %+v", c)
	}
}

func TestDisagreements(t *testing.T) {
	cli := Decision{Kind: KindFixed, Proxies: []string{"http://u:secret@a:8080"}, From: "env"}
	direct := Decision{Kind: KindDirect, From: "env"}
	tests := []struct {
		browser, cli Decision
		want         []string
	}{
		{Decision{Kind: KindWPAD, PACURL: WPADShortURL, PACFrom: "wpad-dns", From: "windows-ie-user"}, cli,
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
	httpOnly := Decision{Kind: KindFixed, Rules: ProxyRules{HTTP: []string{"http://a:1"}}}
	if !httpOnly.Bypassed("https://api.okviz.com/") || httpOnly.Bypassed("http://api.okviz.com/") {
		t.Error("per-scheme rules")
	}
}

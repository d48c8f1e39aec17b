package discover

import "testing"

func TestParseProxySwitches(t *testing.T) {
	tests := []struct {
		args string
		want ProxySwitches
	}{
		{"", ProxySwitches{}},
		{"--remote-debugging-port=0", ProxySwitches{}},
		{`--proxy-server="p.corp:8080" --proxy-bypass-list=*.corp;<local>`, ProxySwitches{Server: "p.corp:8080", Bypass: "*.corp;<local>"}},
		// The last instance wins; names are case insensitive and take one dash too.
		{"--proxy-server=a:1 -Proxy-Server=b:2", ProxySwitches{Server: "b:2"}},
		{"--no-proxy-server --proxy-server=a:1", ProxySwitches{NoProxy: true, Server: "a:1"}},
		{"--proxy-pac-url=http://wpad/proxy.pac --proxy-auto-detect", ProxySwitches{PACURL: "http://wpad/proxy.pac", AutoDetect: true}},
		{`"--proxy-server=http=h:80;https=s:443"`, ProxySwitches{Server: "http=h:80;https=s:443"}},
		{`--proxy-server "unterminated`, ProxySwitches{}},
	}
	for _, tt := range tests {
		if got := ParseProxySwitches(tt.args); got != tt.want {
			t.Errorf("ParseProxySwitches(%q) = %+v, want %+v", tt.args, got, tt.want)
		}
	}
}

// TestSwitchSettingsOrder: Chrome's command-line preference store reads
// --no-proxy-server first, then the PAC URL, auto-detect, the proxy.
func TestSwitchSettingsOrder(t *testing.T) {
	st, _ := switchSettings(ParseProxySwitches("--proxy-server=a:1 --no-proxy-server"))
	if !st.Direct || !st.Rules.Empty() {
		t.Errorf("no-proxy-server: %+v", st)
	}
	st, _ = switchSettings(ParseProxySwitches("--proxy-server=a:1 --proxy-pac-url=http://pac/p.pac"))
	if st.PACURL != "http://pac/p.pac" || !st.Rules.Empty() {
		t.Errorf("pac: %+v", st)
	}
	st, _ = switchSettings(ParseProxySwitches("--proxy-server=https=s:443 --proxy-bypass-list=a.example,<local>"))
	if len(st.Rules.HTTPS) != 1 || st.Rules.HTTPS[0] != "http://s:443" || len(st.Bypass) != 2 {
		t.Errorf("server: %+v", st)
	}
}

// TestWebView2Policy reads the documented policy form from a .reg export:
// the value for PBIDesktop.exe applies, another host's does not, and the
// environment variable wins over the policy.
func TestWebView2Policy(t *testing.T) {
	reg := regFile(t, "webview2-pbidesktop.reg")
	args, origin := WebView2Args(reg, PowerBIDesktopExe)
	if got := ParseProxySwitches(args); got.Server != "webview-proxy.corp.example:3128" || got.Bypass != "*.corp.example;<local>" {
		t.Errorf("policy args %q → %+v", args, got)
	}
	if origin != `HKCU\`+webView2ArgsKey+`\PBIDesktop.exe` {
		t.Errorf("origin %q", origin)
	}
	if args, _ := WebView2Args(reg, "other.exe"); args != "" {
		t.Errorf("another host got %q", args)
	}
	s := readWebView2(System{GOOS: "windows", Registry: reg})
	if !s.Found || s.Settings().Rules.HTTPS == nil && s.Settings().Rules.All == nil {
		t.Fatalf("policy source: %+v", s)
	}
	env := func(k string) (string, bool) {
		if k == WebView2ArgsVar {
			return "--proxy-server=env-proxy.example:8080", true
		}
		return "", false
	}
	s = readWebView2(System{GOOS: "windows", Registry: reg, LookupEnv: env})
	if got := s.Settings().Rules.All; len(got) != 1 || got[0] != "http://env-proxy.example:8080" || s.Origin != "environment: "+WebView2ArgsVar || len(s.Notes) != 1 {
		t.Errorf("env over policy: %+v %v", s, s.Settings().Rules)
	}
	// Arguments without a proxy switch leave the source empty.
	s = readWebView2(System{GOOS: "windows", LookupEnv: func(k string) (string, bool) { return "--remote-debugging-port=0", k == WebView2ArgsVar }})
	if s.Found {
		t.Errorf("no proxy switch: %+v", s)
	}
}

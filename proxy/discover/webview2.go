package discover

import (
	"strings"

	"github.com/okviz/okviz-check/proxy/internal/lists"
)

// WebView2 reads extra browser arguments for a host application from an
// environment variable and from a policy keyed by the host's exe name.
// Power BI Desktop (PBIDesktop.exe) shows the service's visuals in
// WebView2, which never applies Edge's proxy policies: its proxy comes
// from these arguments, else from the system settings (WinINET).
const (
	// WebView2ArgsVar is the environment variable every WebView2 host
	// appends to its browser arguments.
	WebView2ArgsVar = "WEBVIEW2_ADDITIONAL_BROWSER_ARGUMENTS"
	// webView2ArgsKey holds one value per host exe name (under HKLM and
	// HKCU), its data the arguments.
	webView2ArgsKey = `Software\Policies\Microsoft\Edge\WebView2\AdditionalBrowserArguments`
	// PowerBIDesktopExe is Power BI Desktop's exe name.
	PowerBIDesktopExe = "PBIDesktop.exe"
)

// ProxySwitches are the proxy switches of a Chromium command line.
type ProxySwitches struct {
	NoProxy    bool   // --no-proxy-server
	PACURL     string // --proxy-pac-url=
	AutoDetect bool   // --proxy-auto-detect
	Server     string // --proxy-server=, in Chromium's rule format
	Bypass     string // --proxy-bypass-list= (used with --proxy-server only)
}

// Empty reports whether the command line sets no proxy.
func (p ProxySwitches) Empty() bool {
	return !p.NoProxy && p.PACURL == "" && !p.AutoDetect && p.Server == ""
}

// ParseProxySwitches reads the proxy switches of a command line as
// Chromium does on Windows: arguments split at blanks outside double
// quotes, switches start with "--" or "-" and their names are case
// insensitive, "name=value", and the last instance of a switch wins.
func ParseProxySwitches(cmdline string) ProxySwitches {
	var p ProxySwitches
	for _, arg := range splitArgs(cmdline) {
		name, value, _ := strings.Cut(arg, "=")
		if !strings.HasPrefix(name, "-") {
			continue
		}
		switch strings.ToLower(strings.TrimLeft(name, "-")) {
		case "no-proxy-server":
			p.NoProxy = true
		case "proxy-pac-url":
			p.PACURL = value
		case "proxy-auto-detect":
			p.AutoDetect = true
		case "proxy-server":
			p.Server = value
		case "proxy-bypass-list":
			p.Bypass = value
		}
	}
	return p
}

// splitArgs splits a command line at blanks, keeping double-quoted parts
// together and dropping the quotes.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	quoted, have := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, have = !quoted, true
		case (r == ' ' || r == '\t' || r == '\n' || r == '\r') && !quoted:
			if have {
				out = append(out, cur.String())
			}
			cur.Reset()
			have = false
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// switchSettings is what Chrome's command-line preference store makes of
// the switches, in its order: --no-proxy-server, then --proxy-pac-url,
// then --proxy-auto-detect, then --proxy-server with its bypass list
// (read as Chromium's ProxyBypassRules).
func switchSettings(p ProxySwitches) (Settings, []string) {
	st := Settings{BypassStyle: BypassChromium}
	var notes []string
	switch {
	case p.NoProxy:
		st.Direct = true
	case p.PACURL != "":
		st.PACURL = p.PACURL
	case p.AutoDetect:
		st.AutoDetect = true
	case p.Server != "":
		st.Rules, notes = ParseProxyRules(p.Server)
		st.Bypass = lists.Split(p.Bypass, ",;")
	}
	return st, notes
}

// WebView2Args returns the arguments the WebView2 loader adds for a host
// exe from the policy, the way it looks for them: HKLM before HKCU, the
// exe name before "*" (every host); "" and "" when none is set.
func WebView2Args(reg Registry, exe string) (args, origin string) {
	if reg == nil {
		return "", ""
	}
	for _, root := range []string{"HKLM", "HKCU"} {
		for _, name := range []string{exe, "*"} {
			if v, err := reg.Value(root, webView2ArgsKey, name); err == nil && strings.TrimSpace(v.Str) != "" {
				return v.Str, root + `\` + webView2ArgsKey + `\` + name
			}
		}
	}
	return "", ""
}

// readWebView2 is the source "webview2": the proxy switches Power BI
// Desktop's WebView2 gets. The loader takes the environment variable when
// it is set and the policy otherwise, as for its other overrides.
func readWebView2(sys System) Source {
	s := Source{Name: "webview2", set: Settings{BypassStyle: BypassChromium}}
	envArgs, hasEnv := sys.lookupEnv(WebView2ArgsVar)
	polArgs, polOrigin := WebView2Args(sys.Registry, PowerBIDesktopExe)
	args, origin := polArgs, polOrigin
	if hasEnv && strings.TrimSpace(envArgs) != "" {
		args, origin = envArgs, "environment: "+WebView2ArgsVar
		if !ParseProxySwitches(polArgs).Empty() {
			s.note("the policy %s also sets proxy switches; the environment variable is used instead", polOrigin)
		}
	}
	if args == "" {
		return s
	}
	s.Origin = origin
	sw := ParseProxySwitches(args)
	if sw.Empty() {
		s.note("%s sets no proxy switch", origin)
		return s
	}
	var notes []string
	s.set, notes = switchSettings(sw)
	s.Notes = append(s.Notes, notes...)
	if sw.Bypass != "" && sw.Server == "" {
		s.note("--proxy-bypass-list is ignored without --proxy-server")
	}
	s.Found = true
	return s
}

package discover

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// WinHTTP access types (WINHTTP_PROXY_INFO.dwAccessType): how WinHTTP's
// default configuration, the one `netsh winhttp` sets for services, routes.
const (
	WinHTTPNoProxy    = "WINHTTP_ACCESS_TYPE_NO_PROXY"    // netsh: "Direct access (no proxy server)."
	WinHTTPNamedProxy = "WINHTTP_ACCESS_TYPE_NAMED_PROXY" // netsh: "Proxy Server(s) : …", "Bypass List : …"
)

// WinHTTPProxy is WinHTTP's default proxy configuration as `netsh winhttp
// show proxy` shows it: an access type and, for a named proxy, the proxy
// string and bypass list.
type WinHTTPProxy struct {
	AccessType string
	Proxy      string
	Bypass     string
}

// String writes it the way netsh does, in one line.
func (w WinHTTPProxy) String() string {
	if w.AccessType != WinHTTPNamedProxy {
		return "Direct access (no proxy server)"
	}
	bypass := w.Bypass
	if bypass == "" {
		bypass = "(none)"
	}
	return fmt.Sprintf("Proxy Server(s): %s; Bypass List: %s", w.Proxy, bypass)
}

// WinHTTPAccess reads a WinHttpSettings blob as WinHTTP does: a named
// proxy when "use a proxy" is flagged and a proxy string is set, else no
// proxy. WinHTTP's default configuration has no PAC or auto-detect step
// (those flags are ignored here).
func WinHTTPAccess(cs ConnectionSettings) WinHTTPProxy {
	if cs.UseProxy() && strings.TrimSpace(cs.ProxyServer) != "" {
		return WinHTTPProxy{AccessType: WinHTTPNamedProxy, Proxy: cs.ProxyServer, Bypass: cs.Bypass}
	}
	return WinHTTPProxy{AccessType: WinHTTPNoProxy}
}

// ParseNetshShowProxy reads the English output of `netsh winhttp show
// proxy`. Other languages, or anything else, are an error: the text is
// localised, which is why discovery decodes the registry value instead
// and this parser is what tests hold the decoder against.
func ParseNetshShowProxy(out []byte) (WinHTTPProxy, error) {
	var w WinHTTPProxy
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		key, val, ok := strings.Cut(line, ":")
		val = strings.TrimSpace(val)
		switch {
		case strings.HasPrefix(line, "Direct access"):
			return WinHTTPProxy{AccessType: WinHTTPNoProxy}, nil
		case ok && strings.TrimSpace(key) == "Proxy Server(s)":
			w.AccessType, w.Proxy = WinHTTPNamedProxy, val
		case ok && strings.TrimSpace(key) == "Bypass List":
			if val != "(none)" {
				w.Bypass = val
			}
		}
	}
	if w.AccessType == "" {
		return w, fmt.Errorf("netsh winhttp show proxy: no \"Direct access\" or \"Proxy Server(s)\" line in the output")
	}
	return w, nil
}

// AdvProxy is WinHTTP's advanced proxy setting (Windows 11 and Server
// 2022: `netsh winhttp set advproxy`), as `netsh winhttp show advproxy`
// prints it: a JSON object under a localised header line. Absent keys are
// zero; an empty object means nothing is set.
type AdvProxy struct {
	ProxyIsEnabled       *bool  `json:"ProxyIsEnabled"`
	Proxy                string `json:"Proxy"`
	ProxyBypass          string `json:"ProxyBypass"`
	AutoConfigIsEnabled  *bool  `json:"AutoConfigIsEnabled"`
	AutoConfigURL        string `json:"AutoconfigUrl"` // matched without regard to case, as encoding/json does
	AutoDetect           bool   `json:"AutoDetect"`
	PerUserProxySettings *bool  `json:"PerUserProxySettings"`
}

// Empty reports whether the setting holds nothing.
func (a AdvProxy) Empty() bool {
	return strings.TrimSpace(a.Proxy) == "" && strings.TrimSpace(a.AutoConfigURL) == "" && !a.AutoDetect
}

// ParseNetshAdvProxy reads `netsh winhttp show advproxy` output: the
// text from the first "{" to the last "}" as JSON.
func ParseNetshAdvProxy(out []byte) (AdvProxy, error) {
	var a AdvProxy
	i, j := bytes.IndexByte(out, '{'), bytes.LastIndexByte(out, '}')
	if i < 0 || j < i {
		return a, fmt.Errorf("netsh winhttp show advproxy: no JSON object in the output")
	}
	if err := json.Unmarshal(out[i:j+1], &a); err != nil {
		return a, fmt.Errorf("netsh winhttp show advproxy: %v", err)
	}
	return a, nil
}

// settings maps the advanced setting onto Chromium's model, the way it is
// meant for WinHTTP's automatic proxy: auto-detect, then the PAC URL, then
// the named proxy (each flag honoured when netsh prints it).
func (a AdvProxy) settings() (Settings, []string) {
	st := Settings{BypassStyle: BypassChromium, AutoDetect: a.AutoDetect}
	var problems []string
	if a.AutoConfigIsEnabled == nil || *a.AutoConfigIsEnabled {
		st.PACURL = strings.TrimSpace(a.AutoConfigURL)
	}
	if p := strings.TrimSpace(a.Proxy); p != "" && (a.ProxyIsEnabled == nil || *a.ProxyIsEnabled) {
		st.Rules, problems = ParseProxyRules(p)
		st.Bypass = ParseProxyOverride(a.ProxyBypass)
	}
	return st, problems
}

// readWinHTTPAdvanced reads WinHTTP's advanced proxy setting with netsh,
// its documented reader (where Windows stores it is not documented).
func readWinHTTPAdvanced(ctx context.Context, sys System) Source {
	s := Source{Name: "windows-winhttp-advproxy", Origin: "netsh winhttp show advproxy", set: Settings{BypassStyle: BypassChromium}}
	if sys.WinHTTPAdvanced == nil {
		s.note("not read here (a replayed export, or not Windows)")
		return s
	}
	out, err := sys.WinHTTPAdvanced(ctx)
	if err != nil {
		s.fail(err)
		if isNotExist(err) {
			s.note("%v", err)
		}
		return s
	}
	a, err := ParseNetshAdvProxy(out)
	if err != nil {
		s.Err = err.Error()
		return s
	}
	if a.Empty() {
		s.note("no advanced WinHTTP proxy is set")
		return s
	}
	s.Found = true
	var problems []string
	s.set, problems = a.settings()
	s.Notes = append(s.Notes, problems...)
	if a.PerUserProxySettings != nil && *a.PerUserProxySettings {
		s.note("PerUserProxySettings: WinHTTP applications running as a user use that user's setting")
	}
	s.note("WinHTTP's advanced setting (netsh winhttp set advproxy, Windows 11 and Server 2022) is used by Windows services and WinHTTP applications, not by the browser")
	return s
}

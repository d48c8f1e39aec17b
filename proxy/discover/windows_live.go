package discover

import (
	"fmt"
	"slices"
	"strings"

	"github.com/okviz/okviz-check/internal/redact"
)

// IEConfig is the per-user proxy configuration as WinHTTP hands it to
// Chromium (WinHttpGetIEProxyConfigForCurrentUser): the settings of the
// connection in use, so an active VPN or dial-up connection's own settings
// replace the LAN's. Empty strings mean "not set"; Proxy is set only when
// "Use a proxy server" is on.
type IEConfig struct {
	AutoDetect    bool
	AutoConfigURL string
	Proxy         string
	Bypass        string
}

// settings maps the live configuration onto Chromium's model as
// ProxyConfigServiceWin::SetFromIEConfig does, with the problems found in
// the proxy string.
func (c IEConfig) settings() (Settings, []string) {
	st := Settings{BypassStyle: BypassChromium, AutoDetect: c.AutoDetect, PACURL: strings.TrimSpace(c.AutoConfigURL)}
	var problems []string
	if p := strings.TrimSpace(c.Proxy); p != "" {
		st.Rules, problems = ParseProxyRules(p)
		st.Bypass = ParseProxyOverride(c.Bypass)
	}
	return st, problems
}

// CompareIEConfig lists, in words, how the live settings differ from
// those decoded from the registry (empty when they agree): auto-detect,
// the PAC URL, the proxies and, where a proxy is set, the bypass list.
// URLs are redacted.
func CompareIEConfig(live, reg Settings) []string {
	var diffs []string
	onOff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	if live.AutoDetect != reg.AutoDetect {
		diffs = append(diffs, fmt.Sprintf("auto-detect is %s live, %s in the registry", onOff(live.AutoDetect), onOff(reg.AutoDetect)))
	}
	if live.PACURL != reg.PACURL {
		diffs = append(diffs, fmt.Sprintf("the PAC URL is %s live, %s in the registry", quoteOrNone(redact.URL(live.PACURL)), quoteOrNone(redact.URL(reg.PACURL))))
	}
	lr, rr := rulesText(live.Rules), rulesText(reg.Rules)
	if lr != rr {
		diffs = append(diffs, fmt.Sprintf("the proxy is %s live, %s in the registry", lr, rr))
	}
	if !live.Rules.Empty() && !reg.Rules.Empty() && !slices.Equal(live.Bypass, reg.Bypass) {
		diffs = append(diffs, fmt.Sprintf("the bypass list is %s live, %s in the registry", quoteOrNone(strings.Join(live.Bypass, ";")), quoteOrNone(strings.Join(reg.Bypass, ";"))))
	}
	return diffs
}

func quoteOrNone(s string) string {
	if s == "" {
		return "none"
	}
	return fmt.Sprintf("%q", s)
}

// rulesText writes proxy rules in one stable, redacted phrase.
func rulesText(r ProxyRules) string {
	if r.Empty() {
		return "none"
	}
	var parts []string
	for _, kv := range []struct {
		scheme string
		list   []string
	}{{"", r.All}, {"http=", r.HTTP}, {"https=", r.HTTPS}, {"ftp=", r.FTP}, {"other=", r.Fallback}} {
		if len(kv.list) > 0 {
			parts = append(parts, kv.scheme+strings.Join(redact.URLs(kv.list), ","))
		}
	}
	return fmt.Sprintf("%q", strings.Join(parts, ";"))
}

// readLiveIE asks the OS for the live per-user configuration (what the
// browser reads) and compares it with reg, the registry source the
// browser's settings are stored in. skip, when not empty, says why the
// live call must not be made (it would answer for another user than the
// one whose settings are read).
func readLiveIE(sys System, reg *Source, skip string) Source {
	s := Source{Name: "windows-ie-live", Origin: "WinHttpGetIEProxyConfigForCurrentUser", set: Settings{BypassStyle: BypassChromium}}
	switch {
	case skip != "":
		s.note("not asked: %s", skip)
		return s
	case sys.LiveIE == nil:
		s.note("not available here: the registry settings are used")
		return s
	}
	cfg, err := sys.LiveIE()
	if err != nil {
		s.fail(err)
		if isNotExist(err) {
			s.note("%v; the registry settings are used", err)
		} else {
			s.note("the call failed, so the registry settings are used; Chromium itself goes direct when this call fails")
		}
		return s
	}
	s.Found = true
	var problems []string
	s.set, problems = cfg.settings()
	s.Notes = append(s.Notes, problems...)
	s.note("the settings the browser reads, including an active VPN or dial-up connection's own; the registry's are shown beside them")
	if reg == nil || !reg.Found {
		return s
	}
	diffs := CompareIEConfig(s.set, reg.set)
	if len(diffs) == 0 {
		s.note("they agree with the registry (%s)", reg.Name)
		return s
	}
	why := "an active VPN or dial-up connection with its own proxy settings, or settings changed since they were stored, explain the difference"
	if names := connectionsLike(sys.Registry, reg.Origin, s.set); len(names) > 0 {
		why = fmt.Sprintf("they are those of the connection %s, which is probably connected (a VPN or dial-up connection's settings replace the LAN's while it is up)", strings.Join(names, " or "))
	}
	msg := fmt.Sprintf("the live settings differ from the registry (%s): %s. The browser follows the live ones; %s", reg.Name, strings.Join(diffs, "; "), why)
	s.Notes = append(s.Notes, msg)
	s.set.RouteNotes = append(s.set.RouteNotes, msg)
	return s
}

// connectionsLike names the VPN and dial-up connections, stored beside the
// LAN settings the registry source read (its origin starts with the root),
// whose own settings are the live ones: the connection that is up.
func connectionsLike(reg Registry, origin string, live Settings) []string {
	root, _, _ := strings.Cut(origin, `\`)
	if reg == nil || (root != "HKCU" && root != "HKLM") {
		return nil
	}
	var like []string
	for _, c := range otherConnections(reg, root) {
		if c.err != nil {
			continue
		}
		var conn Source
		applyConnectionSettings(&conn, c.settings)
		if len(CompareIEConfig(live, conn.set)) == 0 {
			like = append(like, fmt.Sprintf("%q", c.name))
		}
	}
	return like
}

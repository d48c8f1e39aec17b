package discover

import (
	"strings"

	"github.com/okviz/okviz-check/internal/redact"
)

// Registry locations of the Windows proxy settings.
const (
	ieSettingsKey  = `Software\Microsoft\Windows\CurrentVersion\Internet Settings`
	connectionsKey = ieSettingsKey + `\Connections`
	iePolicyKey    = `Software\Policies\Microsoft\Windows\CurrentVersion\Internet Settings`
	winHTTPWPADKey = ieSettingsKey + `\WinHttp`
)

// readWindows reads the WinINET settings Chromium uses (per user, or per
// machine when the ProxySettingsPerUser policy says so), that policy
// itself, and the WinHTTP default proxy used by services.
func readWindows(sys System, skipLive string) []Source {
	reg := sys.Registry
	policy := Source{Name: "windows-policy-per-user", Origin: `HKLM\` + iePolicyKey + `\ProxySettingsPerUser`, set: Settings{NoMode: true}}
	perMachine := false
	if reg != nil {
		v, err := reg.Value("HKLM", iePolicyKey, "ProxySettingsPerUser")
		policy.fail(err)
		if err == nil {
			policy.Found = true
			perMachine = v.Num == 0
			if perMachine {
				policy.note("ProxySettingsPerUser=0: the proxy settings are machine-wide (HKLM) and apply to every user")
			} else {
				policy.note("ProxySettingsPerUser=%d: every user has their own proxy settings (HKCU)", v.Num)
			}
		}
	}
	user := readIE("windows-ie-user", "HKCU", reg)
	stored := &user
	var machine Source
	if perMachine {
		machine = readIE("windows-ie-machine", "HKLM", reg)
		stored = &machine
	}
	out := []Source{readLiveIE(sys, stored, skipLive), user}
	if perMachine {
		out = append(out, machine)
	}
	out = append(out, policy, readWinHTTP(reg))
	return out
}

// readIE reads one copy of the WinINET ("Internet Options") settings. The
// binary DefaultConnectionSettings value is what WinHTTP hands to Chromium
// (WinHttpGetIEProxyConfigForCurrentUser), so it wins; the plain values are
// compared with it and read alone only when it is missing.
func readIE(name, root string, reg Registry) Source {
	s := Source{Name: name, Origin: root + `\` + ieSettingsKey, set: Settings{BypassStyle: BypassChromium}}
	if reg == nil {
		s.Err = "the Windows registry is not available"
		return s
	}
	str := func(value string) (string, bool) {
		v, err := reg.Value(root, ieSettingsKey, value)
		if err != nil {
			s.fail(err)
			return "", false
		}
		return strings.TrimSpace(v.Str), true
	}
	enableVal, errEnable := reg.Value(root, ieSettingsKey, "ProxyEnable")
	s.fail(errEnable)
	server, hasServer := str("ProxyServer")
	override, hasOverride := str("ProxyOverride")
	autoURL, hasAutoURL := str("AutoConfigURL")
	plainFound := errEnable == nil || hasServer || hasOverride || hasAutoURL

	blob, blobErr := reg.Value(root, connectionsKey, "DefaultConnectionSettings")
	var cs ConnectionSettings
	haveBlob := false
	if blobErr == nil {
		var err error
		cs, err = DecodeConnectionSettings(blob.Bin)
		if err != nil {
			s.Err = "DefaultConnectionSettings: " + err.Error()
		} else {
			haveBlob = true
		}
	} else {
		s.fail(blobErr)
	}
	s.Found = plainFound || haveBlob
	if !s.Found {
		if blobErr != nil && isNotExist(blobErr) && s.Err == "" {
			s.note("no proxy settings stored: Windows' default is \"Automatically detect settings\" on, so the browser tries WPAD")
			s.Found, s.set.AutoDetect = true, true
		}
		return s
	}
	if haveBlob {
		s.Origin += `; ` + root + `\` + connectionsKey + `\DefaultConnectionSettings`
		applyConnectionSettings(&s, cs)
		if errEnable == nil && (enableVal.Num != 0) != cs.UseProxy() {
			s.note("ProxyEnable=%d disagrees with the \"use a proxy server\" flag of DefaultConnectionSettings (%v); the browser follows DefaultConnectionSettings", enableVal.Num, cs.UseProxy())
		}
		if hasServer && cs.UseProxy() && server != cs.ProxyServer {
			s.note("ProxyServer %q differs from the proxy in DefaultConnectionSettings %q", redact.URL(server), redact.URL(cs.ProxyServer))
		}
		if hasAutoURL && autoURL != "" && !cs.UseAutoConfig() {
			s.note("AutoConfigURL %q is set but the \"use automatic configuration script\" flag is off, so it is not used", redact.URL(autoURL))
		}
	} else {
		what := "no DefaultConnectionSettings value"
		if blobErr == nil {
			what = "DefaultConnectionSettings is unreadable"
		}
		s.note("%s: read ProxyEnable/ProxyServer/AutoConfigURL instead; whether \"Automatically detect settings\" is on cannot be told", what)
		if errEnable == nil && enableVal.Num != 0 && server != "" {
			rules, problems := ParseProxyRules(server)
			s.Notes = append(s.Notes, problems...)
			s.set.Rules = rules
			s.set.Bypass = ParseProxyOverride(override)
		}
		s.set.PACURL = autoURL
	}
	noteOtherConnections(&s, root, reg)
	return s
}

// applyConnectionSettings maps a decoded blob onto Chromium's model, as
// ProxyConfigServiceWin::SetFromIEConfig does.
func applyConnectionSettings(s *Source, cs ConnectionSettings) {
	s.set.AutoDetect = cs.AutoDetect()
	if cs.UseAutoConfig() {
		s.set.PACURL = cs.AutoConfigURL
		if cs.AutoConfigURL == "" {
			s.note("\"use automatic configuration script\" is on but the address is empty")
		}
	}
	if cs.UseProxy() {
		rules, problems := ParseProxyRules(cs.ProxyServer)
		s.Notes = append(s.Notes, problems...)
		s.set.Rules = rules
		s.set.Bypass = ParseProxyOverride(cs.Bypass)
		if rules.Empty() {
			s.note("\"use a proxy server\" is on but no usable proxy is set")
		}
	}
}

// noteOtherConnections mentions the settings of VPN and dial-up
// connections: Windows uses them instead of the LAN settings while that
// connection is up.
func noteOtherConnections(s *Source, root string, reg Registry) {
	for _, c := range otherConnections(reg, root) {
		if c.err != nil {
			s.note("connection %q: unreadable settings (%v)", c.name, c.err)
			continue
		}
		s.note("connection %q (VPN or dial-up) has its own settings, used instead of these while it is connected: %s", c.name, c.settings)
	}
}

// storedConnection is one VPN or dial-up connection's settings blob under
// the Connections key, decoded, or why it could not be.
type storedConnection struct {
	name     string
	settings ConnectionSettings
	err      error
}

// otherConnections lists the connections stored beside the LAN settings
// (every binary value of the Connections key but the LAN's own, its
// backup and WinHTTP's), in the registry's order.
func otherConnections(reg Registry, root string) []storedConnection {
	names, err := reg.ValueNames(root, connectionsKey)
	if err != nil {
		return nil
	}
	var out []storedConnection
	for _, n := range names {
		switch strings.ToLower(n) {
		case "defaultconnectionsettings", "savedlegacysettings", "winhttpsettings":
			continue
		}
		v, err := reg.Value(root, connectionsKey, n)
		if err != nil || len(v.Bin) == 0 {
			continue
		}
		cs, err := DecodeConnectionSettings(v.Bin)
		out = append(out, storedConnection{name: n, settings: cs, err: err})
	}
	return out
}

// readWinHTTP reads the machine-wide WinHTTP proxy (netsh winhttp): used by
// Windows services and some system components, not by browsers.
func readWinHTTP(reg Registry) Source {
	s := Source{Name: "windows-winhttp", Origin: `HKLM\` + connectionsKey + `\WinHttpSettings`, set: Settings{BypassStyle: BypassChromium}}
	if reg == nil {
		return s
	}
	v, err := reg.Value("HKLM", connectionsKey, "WinHttpSettings")
	if err != nil {
		s.fail(err)
		return s
	}
	cs, err := DecodeConnectionSettings(v.Bin)
	if err != nil {
		s.Err = "WinHttpSettings: " + err.Error()
		return s
	}
	s.Found = true
	access := WinHTTPAccess(cs)
	// WinHTTP's default configuration is a named proxy or none: the blob's
	// PAC and auto-detect flags mean nothing to it.
	if access.AccessType == WinHTTPNamedProxy {
		rules, problems := ParseProxyRules(access.Proxy)
		s.Notes = append(s.Notes, problems...)
		s.set.Rules, s.set.Bypass = rules, ParseProxyOverride(access.Bypass)
	}
	s.note("%s, as netsh winhttp show proxy prints it: %s", access.AccessType, redact.Text(access.String(), access.Proxy))
	s.note("WinHTTP settings are used by Windows services and some system tools, not by the browser")
	if d, err := reg.Value("HKLM", winHTTPWPADKey, "DisableWpad"); err == nil && d.Num != 0 {
		s.note("DisableWpad=1: WinHTTP does not auto-detect a proxy")
	}
	return s
}

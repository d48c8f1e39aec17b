package discover

import (
	"encoding/json"
	"path"
	"strconv"
	"strings"

	"github.com/okviz/okviz-check/proxy/internal/lists"
)

// Firefox keeps its own proxy settings in the profile (prefs.js,
// network.proxy.*) and takes an administrator's from policies.json; by
// default (network.proxy.type 5) it uses the system settings, and then its
// route is the browser's. The source "firefox" exists only where Firefox
// has a profile or a policy file.

// firefoxDirs are the folders holding profiles.ini, per OS.
func firefoxDirs(sys System) []string {
	home := sys.getenv("HOME")
	switch sys.GOOS {
	case "windows":
		if appdata := sys.getenv("APPDATA"); appdata != "" {
			return []string{appdata + `\Mozilla\Firefox`}
		}
		return nil
	case "darwin":
		return []string{home + "/Library/Application Support/Firefox"}
	}
	if home == "" {
		return nil
	}
	return []string{home + "/.mozilla/firefox", home + "/snap/firefox/common/.mozilla/firefox", home + "/.var/app/org.mozilla.firefox/.mozilla/firefox"}
}

// firefoxPolicyFiles are where an administrator puts policies.json.
func firefoxPolicyFiles(sys System) []string {
	switch sys.GOOS {
	case "windows":
		pf := sys.getenv("ProgramFiles")
		if pf == "" {
			pf = `C:\Program Files`
		}
		return []string{pf + `\Mozilla Firefox\distribution\policies.json`}
	case "darwin":
		return []string{"/Applications/Firefox.app/Contents/Resources/distribution/policies.json"}
	}
	return []string{"/etc/firefox/policies/policies.json", "/usr/lib/firefox/distribution/policies.json"}
}

// DefaultFirefoxProfile returns the path of the default profile named in
// a profiles.ini, relative paths joined to dir: the [Install…] section's
// Default (what current Firefox starts with), else the [Profile…] marked
// Default=1, else the only profile. "" when there is none.
func DefaultFirefoxProfile(ini []byte, dir string, sep string) string {
	type section struct{ name, path, isRelative, def string }
	var secs []section
	for _, line := range strings.Split(strings.ReplaceAll(string(ini), "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			secs = append(secs, section{name: line[1 : len(line)-1], isRelative: "1"})
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || len(secs) == 0 {
			continue
		}
		s := &secs[len(secs)-1]
		switch strings.TrimSpace(k) {
		case "Path":
			s.path = strings.TrimSpace(v)
		case "IsRelative":
			s.isRelative = strings.TrimSpace(v)
		case "Default":
			s.def = strings.TrimSpace(v)
		}
	}
	join := func(p, rel string) string {
		if rel != "1" {
			return p
		}
		return dir + sep + strings.ReplaceAll(p, "/", sep)
	}
	for _, s := range secs {
		if strings.HasPrefix(s.name, "Install") && s.def != "" {
			return join(s.def, "1")
		}
	}
	var profiles []section
	for _, s := range secs {
		if strings.HasPrefix(s.name, "Profile") && s.path != "" {
			if s.def == "1" {
				return join(s.path, s.isRelative)
			}
			profiles = append(profiles, s)
		}
	}
	if len(profiles) == 1 {
		return join(profiles[0].path, profiles[0].isRelative)
	}
	return ""
}

// ParsePrefsJS reads the user_pref("name", value); lines of a prefs.js
// whose names start with prefix: numbers, booleans and strings (with
// their backslash escapes).
func ParsePrefsJS(data []byte, prefix string) map[string]any {
	out := map[string]any{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		rest, ok := strings.CutPrefix(line, "user_pref(")
		if !ok {
			continue
		}
		rest = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(rest), ";"), ")")
		name, end, ok := jsString(rest)
		if !ok || !strings.HasPrefix(name, prefix) {
			continue
		}
		val := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest[end:]), ","))
		switch {
		case val == "true" || val == "false":
			out[name] = val == "true"
		case strings.HasPrefix(val, `"`):
			if s, _, ok := jsString(val); ok {
				out[name] = s
			}
		default:
			if n, err := strconv.Atoi(val); err == nil {
				out[name] = n
			}
		}
	}
	return out
}

// jsString reads a double-quoted string at the start of s; end is the
// index after its closing quote.
func jsString(s string) (string, int, bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", 0, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), i + 1, true
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false
}

// firefoxProxy is Firefox's proxy configuration in its own terms.
type firefoxProxy struct {
	Type                     int // 0 direct, 1 manual, 2 PAC, 4 auto-detect, 5 system
	HTTP, SSL, SOCKS         string
	HTTPPort, SSLPort, SPort int
	SOCKSVersion             int
	Share                    bool // use the HTTP proxy for every protocol
	AutoConfigURL            string
	NoProxiesOn              string
}

// firefoxDefaults are Firefox's defaults for the prefs it reads.
func firefoxDefaults() firefoxProxy {
	return firefoxProxy{Type: 5, SOCKSVersion: 5}
}

// applyPrefs sets the network.proxy.* prefs on p.
func (p *firefoxProxy) applyPrefs(prefs map[string]any) {
	num := func(k string, dst *int) {
		if v, ok := prefs[k].(int); ok {
			*dst = v
		}
	}
	str := func(k string, dst *string) {
		if v, ok := prefs[k].(string); ok {
			*dst = v
		}
	}
	num("network.proxy.type", &p.Type)
	str("network.proxy.http", &p.HTTP)
	num("network.proxy.http_port", &p.HTTPPort)
	str("network.proxy.ssl", &p.SSL)
	num("network.proxy.ssl_port", &p.SSLPort)
	str("network.proxy.socks", &p.SOCKS)
	num("network.proxy.socks_port", &p.SPort)
	num("network.proxy.socks_version", &p.SOCKSVersion)
	str("network.proxy.autoconfig_url", &p.AutoConfigURL)
	str("network.proxy.no_proxies_on", &p.NoProxiesOn)
	if v, ok := prefs["network.proxy.share_proxy_settings"].(bool); ok {
		p.Share = v
	}
}

// firefoxPolicyPrefs turns the Proxy policy of a policies.json into the
// prefs it sets, and whether it locks them.
func firefoxPolicyPrefs(data []byte) (map[string]any, bool, error) {
	var doc struct {
		Policies struct {
			Proxy map[string]any `json:"Proxy"`
		} `json:"policies"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, false, err
	}
	pol := doc.Policies.Proxy
	if pol == nil {
		return nil, false, nil
	}
	prefs := map[string]any{}
	str := func(k string) string { s, _ := pol[k].(string); return strings.TrimSpace(s) }
	switch str("Mode") {
	case "none":
		prefs["network.proxy.type"] = 0
	case "manual":
		prefs["network.proxy.type"] = 1
	case "autoConfig":
		prefs["network.proxy.type"] = 2
	case "autoDetect":
		prefs["network.proxy.type"] = 4
	case "system":
		prefs["network.proxy.type"] = 5
	}
	hostPort := func(v, host, port string) {
		if v == "" {
			return
		}
		h, p, ok := strings.Cut(v, ":")
		prefs[host] = h
		if n, err := strconv.Atoi(p); ok && err == nil {
			prefs[port] = n
		}
	}
	hostPort(str("HTTPProxy"), "network.proxy.http", "network.proxy.http_port")
	hostPort(str("SSLProxy"), "network.proxy.ssl", "network.proxy.ssl_port")
	hostPort(str("SOCKSProxy"), "network.proxy.socks", "network.proxy.socks_port")
	if v, ok := pol["SOCKSVersion"].(float64); ok {
		prefs["network.proxy.socks_version"] = int(v)
	}
	if v, ok := pol["UseHTTPProxyForAllProtocols"].(bool); ok {
		prefs["network.proxy.share_proxy_settings"] = v
	}
	if v := str("AutoConfigURL"); v != "" {
		prefs["network.proxy.autoconfig_url"] = v
	}
	if v, ok := pol["Passthrough"].(string); ok {
		prefs["network.proxy.no_proxies_on"] = v
	}
	locked, _ := pol["Locked"].(bool)
	return prefs, locked, nil
}

// firefoxSettings is the configuration in Chromium's model, for https
// targets: Firefox sends https through the SSL proxy (or the HTTP one when
// shared), else the SOCKS proxy, else direct. no_proxies_on entries are
// read as name suffixes.
func firefoxSettings(p firefoxProxy) (Settings, bool) {
	st := Settings{BypassStyle: BypassChromiumSuffix}
	switch p.Type {
	case 0:
		st.Direct = true
	case 1:
		https, port := p.SSL, p.SSLPort
		if p.Share {
			https, port = p.HTTP, p.HTTPPort
		}
		switch {
		case https != "" && port > 0:
			st.Rules.HTTPS = []string{"http://" + hostPortString(https, port)}
		case p.SOCKS != "" && p.SPort > 0:
			scheme := "socks5"
			if p.SOCKSVersion == 4 {
				scheme = "socks4"
			}
			st.Rules.HTTPS = []string{scheme + "://" + hostPortString(p.SOCKS, p.SPort)}
		}
		if p.HTTP != "" && p.HTTPPort > 0 {
			st.Rules.HTTP = []string{"http://" + hostPortString(p.HTTP, p.HTTPPort)}
		}
		st.Bypass = lists.Split(p.NoProxiesOn, ", ")
		st.Direct = st.Rules.Empty()
	case 2:
		st.PACURL = p.AutoConfigURL
	case 4:
		st.AutoDetect = true
	default:
		return st, false // the system settings: the browser's route
	}
	return st, true
}

func hostPortString(host string, port int) string {
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(port)
}

// readFirefox is the source "firefox": the default profile's proxy prefs
// with the policy's applied (locked policy values win over the user's,
// others are defaults the user's prefs override). ok is false where
// Firefox has neither a profile nor a policy file.
func readFirefox(sys System) (Source, bool) {
	s := Source{Name: "firefox"}
	if sys.ReadFile == nil {
		return s, false
	}
	sep := "/"
	if sys.GOOS == "windows" {
		sep = `\`
	}
	p := firefoxDefaults()
	var origins []string
	present := false
	var polPrefs map[string]any
	locked := false
	for _, f := range firefoxPolicyFiles(sys) {
		data, err := sys.ReadFile(f)
		if err != nil {
			continue
		}
		present = true
		prefs, lk, err := firefoxPolicyPrefs(data)
		if err != nil {
			s.note("%s: %v", f, err)
			continue
		}
		if prefs != nil {
			polPrefs, locked = prefs, lk
			origins = append(origins, f)
		}
		break
	}
	if !locked {
		p.applyPrefs(polPrefs)
	}
	for _, dir := range firefoxDirs(sys) {
		ini, err := sys.ReadFile(dir + sep + "profiles.ini")
		if err != nil {
			continue
		}
		present = true
		profile := DefaultFirefoxProfile(ini, dir, sep)
		if profile == "" {
			s.note("%s: no default profile", dir+sep+"profiles.ini")
			break
		}
		prefsFile := profile + sep + "prefs.js"
		data, err := sys.ReadFile(prefsFile)
		if err != nil {
			s.note("%s: %v", path.Base(prefsFile), err)
			break
		}
		p.applyPrefs(ParsePrefsJS(data, "network.proxy."))
		origins = append(origins, prefsFile)
		break
	}
	if locked {
		p.applyPrefs(polPrefs)
		s.note("the Firefox Proxy policy is locked: the profile's own proxy settings are ignored")
	}
	if !present {
		return s, false
	}
	s.Origin = strings.Join(origins, "; ")
	st, own := firefoxSettings(p)
	if !own {
		s.note("Firefox uses the system proxy settings (network.proxy.type 5): its route is the browser's")
		return s, true
	}
	s.set, s.Found = st, true
	s.note("Firefox uses its own proxy settings (network.proxy.type %d), not the system's", p.Type)
	if p.Type == 1 && len(st.Rules.HTTPS) == 0 {
		s.note("no proxy for https:// in the manual settings: Firefox connects directly")
	}
	return s, true
}

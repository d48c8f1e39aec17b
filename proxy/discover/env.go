package discover

import (
	"fmt"
	"strings"

	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/proxy/internal/lists"
)

// envVars are the variables the env source records, in report order.
var envVars = []string{
	"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
	"NO_PROXY", "no_proxy", "FTP_PROXY", "ftp_proxy", "auto_proxy", "SOCKS_SERVER", "SOCKS_VERSION",
	"NODE_USE_ENV_PROXY", "REQUEST_METHOD",
}

// Env is a snapshot of the proxy environment variables that are set.
type Env map[string]string

// readEnvVars takes the snapshot. On Windows names are case-insensitive, so
// the two spellings read the same value.
func readEnvVars(lookup func(string) (string, bool)) Env {
	e := Env{}
	if lookup == nil {
		return e
	}
	for _, k := range envVars {
		if v, ok := lookup(k); ok {
			e[k] = v
		}
	}
	return e
}

// First returns the First non-empty variable of names, and its name.
func (e Env) First(names ...string) (string, string) {
	for _, n := range names {
		if v := strings.TrimSpace(e[n]); v != "" {
			return v, n
		}
	}
	return "", ""
}

// chromiumVar is base::Environment::GetVar: the name as asked, else the
// same name in the other case.
func (e Env) chromiumVar(name string) (string, bool) {
	if v, ok := e[name]; ok {
		return v, true
	}
	alt := strings.ToUpper(name)
	if alt == name {
		alt = strings.ToLower(name)
	}
	v, ok := e[alt]
	return v, ok
}

// readEnv records the proxy environment. Its settings are Chromium's
// reading (GetConfigFromEnv), which is what the browser uses on Linux
// without a desktop proxy configuration; the CLI reading is CLIRoute's.
func readEnv(sys System) Source {
	e := readEnvVars(sys.LookupEnv)
	if sys.GOOS == "windows" {
		// Names are case-insensitive there: both spellings are one variable.
		for k, v := range e {
			if up := strings.ToUpper(k); up != k {
				if uv, ok := e[up]; ok && uv == v {
					delete(e, k)
				}
			}
		}
	}
	s := Source{Name: "env"}
	s.set, s.Found = chromiumEnvSettings(e)
	s.set.Env = e
	var names []string
	for _, k := range envVars {
		if _, ok := e[k]; ok {
			names = append(names, k)
		}
	}
	if len(names) > 0 {
		s.Origin = "environment: " + strings.Join(names, ", ")
	}
	// What the report shows: the variables as most tools read them.
	display := ProxyRules{}
	for _, p := range []struct {
		names []string
		dst   *[]string
	}{
		{[]string{"HTTPS_PROXY", "https_proxy"}, &display.HTTPS},
		{[]string{"HTTP_PROXY", "http_proxy"}, &display.HTTP},
		{[]string{"ALL_PROXY", "all_proxy"}, &display.All},
	} {
		if v, name := e.First(p.names...); v != "" {
			n, err := NormalizeProxy(v, "http")
			if err != nil {
				s.note("%s: %v", name, err)
				continue
			}
			*p.dst = []string{n}
		}
	}
	s.set.Display = &display
	if v, _ := e.First("NO_PROXY", "no_proxy"); v != "" && s.set.Rules.Empty() {
		// No proxy for the browser: the list is shown as most tools read
		// it. With a proxy, the bypass list stays Chromium's no_proxy (the
		// lower-case name first, even when empty), as a real Chromium shows.
		s.set.Bypass = lists.Split(v, ",")
	}
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy", "auto_proxy"} {
		if _, ok := e[k]; ok {
			s.Found = true
		}
	}
	s.Notes = append(s.Notes, envCaseNotes(e)...)
	s.Notes = append(s.Notes, envBrowserNotes(e)...)
	return s
}

// IgnoredSchemeNote starts the note on a proxy variable whose scheme the
// browser ignores; proxy.connect's summary repeats it when the tunnel fails.
const IgnoredSchemeNote = "the browser ignores the scheme of "

// envBrowserNotes says where the browser on Linux reads the proxy
// variables differently from the tools: it speaks plain HTTP to a proxy
// given as https:// or socks5h:// in http_proxy/https_proxy/all_proxy
// (FixupProxyHostScheme), and it does not take credentials from them.
func envBrowserNotes(e Env) []string {
	var notes []string
	creds := false
	for _, name := range []string{"https_proxy", "http_proxy", "all_proxy"} {
		v, ok := e.chromiumVar(name)
		if !ok || v == "" {
			continue
		}
		scheme, rest, has := strings.Cut(v, "://")
		if has && !strings.EqualFold(scheme, "http") {
			host := rest
			if i := strings.LastIndex(host, "@"); i >= 0 {
				host = host[i+1:]
			}
			notes = append(notes, fmt.Sprintf("%s%s=%s: it speaks plain HTTP to %s, where curl and Python use %s", IgnoredSchemeNote, name, redact.URL(v), strings.TrimSuffix(host, "/"), strings.ToLower(scheme)))
		}
		if strings.Contains(rest, "@") || !has && strings.Contains(v, "@") {
			creds = true
		}
	}
	if creds {
		notes = append(notes, "the proxy variables carry credentials: okviz-check answers the proxy's challenge with them; a browser would prompt for them (Basic, Digest) or use the Windows login (NTLM, Negotiate)")
	}
	return notes
}

// envCaseNotes points out variables set in both spellings with different
// values: Go reads the upper-case one first, curl, Python and Node the
// lower-case one.
func envCaseNotes(e Env) []string {
	var notes []string
	for _, base := range []string{"https_proxy", "http_proxy", "no_proxy", "all_proxy"} {
		lo, okLo := e[base]
		up, okUp := e[strings.ToUpper(base)]
		if okLo && okUp && lo != up {
			notes = append(notes, fmt.Sprintf("%s=%q and %s=%q differ: Go uses %s, curl, Python and Node use %s",
				strings.ToUpper(base), redact.URL(up), base, redact.URL(lo), strings.ToUpper(base), base))
		}
	}
	if v, ok := e["ALL_PROXY"]; ok && e["HTTPS_PROXY"] == "" && e["https_proxy"] == "" {
		notes = append(notes, fmt.Sprintf("only ALL_PROXY=%q is set for https: curl and Python requests use it, Go and Node ignore it", redact.URL(v)))
	} else if v, ok := e["all_proxy"]; ok && e["HTTPS_PROXY"] == "" && e["https_proxy"] == "" {
		notes = append(notes, fmt.Sprintf("only all_proxy=%q is set for https: curl and Python requests use it, Go and Node ignore it", redact.URL(v)))
	}
	if e["HTTPS_PROXY"] == "" && e["https_proxy"] == "" && (e["HTTP_PROXY"] != "" || e["http_proxy"] != "") {
		notes = append(notes, "HTTP_PROXY is set but HTTPS_PROXY is not: most tools, Go included, connect to https:// sites directly")
	}
	return notes
}

// chromiumEnvSettings is ProxyConfigServiceLinux::Delegate::GetConfigFromEnv.
// found is false when the variables say nothing, and Chromium goes direct.
func chromiumEnvSettings(e Env) (Settings, bool) {
	st := Settings{BypassStyle: BypassChromiumSuffix}
	if v, ok := e.chromiumVar("auto_proxy"); ok {
		if v == "" {
			st.AutoDetect = true
		} else {
			st.PACURL = v
		}
		return st, true
	}
	get := func(name, scheme string) string {
		v, ok := e.chromiumVar(name)
		if !ok || v == "" {
			return ""
		}
		p, err := NormalizeProxy(chromiumFixupHost(v, scheme), scheme)
		if err != nil {
			return ""
		}
		return p
	}
	if p := get("all_proxy", "http"); p != "" {
		st.Rules.All = []string{p}
	} else {
		for _, x := range []struct {
			name string
			dst  *[]string
		}{{"http_proxy", &st.Rules.HTTP}, {"https_proxy", &st.Rules.HTTPS}, {"ftp_proxy", &st.Rules.FTP}} {
			if p := get(x.name, "http"); p != "" {
				*x.dst = []string{p}
			}
		}
	}
	if st.Rules.Empty() {
		scheme := "socks5"
		if v, _ := e.chromiumVar("SOCKS_VERSION"); v == "4" {
			scheme = "socks4"
		}
		if p := get("SOCKS_SERVER", scheme); p != "" {
			st.Rules.All = []string{p}
		}
	}
	noProxy, _ := e.chromiumVar("no_proxy")
	if st.Rules.Empty() {
		// Only no_proxy set means "explicitly direct".
		st.Direct = noProxy != ""
		return st, noProxy != ""
	}
	st.Bypass = lists.Split(noProxy, ",;")
	return st, true
}

// chromiumFixupHost is FixupProxyHostScheme: Chromium drops the scheme and
// any credentials of a proxy from the environment (okviz-check keeps the
// credentials: a browser would prompt for them, or answer NTLM/Negotiate
// with the Windows login, and the note on the source says so) and applies the scheme
// the variable implies (an http_proxy=socks5://h:1080 becomes the HTTP
// proxy h:1080; a socks4:// SOCKS_SERVER stays SOCKS4).
func chromiumFixupHost(v, scheme string) string {
	if scheme == "socks5" && strings.HasPrefix(strings.ToLower(v), "socks4://") {
		scheme = "socks4"
	}
	if i := strings.Index(v, "://"); i >= 0 {
		v = v[i+3:]
	}
	if scheme != "http" {
		v = scheme + "://" + v
	}
	return v
}

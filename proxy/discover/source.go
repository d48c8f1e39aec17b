package discover

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/okviz/okviz-check/internal/redact"
)

// System is the machine as proxy discovery sees it. Every field may be nil
// (or empty): a source that needs a missing one reports that it could not
// look, instead of guessing. NewOSSystem fills it for the running machine;
// tests fill it with recorded files, command outputs and registry values.
type System struct {
	// GOOS is the operating system whose rules apply ("windows",
	// "darwin", "linux", ...).
	GOOS string
	// LookupEnv reads an environment variable of the user running the
	// check; the bool tells "unset" from "set but empty".
	LookupEnv func(key string) (string, bool)
	// ReadFile reads a whole file.
	ReadFile func(name string) ([]byte, error)
	// ReadDir lists the names in a directory.
	ReadDir func(name string) ([]string, error)
	// RunCommand runs a program (scutil, gsettings, nmcli, ...) and returns
	// its standard output.
	RunCommand func(ctx context.Context, name string, args ...string) ([]byte, error)
	// Registry reads the Windows registry; nil elsewhere.
	Registry Registry
	// Hostname is the machine's host name (for WPAD).
	Hostname func() (string, error)
	// LookupHost resolves a name with the system resolver; WPAD discovery
	// uses it to see which wpad.<domain> names exist. Nil disables those
	// lookups.
	LookupHost func(ctx context.Context, host string) ([]string, error)
	// DHCPWPAD asks the OS DHCP client for option 252 (the WPAD URL) on
	// every adapter, where the OS offers an API for it (Windows).
	DHCPWPAD func(ctx context.Context) ([]DHCPOffer, error)
	// LiveIE asks Windows for the current user's proxy configuration as
	// the browser reads it (WinHttpGetIEProxyConfigForCurrentUser); nil
	// elsewhere, and when replaying a registry export.
	LiveIE func() (IEConfig, error)
	// Accounts tells who runs okviz-check and who is logged on (Windows);
	// nil elsewhere and when replaying a registry export.
	Accounts func() Accounts
	// WinHTTPAdvanced returns the output of `netsh winhttp show advproxy`
	// where Windows has it (Windows 11, Server 2022); nil elsewhere.
	WinHTTPAdvanced func(ctx context.Context) ([]byte, error)
}

// DHCPOffer is what one adapter answered for DHCP option 252: the WPAD
// URL, or why there is none (no answer in time, an OS error).
type DHCPOffer struct {
	Adapter string `json:"adapter"`
	URL     string `json:"url"`
	Err     string `json:"error,omitempty"`
}

func (s System) getenv(key string) string {
	v, _ := s.lookupEnv(key)
	return v
}

func (s System) lookupEnv(key string) (string, bool) {
	if s.LookupEnv == nil {
		return "", false
	}
	return s.LookupEnv(key)
}

var errNoAccess = errors.New("not available on this system")

func (s System) readFile(name string) ([]byte, error) {
	if s.ReadFile == nil {
		return nil, fmt.Errorf("read %s: %w", name, errNoAccess)
	}
	return s.ReadFile(name)
}

func (s System) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	if s.RunCommand == nil {
		return nil, fmt.Errorf("run %s: %w", name, errNoAccess)
	}
	return s.RunCommand(ctx, name, args...)
}

// Given carries the proxy choices the user made for okviz-check itself: the
// command-line flags and the configuration (OKVIZ_CHECK_* variables or the
// config file). Flags win over configuration.
type Given struct {
	Flags  Override
	Config Override
}

// Override is one layer of user choices.
type Override struct {
	Proxy  string // --proxy URL (http, https, socks5)
	Direct bool   // --no-proxy
	PAC    string // --pac: a file path or an http(s) URL
	// Origin says where the values came from, for the report: "--proxy",
	// "OKVIZ_CHECK_PROXY_URL", "/etc/okviz-check/okviz-check.yaml", ...
	Origin string
}

func (o Override) empty() bool { return o.Proxy == "" && !o.Direct && o.PAC == "" }

// Source is one place proxy settings can come from, and what it said. It is
// the element of the report's "proxy.sources" array. Proxy and PAC URLs in
// the exported fields are redacted; the unredacted values stay inside, for
// the route decision and the proxy test.
type Source struct {
	// Name identifies the source: flag, config, edge-policy, chrome-policy,
	// windows-user, windows-ie-live, windows-ie-user, windows-ie-machine,
	// windows-policy-per-user, windows-winhttp, windows-winhttp-advproxy,
	// macos-scutil, gnome, kde, env, firefox (its profile's and policy's own
	// settings), webview2 (Power BI Desktop's WebView2 arguments),
	// wpad-dhcp, wpad-dns.
	Name string `json:"name"`
	// Found is true when the source exists and holds a setting.
	Found bool `json:"found"`
	// Origin is where exactly it was read: registry key, file, command,
	// variable names.
	Origin string `json:"origin,omitempty"`
	// Mode is the setting's primary mode: direct, manual, pac,
	// auto-detect, or system (a policy that defers to the OS settings).
	// With several enabled (Windows allows auto-detect, PAC and manual at
	// once) it names the one tried first.
	Mode string `json:"mode,omitempty"`
	// Proxies maps a URL scheme (http, https, ftp) to its proxy list;
	// "all" applies to every scheme, "fallback" to schemes without their
	// own entry (a SOCKS proxy on Windows and macOS).
	Proxies map[string][]string `json:"proxies,omitempty"`
	// PACURL is the proxy auto-config URL (or file) the source names.
	PACURL string `json:"pac_url,omitempty"`
	// AutoDetect is true when the source asks for WPAD.
	AutoDetect bool `json:"auto_detect,omitempty"`
	// Bypass lists the hosts that go direct, as written in the source.
	Bypass []string `json:"bypass,omitempty"`
	// Notes explain what was read and how it is interpreted.
	Notes []string `json:"notes,omitempty"`
	// Err says why the source could not be read or understood.
	Err string `json:"error,omitempty"`

	set Settings // unredacted, for routing
}

// Settings returns what the source said, unredacted, for the route
// decision: print its URLs only through redact.
func (s Source) Settings() Settings { return s.set }

// finish copies the settings into the exported, redacted fields.
func (s *Source) finish() {
	st := s.set
	s.AutoDetect = st.AutoDetect
	s.PACURL = redact.URL(st.PACURL)
	s.Proxies = st.Rules.display()
	if st.Display != nil {
		s.Proxies = st.Display.display()
	}
	if len(st.Bypass) > 0 {
		s.Bypass = append([]string(nil), st.Bypass...)
	}
	if !s.Found || st.NoMode {
		s.Mode = ""
		return
	}
	switch {
	case st.System:
		s.Mode = "system"
	case st.AutoDetect:
		s.Mode = "auto-detect"
	case st.PACURL != "":
		s.Mode = "pac"
	case !st.Rules.Empty():
		s.Mode = "manual"
	default:
		s.Mode = "direct"
	}
}

func (s *Source) note(format string, args ...any) {
	s.Notes = append(s.Notes, fmt.Sprintf(format, args...))
}

// fail records why a source could not be read. A missing file, key or
// program is not an error: the source is simply not found.
func (s *Source) fail(err error) {
	if err == nil || isNotExist(err) {
		return
	}
	s.Err = err.Error()
}

func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNoAccess)
}

// Discover reads every proxy setting source that applies to sys.GOOS and
// returns them all, found or not, in precedence order: okviz-check's own
// flags and configuration, browser policies, the OS settings, the
// environment, then WPAD. It never fails: a source that cannot be read
// carries its error.
func Discover(ctx context.Context, sys System, given Given) []Source {
	var out []Source
	out = append(out, givenSource("flag", given.Flags), givenSource("config", given.Config))
	skipLive, hive := "", "HKCU"
	if sys.GOOS == "windows" {
		// Run as SYSTEM or a service, HKCU is not the user's: read the
		// interactive user's hive, policies included.
		var user Source
		sys, user, skipLive = windowsUser(sys)
		if w := user.set.Whose; w != nil {
			hive = w.Hive
		}
		out = append(out, user)
	}
	read := len(out)
	out = append(out, readPolicies(ctx, sys)...)
	switch sys.GOOS {
	case "windows":
		out = append(out, readWindows(sys, skipLive)...)
		out = append(out, readWinHTTPAdvanced(ctx, sys))
		for i := read; i < len(out) && hive != "HKCU"; i++ {
			out[i].Origin = strings.ReplaceAll(out[i].Origin, `HKCU\`, hive+`\`)
		}
	case "darwin":
		out = append(out, readScutil(ctx, sys))
	case "ios", "android", "js", "wasip1", "plan9":
		// No desktop proxy settings to read here.
	default:
		out = append(out, linuxDesktopSources(ctx, sys)...)
	}
	out = append(out, readEnv(sys))
	if ff, ok := readFirefox(sys); ok {
		out = append(out, ff)
	}
	if _, set := sys.lookupEnv(WebView2ArgsVar); set || sys.GOOS == "windows" {
		// Power BI Desktop's own arguments: only its route reads them.
		out = append(out, readWebView2(sys))
	}
	out = append(out, discoverWPAD(ctx, sys, out)...)
	for i := range out {
		out[i].finish()
	}
	return out
}

// givenSource turns the user's flags or configuration into a source.
func givenSource(name string, o Override) Source {
	s := Source{Name: name, Origin: o.Origin, set: Settings{BypassStyle: BypassChromium}}
	if o.empty() {
		return s
	}
	s.Found = true
	switch {
	case o.Direct:
		s.set.Direct = true
		if o.Proxy != "" || o.PAC != "" {
			s.note("no-proxy wins over the proxy or PAC also given")
		}
	case o.PAC != "":
		s.set.PACURL = o.PAC
		if o.Proxy != "" {
			s.note("the PAC file wins over the proxy also given")
		}
	default:
		rules, err := ParseGivenProxy(o.Proxy)
		if err != nil {
			s.Found = false
			s.Err = err.Error()
			return s
		}
		s.set.Rules = rules
	}
	return s
}

// sortedKeys returns a map's keys in order, for stable output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// linuxDesktopSources reads the GNOME and KDE settings and marks the one
// Chromium uses on the current desktop.
func linuxDesktopSources(ctx context.Context, sys System) []Source {
	desktop, why := linuxDesktop(sys.getenv)
	if desktop == "" {
		// A server or CI runner: Chromium reads neither, and starting
		// gsettings costs more than the rest of discovery together.
		gnome, kde := Source{Name: "gnome"}, Source{Name: "kde"}
		gnome.note("%s: not read, Chromium would not use them", why)
		kde.note("%s: not read, Chromium would not use them", why)
		return []Source{gnome, kde}
	}
	gnome, kde := readGnome(ctx, sys), readKDE(sys)
	for _, s := range []*Source{&gnome, &kde} {
		switch {
		case s.Name == desktop:
			s.set.Active = true
			if s.Found {
				s.note("%s: Chromium reads these settings", why)
			}
		case s.Found:
			s.note("%s: Chromium does not read the %s settings", why, s.Name)
		}
	}
	return []Source{gnome, kde}
}

// linuxDesktop tells which settings Chromium reads on this desktop, as
// base::nix::GetDesktopEnvironment and ProxyConfigServiceLinux decide:
// "gnome" (GNOME, Cinnamon, Unity, Pantheon, Deepin, UKUI, MATE), "kde",
// or "" (XFCE, LXQt, none: the environment variables only).
func linuxDesktop(getenv func(string) string) (string, string) {
	gsettingsDesktops := map[string]bool{"gnome": true, "x-cinnamon": true, "unity": true, "pantheon": true, "deepin": true, "ukui": true}
	if xdg := getenv("XDG_CURRENT_DESKTOP"); xdg != "" {
		for _, d := range strings.Split(xdg, ":") {
			d = strings.ToLower(strings.TrimSpace(d))
			switch {
			case gsettingsDesktops[d]:
				return "gnome", "XDG_CURRENT_DESKTOP=" + xdg
			case d == "kde":
				return "kde", "XDG_CURRENT_DESKTOP=" + xdg
			case d == "xfce" || d == "lxqt":
				return "", "XDG_CURRENT_DESKTOP=" + xdg
			}
		}
	}
	if ds := strings.ToLower(getenv("DESKTOP_SESSION")); ds != "" {
		switch {
		case ds == "gnome" || ds == "mate" || ds == "deepin" || ds == "ukui" || strings.Contains(ds, "gnome"):
			return "gnome", "DESKTOP_SESSION=" + ds
		case ds == "kde" || ds == "kde4" || ds == "kde-plasma" || strings.Contains(ds, "plasma"):
			return "kde", "DESKTOP_SESSION=" + ds
		}
	}
	if getenv("GNOME_DESKTOP_SESSION_ID") != "" {
		return "gnome", "GNOME_DESKTOP_SESSION_ID is set"
	}
	if getenv("KDE_FULL_SESSION") != "" {
		return "kde", "KDE_FULL_SESSION is set"
	}
	return "", "no GNOME or KDE desktop session (XDG_CURRENT_DESKTOP, DESKTOP_SESSION)"
}

// runParsed runs a settings command and parses its output into s. A
// missing program leaves s not found; a failing one or output that does
// not parse is recorded in s.Err. It reports whether parse succeeded.
func runParsed(ctx context.Context, sys System, s *Source, parse func([]byte) error, name string, args ...string) bool {
	out, err := sys.run(ctx, name, args...)
	if err != nil {
		s.fail(err)
		return false
	}
	if err := parse(out); err != nil {
		s.Err = err.Error()
		return false
	}
	return true
}

package browser

import (
	"errors"
	"path"
	"strings"
)

// ErrNotFound means no Edge, Chrome or Chromium was found.
var ErrNotFound = errors.New("no Edge, Chrome or Chromium found")

// Executable is a Chromium-based browser found on this machine.
type Executable struct {
	Name string // Microsoft Edge, Google Chrome, Chromium
	Path string
	From string // where it was found: PATH, an install path, the registry's App Paths
}

// Finder looks for a browser. Its fields are the outside world, so the
// search is testable on any OS.
type Finder struct {
	GOOS   string
	Getenv func(string) string
	// Exists says whether an executable file is at the path.
	Exists func(string) bool
	// LookPath searches PATH (Linux and other Unix systems).
	LookPath func(string) (string, error)
	// AppPath returns the raw default value of the registry's
	// App Paths\<exe> key, HKCU first then HKLM (Windows); "" when absent.
	AppPath func(exe string) string
}

// browserKind is one browser to look for, in order of preference: Edge
// first (Power BI Desktop's WebView2 is Edge, and it is what managed
// Windows machines have), then Chrome, then Chromium.
type browserKind struct {
	name    string
	winExe  string   // App Paths key name
	winRel  []string // under Program Files, Program Files (x86) and LocalAppData
	macApp  string   // bundle name
	macBin  string   // executable inside Contents/MacOS
	unixCmd []string // names on PATH
	unixAbs []string // usual absolute paths
}

var kinds = []browserKind{
	{
		name: "Microsoft Edge", winExe: "msedge.exe", winRel: []string{`Microsoft\Edge\Application\msedge.exe`},
		macApp: "Microsoft Edge.app", macBin: "Microsoft Edge",
		unixCmd: []string{"microsoft-edge", "microsoft-edge-stable"},
		unixAbs: []string{"/opt/microsoft/msedge/msedge"},
	},
	{
		name: "Google Chrome", winExe: "chrome.exe", winRel: []string{`Google\Chrome\Application\chrome.exe`},
		macApp: "Google Chrome.app", macBin: "Google Chrome",
		unixCmd: []string{"google-chrome", "google-chrome-stable"},
		unixAbs: []string{"/opt/google/chrome/chrome"},
	},
	{
		name: "Chromium", winRel: []string{`Chromium\Application\chrome.exe`},
		macApp: "Chromium.app", macBin: "Chromium",
		unixCmd: []string{"chromium", "chromium-browser"},
		unixAbs: []string{"/usr/lib/chromium/chromium", "/snap/bin/chromium"},
	},
}

// Candidates lists where each browser may be, in order of preference,
// without looking at the file system (except App Paths on Windows).
func (f Finder) Candidates() []Executable {
	var out []Executable
	for _, k := range kinds {
		switch f.GOOS {
		case "windows":
			if k.winExe != "" && f.AppPath != nil {
				if p := ParseAppPath(f.AppPath(k.winExe), f.Getenv); p != "" {
					out = append(out, Executable{k.name, p, `registry App Paths\` + k.winExe})
				}
			}
			for _, env := range []string{"ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"} {
				base := f.Getenv(env)
				if base == "" {
					continue
				}
				for _, rel := range k.winRel {
					out = append(out, Executable{k.name, winJoin(base, rel), "%" + env + "%"})
				}
			}
		case "darwin":
			// macOS paths whatever this OS is: path, not filepath.
			bases := []string{"/Applications"}
			if home := f.Getenv("HOME"); home != "" {
				bases = append(bases, path.Join(home, "Applications"))
			}
			for _, b := range bases {
				out = append(out, Executable{k.name, path.Join(b, k.macApp, "Contents/MacOS", k.macBin), b})
			}
		default:
			if f.LookPath != nil {
				for _, c := range k.unixCmd {
					if p, err := f.LookPath(c); err == nil {
						out = append(out, Executable{k.name, p, "PATH"})
					}
				}
			}
			for _, p := range k.unixAbs {
				out = append(out, Executable{k.name, p, "install path"})
			}
		}
	}
	return out
}

// Find returns the first candidate that exists.
func (f Finder) Find() (Executable, error) {
	for _, c := range f.Candidates() {
		if f.Exists(c.Path) {
			return c, nil
		}
	}
	return Executable{}, ErrNotFound
}

// ParseAppPath reads the default value of an App Paths key: a path that
// may be quoted and may hold %VARIABLES% (REG_EXPAND_SZ), sometimes with
// arguments after the quoted path. "" when nothing usable is there.
func ParseAppPath(raw string, getenv func(string) string) string {
	s := strings.TrimSpace(raw)
	if strings.HasPrefix(s, `"`) {
		end := strings.Index(s[1:], `"`)
		if end < 0 {
			return ""
		}
		s = s[1 : end+1]
	}
	s = expandWindows(s, getenv)
	if !strings.HasSuffix(strings.ToLower(s), ".exe") {
		return ""
	}
	// Only absolute paths: a drive letter or a UNC share.
	if !(len(s) > 2 && s[1] == ':' && (s[2] == '\\' || s[2] == '/')) && !strings.HasPrefix(s, `\\`) {
		return ""
	}
	return s
}

// expandWindows replaces %NAME% with its value; an unknown or unclosed
// reference stays as it is, as Windows leaves it.
func expandWindows(s string, getenv func(string) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		name := s[i+1 : i+1+j]
		b.WriteString(s[:i])
		if v := getenv(name); name != "" && v != "" {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+j+2])
		}
		s = s[i+j+2:]
	}
}

// winJoin joins Windows path parts with a backslash whatever this OS is.
func winJoin(base, rel string) string {
	return strings.TrimRight(base, `\/`) + `\` + rel
}

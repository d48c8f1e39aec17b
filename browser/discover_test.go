package browser

import (
	"errors"
	"slices"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseAppPath(t *testing.T) {
	vars := env(map[string]string{"ProgramFiles": `C:\Program Files`, "LOCALAPPDATA": `C:\Users\ann\AppData\Local`})
	for raw, want := range map[string]string{
		// Recorded shapes of the default value of App Paths\msedge.exe and chrome.exe.
		`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`:   `C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`,
		`"C:\Program Files\Google\Chrome\Application\chrome.exe"`:        `C:\Program Files\Google\Chrome\Application\chrome.exe`,
		`"C:\Program Files\Google\Chrome\Application\chrome.exe" --flag`: `C:\Program Files\Google\Chrome\Application\chrome.exe`,
		`%ProgramFiles%\Google\Chrome\Application\chrome.exe`:            `C:\Program Files\Google\Chrome\Application\chrome.exe`,
		`  %LOCALAPPDATA%\Google\Chrome\Application\chrome.exe  `:        `C:\Users\ann\AppData\Local\Google\Chrome\Application\chrome.exe`,
		`\\server\share\chrome.exe`:                                      `\\server\share\chrome.exe`,
		`%UNSET%\chrome.exe`:                                             "", // not absolute once expanded
		`"C:\Program Files\Google\Chrome\Application\chrome.exe`:         "", // unclosed quote
		`C:\Program Files\Google\Chrome\Application\`:                    "",
		`chrome.exe`: "",
		``:           "",
		`C:\x\%ProgramFiles%%LOCALAPPDATA%\a.exe`: `C:\x\C:\Program FilesC:\Users\ann\AppData\Local\a.exe`,
		`C:\odd%name\a.exe`:                       `C:\odd%name\a.exe`,
	} {
		if got := ParseAppPath(raw, vars); got != want {
			t.Errorf("ParseAppPath(%q) = %q, want %q", raw, got, want)
		}
	}
}

func paths(ex []Executable) []string {
	var out []string
	for _, e := range ex {
		out = append(out, e.Path)
	}
	return out
}

func TestCandidatesWindows(t *testing.T) {
	f := Finder{
		GOOS:   "windows",
		Getenv: env(map[string]string{"ProgramFiles": `C:\Program Files`, "ProgramFiles(x86)": `C:\Program Files (x86)`, "LOCALAPPDATA": `C:\Users\ann\AppData\Local`}),
		AppPath: func(exe string) string {
			if exe == "chrome.exe" {
				return `"D:\Apps\Chrome\chrome.exe"`
			}
			return ""
		},
	}
	got := paths(f.Candidates())
	want := []string{
		`C:\Program Files\Microsoft\Edge\Application\msedge.exe`,
		`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`,
		`C:\Users\ann\AppData\Local\Microsoft\Edge\Application\msedge.exe`,
		`D:\Apps\Chrome\chrome.exe`, // the registry's App Paths before the usual folders
		`C:\Program Files\Google\Chrome\Application\chrome.exe`,
		`C:\Program Files (x86)\Google\Chrome\Application\chrome.exe`,
		`C:\Users\ann\AppData\Local\Google\Chrome\Application\chrome.exe`,
		`C:\Program Files\Chromium\Application\chrome.exe`,
		`C:\Program Files (x86)\Chromium\Application\chrome.exe`,
		`C:\Users\ann\AppData\Local\Chromium\Application\chrome.exe`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("candidates\n%q\nwant\n%q", got, want)
	}
}

// Darwin's candidates are macOS paths on any OS the test runs on.
func TestCandidatesDarwin(t *testing.T) {
	f := Finder{GOOS: "darwin", Getenv: env(map[string]string{"HOME": "/Users/ann"})}
	got := paths(f.Candidates())
	want := []string{
		"/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
		"/Users/ann/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
		"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
		"/Users/ann/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
		"/Applications/Chromium.app/Contents/MacOS/Chromium",
		"/Users/ann/Applications/Chromium.app/Contents/MacOS/Chromium",
	}
	if !slices.Equal(got, want) {
		t.Errorf("candidates\n%q\nwant\n%q", got, want)
	}
	f.Getenv = env(nil) // no HOME: /Applications only
	if got := paths(f.Candidates()); len(got) != 3 || got[2] != want[4] {
		t.Errorf("without HOME: %q", got)
	}
}

func TestFindLinux(t *testing.T) {
	onPath := map[string]string{"chromium": "/usr/bin/chromium"}
	f := Finder{
		GOOS:   "linux",
		Getenv: env(nil),
		LookPath: func(name string) (string, error) {
			if p, ok := onPath[name]; ok {
				return p, nil
			}
			return "", errors.New("not found")
		},
		Exists: func(p string) bool { return p == "/usr/bin/chromium" || p == "/opt/google/chrome/chrome" },
	}
	got, err := f.Find()
	if err != nil || got.Name != "Google Chrome" || got.Path != "/opt/google/chrome/chrome" || got.From != "install path" {
		t.Errorf("Find = %+v, %v; want Chrome's install path before Chromium", got, err)
	}
	onPath["microsoft-edge-stable"] = "/usr/bin/microsoft-edge-stable"
	f.Exists = func(p string) bool { return p == "/usr/bin/microsoft-edge-stable" || p == "/usr/bin/chromium" }
	if got, _ := f.Find(); got.Name != "Microsoft Edge" || got.From != "PATH" {
		t.Errorf("Find = %+v; want Edge from PATH", got)
	}
	f.Exists = func(string) bool { return false }
	if _, err := f.Find(); !errors.Is(err, ErrNotFound) {
		t.Errorf("nothing installed: %v", err)
	}
}

package browser

import (
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// hostPAC is an absolute PAC file path on this OS, and hostPACURL its URL.
var hostPAC, hostPACURL = func() (string, string) {
	if runtime.GOOS == "windows" {
		return `C:\ProgramData\Proxy Settings\proxy.pac`, "file:///C:/ProgramData/Proxy%20Settings/proxy.pac"
	}
	return "/etc/proxy settings/proxy.pac", "file:///etc/proxy%20settings/proxy.pac"
}()

func TestHeadlessArgs(t *testing.T) {
	base := HeadlessArgs("/tmp/p", "/tmp/n.json", false, ProxyFlags{}, "http://127.0.0.1:1/t/")
	for _, want := range []string{"--headless", "--user-data-dir=/tmp/p", "--log-net-log=/tmp/n.json", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-gpu"} {
		if !slices.Contains(base, want) {
			t.Errorf("no %s in %q", want, base)
		}
	}
	if base[len(base)-1] != "http://127.0.0.1:1/t/" {
		t.Errorf("the page is not the last argument: %q", base)
	}
	for _, a := range base {
		if a == "--no-sandbox" || strings.Contains(a, "proxy") {
			t.Errorf("%s without root or a forced proxy", a)
		}
	}
	if !slices.Contains(HeadlessArgs("/p", "/n", true, ProxyFlags{}, "u"), "--no-sandbox") {
		t.Error("no --no-sandbox as root")
	}
	for _, tc := range []struct {
		flags ProxyFlags
		arg   string
		desc  string
	}{
		{ProxyFlags{Server: "http://lab:secret@198.18.2.30:3128"}, "--proxy-server=http://198.18.2.30:3128", "forced: --proxy"},
		{ProxyFlags{PAC: "http://198.18.2.80/proxy.pac"}, "--proxy-pac-url=http://198.18.2.80/proxy.pac", "forced: --pac"},
		{ProxyFlags{PAC: hostPAC}, "--proxy-pac-url=" + hostPACURL, "forced: --pac"},
		{ProxyFlags{Direct: true}, "--no-proxy-server", "forced: no proxy"},
		{ProxyFlags{}, "", "the machine's"},
	} {
		args := HeadlessArgs("/p", "/n", false, tc.flags, "u")
		if tc.arg != "" && !slices.Contains(args, tc.arg) {
			t.Errorf("%+v: no %s in %q", tc.flags, tc.arg, args)
		}
		if strings.Contains(strings.Join(args, " "), "secret") {
			t.Errorf("a proxy password reaches the command line: %q", args)
		}
		if !strings.HasPrefix(tc.flags.Describe(), tc.desc) {
			t.Errorf("%+v described as %q", tc.flags, tc.flags.Describe())
		}
	}
}

func TestOpenCommand(t *testing.T) {
	for goos, want := range map[string]string{"windows": "rundll32", "darwin": "open", "linux": "xdg-open", "freebsd": "xdg-open"} {
		got := OpenCommand(goos, "http://127.0.0.1:1/t/")
		if got[0] != want || got[len(got)-1] != "http://127.0.0.1:1/t/" {
			t.Errorf("%s: %q", goos, got)
		}
	}
}

func TestFileURL(t *testing.T) {
	for _, tc := range []struct{ goos, path, want string }{
		{"linux", "/etc/proxy.pac", "file:///etc/proxy.pac"},
		{"darwin", "/Users/ann/My PACs/a#1?.pac", "file:///Users/ann/My%20PACs/a%231%3F.pac"},
		{"linux", `/srv/odd\name.pac`, "file:///srv/odd%5Cname.pac"}, // a backslash is part of a Unix name
		{"windows", `C:\Users\ann\proxy.pac`, "file:///C:/Users/ann/proxy.pac"},
		{"windows", `C:\Program Files\Corp\100% proxy.pac`, "file:///C:/Program%20Files/Corp/100%25%20proxy.pac"},
		{"windows", `D:/pac/proxy.pac`, "file:///D:/pac/proxy.pac"},
		{"windows", `\\fileserver\it\proxy.pac`, "file://fileserver/it/proxy.pac"},
	} {
		if got := fileURL(tc.goos, tc.path); got != tc.want {
			t.Errorf("fileURL(%s, %q) = %q, want %q", tc.goos, tc.path, got, tc.want)
		}
	}
}

// A relative PAC path is made absolute on this OS before it becomes a URL.
func TestPACURLRelative(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	got := pacURL("proxy.pac")
	u, err := url.Parse(got)
	if err != nil || u.Scheme != "file" || u.Host != "" || !strings.HasPrefix(got, "file:///") {
		t.Fatalf("pacURL(proxy.pac) = %q (%v)", got, err)
	}
	p := u.Path
	if runtime.GOOS == "windows" {
		p = filepath.FromSlash(strings.TrimPrefix(p, "/")) // /C:/x: C:\x
	}
	if want := filepath.Join(wd, "proxy.pac"); p != want {
		t.Errorf("pacURL(proxy.pac) = %q: the path %q, want %q", got, p, want)
	}
	if got := pacURL("https://wpad.corp.example/proxy.pac"); got != "https://wpad.corp.example/proxy.pac" {
		t.Errorf("a PAC URL changed: %q", got)
	}
}

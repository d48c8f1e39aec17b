package browser

import (
	"slices"
	"strings"
	"testing"
)

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
		{ProxyFlags{PAC: "/etc/proxy.pac"}, "--proxy-pac-url=file:///etc/proxy.pac", "forced: --pac"},
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

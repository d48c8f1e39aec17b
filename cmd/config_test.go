package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/spf13/pflag"
)

// cliRun is one in-process run of the command line.
type cliRun struct {
	code           int
	stdout, stderr string
}

// runCLI runs Main with an injected environment: vars is the whole
// environment (comparison resolvers are off unless vars says otherwise) and
// dir the only folder searched for okviz-check.yaml.
func runCLI(t *testing.T, dir string, vars map[string]string, args ...string) cliRun {
	t.Helper()
	env := map[string]string{"OKVIZ_CHECK_DNS_COMPARE": "none"}
	for k, v := range vars {
		env[k] = v
	}
	var out, errb bytes.Buffer
	e := &Env{
		Stdin:  strings.NewReader(""),
		Stdout: &out, Stderr: &errb,
		Getenv:     func(k string) string { return env[k] },
		LookupEnv:  func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Now:        func() time.Time { return time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC) },
		GOOS:       runtime.GOOS,
		GOARCH:     runtime.GOARCH,
		ConfigDirs: []string{dir},
	}
	code := Main(context.Background(), args, e, Build{Version: "0.0.0-test"})
	return cliRun{code, out.String(), errb.String()}
}

// hasControl reports a control character other than the newline that ends
// each message line: what must never reach the terminal from bad input.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r != '\n' && unicode.IsControl(r) })
}

func writeFile(t *testing.T, path, data string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestControlCharacterTargets feeds targets with control characters, which a
// test script cannot write, from every source: exit 2, the source named, and
// the character escaped in the message rather than sent to the terminal.
// Probing commands get never..probed after the bad target, so a target that
// were ever accepted still stops the run before the network.
func TestControlCharacterTargets(t *testing.T) {
	bad := []string{
		"api.okviz.com\x00",
		"api\tokviz.com",
		"api.okviz.com\n:443",
		"api.okviz.com\x1b[2J",
		"api.okviz.com\x7f",
		"api.okviz\u009b31m.com",
		"https://api.okviz.com/\x1b]0;pwned\x07",
		"\x1b",
	}
	for _, target := range bad {
		t.Run(strings.ToValidUTF8(target, "?"), func(t *testing.T) {
			dir := t.TempDir()
			cfg := writeFile(t, filepath.Join(dir, "targets.json"), `{"targets": [`+jsonString(target)+`]}`)
			runs := map[string]struct {
				r    cliRun
				from string
			}{
				"argument":    {runCLI(t, dir, nil, "check", target, "never..probed"), "error: argument: "},
				"rules arg":   {runCLI(t, dir, nil, "rules", target), "error: argument: "},
				"environment": {runCLI(t, dir, map[string]string{"OKVIZ_CHECK_TARGETS": target + ",never..probed"}, "check"), "error: environment variable OKVIZ_CHECK_TARGETS: "},
				"config file": {runCLI(t, dir, nil, "rules", "--config", cfg), "error: config file " + cfg + ": key targets: "},
			}
			for name, run := range runs {
				if run.r.code != ExitUsage {
					t.Errorf("%s: exit %d, want %d; stderr:\n%s", name, run.r.code, ExitUsage, run.r.stderr)
				}
				if !strings.HasPrefix(run.r.stderr, run.from) {
					t.Errorf("%s: stderr does not start with %q:\n%s", name, run.from, run.r.stderr)
				}
				if strings.Contains(run.r.stderr, "never..probed") {
					t.Errorf("%s: the bad target was accepted: %s", name, run.r.stderr)
				}
				if hasControl(run.r.stderr) {
					t.Errorf("%s: raw control character in stderr: %q", name, run.r.stderr)
				}
				if run.r.stdout != "" {
					t.Errorf("%s: stdout %q, want nothing", name, run.r.stdout)
				}
			}
		})
	}
}

// jsonString quotes s for JSON; \u escapes keep every control character.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r < 0x20 || r == '"' || r == '\\' || r >= 0x7f && r <= 0x9f {
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&15])
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// TestUnreadableConfig: a config file that exists but cannot be read is a
// usage error naming it, whether given or found. Root reads anything, so
// this runs only as an ordinary user (the scripts cover a directory).
func TestUnreadableConfig(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes do not deny reading on Windows")
	}
	if os.Geteuid() == 0 {
		t.Skip("root can read a file with mode 000")
	}
	dir := t.TempDir()
	p := writeFile(t, filepath.Join(dir, configName), "format: json\n")
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{"given": {"version", "--config", p}, "found": {"version"}} {
		r := runCLI(t, dir, nil, args...)
		want := "error: config file " + p + ": permission denied"
		if r.code != ExitUsage || !strings.HasPrefix(r.stderr, want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", name, r.code, r.stderr, ExitUsage, want)
		}
	}
}

// checkFlags are the flags of the check command as apply sees them: its own
// and the global ones, merged as cobra merges them before running it.
func checkFlags(t testing.TB, env *Env) (fs, global *pflag.FlagSet, a *app) {
	root, a := newRootCmd(env, Build{Version: "0.0.0-test"})
	c, _, err := root.Find([]string{"check"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	return c.Flags(), root.PersistentFlags(), a
}

// TestApplyOrigin: apply fills unset flags from the environment before the
// config file, leaves flags given on the command line alone, and origin
// names the source of each value for later messages.
func TestApplyOrigin(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, filepath.Join(dir, "c.yaml"), "proxy:\n  url: http://198.18.0.9:3128\n  none: false\ntimeout: 3s\nstrict: true\n")
	vars := map[string]string{"OKVIZ_CHECK_TIMEOUT": "2s", "OKVIZ_CHECK_PROXY_NONE": "true"}
	env := &Env{Getenv: func(k string) string { return vars[k] }}
	c, err := loadConfig(env, cfg)
	if err != nil {
		t.Fatal(err)
	}
	fs, global, a := checkFlags(t, env)
	if err := fs.Set("strict", "false"); err != nil {
		t.Fatal(err)
	}
	if err := c.apply(fs, global); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"timeout":  "environment variable OKVIZ_CHECK_TIMEOUT",
		"no-proxy": "environment variable OKVIZ_CHECK_PROXY_NONE",
		"proxy":    "config file " + cfg + ": key proxy.url",
		"strict":   "--strict",
		"pac":      "--pac",
	}
	for flag, from := range want {
		if got := c.origin(flag); got != from {
			t.Errorf("origin(%s) = %q, want %q", flag, got, from)
		}
	}
	if a.global.Timeout != 2*time.Second {
		t.Errorf("timeout %v, want the environment's 2s", a.global.Timeout)
	}
	if v := fs.Lookup("strict").Value.String(); v != "false" {
		t.Errorf("strict = %s, want the command line's false", v)
	}
}

// TestConfigString: only list flags take lists, and only of single values.
func TestConfigString(t *testing.T) {
	cases := []struct {
		raw  any
		list bool
		want string
		err  string
	}{
		{"json", false, "json", ""},
		{true, false, "true", ""},
		{int64(5), false, "5", ""},
		{uint64(1 << 63), false, "9223372036854775808", ""},
		{1.5, false, "1.5", ""},
		{[]any{"json"}, false, "", "want a single value, got a list"},
		{map[string]any{"a": 1}, false, "", "want a single value, got a map"},
		{[]any{"198.18.0.53", int64(53)}, true, "198.18.0.53,53", ""},
		{[]any{}, true, "", ""},
		{[]any{[]any{"198.18.0.53"}}, true, "", "every entry must be a single value, got a list"},
		{[]any{map[string]any{}}, true, "", "every entry must be a single value, got a map"},
		{[]any{nil}, true, "", "every entry must be a single value, got nothing"},
		{time.Time{}, false, "", "want a single value, got"},
	}
	for _, tc := range cases {
		got, err := configString(tc.raw, tc.list)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("configString(%#v, %v) = %q, %v; want error %q", tc.raw, tc.list, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("configString(%#v, %v) = %q, %v; want %q", tc.raw, tc.list, got, err, tc.want)
		}
	}
}

// TestCheckKey explains each kind of unknown key.
func TestCheckKey(t *testing.T) {
	cases := map[string]string{
		"format":           "",
		"proxy.url":        "",
		"targets":          "",
		"proxy":            "key proxy: want a map with the keys none, pac, url",
		"tls":              "key tls: want a map with the keys ca_file, public_roots",
		"format.name":      "key format: want a single value, not a map",
		"proxy.url.http.x": "key proxy.url: want a single value, not a map",
		"targets.api":      "key targets: want a list of strings, not a map",
		"proxy.uurl":       `unknown key "proxy.uurl"`,
		"formt":            `unknown key "formt"`,
		"http.timeout":     `unknown key "http.timeout"`,
	}
	for k, want := range cases {
		err := checkKey(k)
		if got := errString(err); got != want {
			t.Errorf("checkKey(%q) = %q, want %q", k, got, want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestValueChecks covers the validators behind the flags, env vars and
// config keys, including the forms the scripts cannot reach (Windows paths).
func TestValueChecks(t *testing.T) {
	cases := []struct {
		name  string
		check func(string) error
		good  []string
		bad   []string
	}{
		{"proxy", checkProxyURL,
			[]string{"", "http://p:8080", "https://p", "socks5://u:pw@p:1080", "socks5h://[fd00:198:18::1]:1080", "http://p:65535",
				"p:8080", "http=a:80;https=b:443"}, // WinINET's forms
			[]string{"8080", "p:0", "http=a:80;gopher=b:70", "ftp://p:21", "http://:8080", "http://p:0", "http://p:65536", "http://p:", "http://p:http", "http://p q:80"}},
		{"resolver", checkResolver,
			[]string{"198.18.0.53", "fd00:198:18::53", "198.18.0.53:5353", "[fd00:198:18::53]:53"},
			[]string{"resolver.corp", "198.18.0.53:0", "198.18.0.53:65536", "[fd00:198:18::53]:x", "198.18.0.530", ""}},
		{"compare", checkCompare,
			[]string{"none", "198.18.0.53", "https://doh.example/dns-query", "https://[fd00:198:18::53]:8443/q"},
			[]string{"ftp://doh.example", "https://", "https:///q", "https://u:pw@doh.example/q", "https://doh.example:0/q", "NONE"}},
		{"pac source", checkPACSource,
			[]string{"proxy.pac", "./proxy.pac", `C:\corp\proxy.pac`, "C:/corp/proxy.pac", "file:///etc/proxy.pac", "FILE:///x.pac", "http://wpad.corp.example/wpad.dat", "HTTPS://wpad.corp.example:8443/p.pac"},
			[]string{"ftp://files.corp.example/p.pac", "http:///p.pac", "https://:80/p.pac", "http://wpad:99999/p.pac", "gopher://x/"}},
		{"ip", checkIP,
			[]string{"198.18.0.1", "fd00:198:18::1"},
			[]string{"nope", "198.18.0.0/15", "198.18.0.1:80", ""}},
	}
	for _, tc := range cases {
		for _, s := range tc.good {
			if err := tc.check(s); err != nil {
				t.Errorf("%s %q: %v, want accepted", tc.name, s, err)
			}
		}
		for _, s := range tc.bad {
			if err := tc.check(s); err == nil {
				t.Errorf("%s %q: accepted, want an error", tc.name, s)
			}
		}
	}
}

// TestListNone: "none" switches a list off and so stands alone, in one
// value or across repeated flags; a later source replaces the default.
func TestListNone(t *testing.T) {
	cases := []struct {
		sets []string
		want string // "" and err: an error
		err  bool
	}{
		{[]string{"none"}, "none", false},
		{[]string{"198.18.0.53", "198.18.0.54"}, "198.18.0.53,198.18.0.54", false},
		{[]string{"none,198.18.0.53"}, "", true},
		{[]string{"198.18.0.53", "none"}, "", true},
		{[]string{"none", "none"}, "", true},
		{[]string{" , "}, "", false},
	}
	for _, tc := range cases {
		val := []string{"192.0.2.1"} // the default, replaced by the first Set
		l := &listValue{val: &val, check: checkCompare}
		var err error
		for _, s := range tc.sets {
			if err = l.Set(s); err != nil {
				break
			}
		}
		if (err != nil) != tc.err || !tc.err && l.String() != tc.want {
			t.Errorf("Set %q: %q, %v; want %q (error %v)", tc.sets, l.String(), err, tc.want, tc.err)
		}
	}
}

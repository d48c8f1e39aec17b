package rules

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/okviz/okviz-check/proxy"
)

// The platforms' own parsers, run on the rendered output. They need root
// and Debian packages (iptables, nftables, squid-openssl, iproute2): without
// them the tests skip, unless OKVIZ_LAB=required (CI), where they fail.

func labRequired() bool { return os.Getenv("OKVIZ_LAB") == "required" }

// need skips (or, with OKVIZ_LAB=required, fails) when ok is false.
func need(t *testing.T, ok bool, why string) {
	t.Helper()
	if ok {
		return
	}
	if labRequired() {
		t.Fatalf("OKVIZ_LAB=required but %s", why)
	}
	t.Skip(why)
}

func needBinary(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	need(t, err == nil, name+" is not installed")
	return p
}

var netnsSeq atomic.Int64

// netns creates a throwaway network namespace, so the validators see an
// empty ruleset and nothing touches the host's firewall; it is deleted when
// the test ends.
func netns(t *testing.T) string {
	t.Helper()
	need(t, os.Geteuid() == 0, "network namespaces need root")
	needBinary(t, "ip")
	name := fmt.Sprintf("okviz-rules-%d-%d", os.Getpid(), netnsSeq.Add(1))
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		need(t, false, fmt.Sprintf("ip netns add: %v: %s", err, out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "delete", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns delete %s: %v: %s", name, err, out)
		}
	})
	return name
}

// inNetns runs a command inside the namespace and returns its combined output.
func inNetns(ns string, args ...string) (string, error) {
	out, err := exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...).CombinedOutput()
	return string(out), err
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// commentedBlock extracts the lines between "# --- begin NAME ---" and
// "# --- end NAME ---", without their "# " prefix.
func commentedBlock(out, name string) string {
	begin, end := "# --- begin "+name+" ---\n", "# --- end "+name+" ---"
	i := strings.Index(out, begin)
	j := strings.Index(out, end)
	if i < 0 || j < i {
		return ""
	}
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSuffix(out[i+len(begin):j], "\n"), "\n") {
		b.WriteString(strings.TrimPrefix(l, "# ") + "\n")
	}
	return b.String()
}

func TestIPTablesRestore(t *testing.T) {
	needBinary(t, "iptables-restore")
	needBinary(t, "ip6tables-restore")
	ns := netns(t)
	for name, set := range fixtures(t) {
		out := render(t, "iptables", set)
		v4 := writeTemp(t, name+".v4.rules", out)
		if msg, err := inNetns(ns, "iptables-restore", "--test", v4); err != nil {
			t.Errorf("%s: iptables-restore --test: %v\n%s\n%s", name, err, msg, out)
		}
		// Load it for real (the namespace is throwaway) and see the rules.
		if msg, err := inNetns(ns, "iptables-restore", "--noflush", v4); err != nil {
			t.Errorf("%s: iptables-restore --noflush: %v\n%s", name, err, msg)
		}
		got, _ := inNetns(ns, "iptables", "-S", "OUTPUT")
		for _, r := range set.Rules {
			for _, a := range r.IPv4 {
				if !strings.Contains(got, "-d "+a.String()+"/32 ") {
					t.Errorf("%s: loaded ruleset lacks %s:\n%s", name, a, got)
				}
			}
		}
		if v6 := commentedBlock(out, "ip6tables"); v6 != "" {
			p := writeTemp(t, name+".v6.rules", v6)
			if msg, err := inNetns(ns, "ip6tables-restore", "--test", p); err != nil {
				t.Errorf("%s: ip6tables-restore --test: %v\n%s\n%s", name, err, msg, v6)
			}
		} else if hasV6(set) {
			t.Errorf("%s: IPv6 addresses but no ip6tables block", name)
		}
	}
	// The validator itself must be able to say no.
	bad := writeTemp(t, "bad.rules", "*filter\n-I OUTPUT -p tcp -d 203.0.113.10/32 --dport 443 -m nosuchmatch -j ACCEPT\nCOMMIT\n")
	if _, err := inNetns(ns, "iptables-restore", "--test", bad); err == nil {
		t.Error("iptables-restore --test accepted a broken file: the check proves nothing")
	}
}

func TestNFTablesCheck(t *testing.T) {
	needBinary(t, "nft")
	ns := netns(t)
	for name, set := range fixtures(t) {
		out := render(t, "nftables", set)
		p := writeTemp(t, name+".nft", out)
		if msg, err := inNetns(ns, "nft", "-c", "-f", p); err != nil {
			t.Errorf("%s: nft -c -f: %v\n%s\n%s", name, err, msg, out)
		}
		// Loading twice must work: the file replaces its own table.
		for i := 0; i < 2; i++ {
			if msg, err := inNetns(ns, "nft", "-f", p); err != nil {
				t.Errorf("%s: nft -f (load %d): %v\n%s", name, i+1, err, msg)
			}
		}
		got, _ := inNetns(ns, "nft", "list", "table", "inet", "okviz_check")
		for _, r := range set.Rules {
			for _, a := range r.Addrs() {
				if !strings.Contains(got, a.String()) {
					t.Errorf("%s: loaded table lacks %s:\n%s", name, a, got)
				}
			}
		}
	}
	bad := writeTemp(t, "bad.nft", "table inet x {\n\tchain c {\n\t\tip daddr @missing accept\n\t}\n}\n")
	if _, err := inNetns(ns, "nft", "-c", "-f", bad); err == nil {
		t.Error("nft -c accepted a broken file: the check proves nothing")
	}
}

func hasV6(s Set) bool {
	for _, r := range s.Rules {
		if len(r.IPv6) > 0 {
			return true
		}
	}
	return false
}

// squidParse runs squid -k parse on a minimal squid.conf that includes the
// fragment, as an admin would.
func squidParse(t *testing.T, squid, fragment string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	frag := filepath.Join(dir, "okviz-check.conf")
	if err := os.WriteFile(frag, []byte(fragment), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "squid.conf")
	main := "http_port 127.0.0.1:3128\ninclude " + frag + "\nhttp_access deny all\n"
	if err := os.WriteFile(conf, []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(squid, "-k", "parse", "-f", conf).CombinedOutput()
	return string(out), err
}

func TestSquidParse(t *testing.T) {
	squid := needBinary(t, "squid")
	ver, _ := exec.Command(squid, "-v").CombinedOutput()
	need(t, bytes.Contains(ver, []byte("--with-openssl")), "squid is not an OpenSSL build (install squid-openssl): ssl_bump cannot be checked")
	for name, set := range fixtures(t) {
		out := render(t, "squid", set)
		msg, err := squidParse(t, squid, out)
		if err != nil || regexp.MustCompile(`(?m)(FATAL|ERROR|WARNING)`).MatchString(msg) {
			t.Errorf("%s: squid -k parse: %v\n%s\n%s", name, err, msg, out)
		}
	}
	if _, err := squidParse(t, squid, "acl okviz_check_443 dstdomain api.okviz.com\nhttp_access allow okviz_check_nosuchacl\n"); err == nil {
		t.Error("squid -k parse accepted a broken fragment: the check proves nothing")
	}
}

// TestPACWithProjectEngine evaluates the PAC output with the project's own
// PAC engine: each host goes DIRECT, look-alikes go to the proxy.
func TestPACWithProjectEngine(t *testing.T) {
	noDNS := proxy.EvalEnv{Resolve: func(context.Context, string) ([]net.IP, error) {
		return nil, errors.New("the PAC file must not need DNS")
	}}
	const other = "PROXY proxy.example.com:8080; DIRECT"
	for name, set := range fixtures(t) {
		pac, err := proxy.ParsePAC([]byte(render(t, "pac", set)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := map[string]string{
			"https://API.OKVIZ.COM/v1/license": "DIRECT",
			"https://api.okviz.com./":          "DIRECT",
			"https://x.api.okviz.com/":         other,
			"https://evil-api.okviz.com/":      other,
			"https://okviz.com/":               other,
			"https://api.okviz.com.evil.net/":  other,
			"http://example.org/":              other,
		}
		for _, r := range set.Rules {
			want[fmt.Sprintf("https://%s/", hostForURL(r.Host))] = "DIRECT"
		}
		for u, res := range want {
			ev, err := pac.FindProxy(context.Background(), u, noDNS)
			if err != nil {
				t.Errorf("%s: %s: %v", name, u, err)
				continue
			}
			if ev.Result != res {
				t.Errorf("%s: FindProxyForURL(%s) = %q, want %q", name, u, ev.Result, res)
			}
		}
	}
}

func hostForURL(h string) string {
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

package rules

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/lab"
	"github.com/okviz/okviz-check/proxy/pac"
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

// TestIPTablesRestore loads each file twice into a throwaway namespace: the
// second load must replace the tool's chain, not add a second copy, and the
// printed jump command must add the jump only once.
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
		// Load it for real, twice (the namespace is throwaway), and see the rules.
		for i := 0; i < 2; i++ {
			if msg, err := inNetns(ns, "iptables-restore", "--noflush", v4); err != nil {
				t.Errorf("%s: iptables-restore --noflush (load %d): %v\n%s", name, i+1, err, msg)
			}
			jump := regexp.MustCompile(`(?m)^#\s+(iptables -C OUTPUT .*)$`).FindStringSubmatch(out)
			if jump == nil {
				t.Fatalf("%s: no jump command in the header:\n%s", name, out)
			}
			if msg, err := inNetns(ns, "sh", "-c", jump[1]); err != nil {
				t.Errorf("%s: %s: %v\n%s", name, jump[1], err, msg)
			}
		}
		got, _ := inNetns(ns, "iptables", "-S")
		if n := strings.Count(got, "-A OUTPUT -j "+iptChain); n != 1 {
			t.Errorf("%s: %d jumps to %s after two loads, want 1:\n%s", name, n, iptChain, got)
		}
		for _, r := range set.Rules {
			for _, a := range r.IPv4 {
				if n := strings.Count(got, "-A "+iptChain+" -d "+a.String()+"/32 "); n != 1 {
					t.Errorf("%s: %s appears %d times after two loads, want 1:\n%s", name, a, n, got)
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
	// The validator itself must be able to say no, and the copy count must
	// see a file that appends to a built-in chain (the old form) pile up.
	bad := writeTemp(t, "bad.rules", "*filter\n-I OUTPUT -p tcp -d 203.0.113.10/32 --dport 443 -m nosuchmatch -j ACCEPT\nCOMMIT\n")
	if _, err := inNetns(ns, "iptables-restore", "--test", bad); err == nil {
		t.Error("iptables-restore --test accepted a broken file: the check proves nothing")
	}
	ns2 := netns(t)
	old := writeTemp(t, "old.rules", "*filter\n-I OUTPUT -p tcp -d 203.0.113.10/32 --dport 443 -j ACCEPT\nCOMMIT\n")
	for i := 0; i < 2; i++ {
		if msg, err := inNetns(ns2, "iptables-restore", "--noflush", old); err != nil {
			t.Fatalf("old form: %v\n%s", err, msg)
		}
	}
	if got, _ := inNetns(ns2, "iptables", "-S", "OUTPUT"); strings.Count(got, "203.0.113.10/32") != 2 {
		t.Errorf("the copy count cannot tell: a built-in chain loaded twice shows\n%s", got)
	}
}

// adminNFT is an admin's ruleset with a default-drop output chain that
// accepts replies and jumps to the tool's chain, as the nftables output
// tells the admin to write it.
const adminNFT = `table inet filter {
	chain output {
		type filter hook output priority filter; policy drop;
		ct state established,related accept
		oifname "lo" tcp dport 9 accept
		jump okviz_check
	}
}
`

// TestNFTablesCheck checks the nft file with nft -c, loads it twice into a
// namespace whose admin chain drops by default, and connects: a connection
// to a listed address and port gets through, one to another port does not.
func TestNFTablesCheck(t *testing.T) {
	needBinary(t, "nft")
	for name, set := range fixtures(t) {
		ns := netns(t)
		out := render(t, "nftables", set)
		p := writeTemp(t, name+".nft", out)
		if msg, err := inNetns(ns, "nft", "-c", "-f", p); err != nil {
			t.Errorf("%s: nft -c -f: %v\n%s\n%s", name, err, msg, out)
		}
		admin := writeTemp(t, "admin.nft", strings.Replace(adminNFT, "\t\tjump okviz_check\n", "", 1))
		if msg, err := inNetns(ns, "nft", "-f", admin); err != nil {
			t.Fatalf("%s: admin ruleset: %v\n%s", name, err, msg)
		}
		// Loading twice must work and leave one copy.
		for i := 0; i < 2; i++ {
			if msg, err := inNetns(ns, "nft", "-f", p); err != nil {
				t.Errorf("%s: nft -f (load %d): %v\n%s", name, i+1, err, msg)
			}
		}
		if msg, err := inNetns(ns, "nft", "add", "rule", "inet", "filter", "output", "jump", nftChain); err != nil {
			t.Fatalf("%s: jump: %v\n%s", name, err, msg)
		}
		got, _ := inNetns(ns, "nft", "list", "table", "inet", "filter")
		if n := strings.Count(got, "tcp dport "); n != 2*len(set.Groups())+1 {
			t.Errorf("%s: %d port rules after two loads, want %d:\n%s", name, n, 2*len(set.Groups())+1, got)
		}
		for _, r := range set.Rules {
			for _, a := range r.Addrs() {
				if !strings.Contains(got, a.String()) {
					t.Errorf("%s: loaded table lacks %s:\n%s", name, a, got)
				}
			}
		}
		for _, r := range set.Rules {
			if len(r.Addrs()) == 0 {
				continue
			}
			a := r.Addrs()[0]
			// A fresh address can miss the first SYN on a loaded machine: a
			// pass may take a retry, a drop never passes.
			err := nftDial(t, ns, a, r.Port)
			for try := 0; err != nil && try < 2; try++ {
				err = nftDial(t, ns, a, r.Port)
			}
			if err != nil {
				t.Errorf("%s: %s port %d through the default-drop chain: %v", name, a, r.Port, err)
			}
			if err := nftDial(t, ns, a, 5555); err == nil {
				t.Errorf("%s: %s port 5555 got through: the live check proves nothing", name, a)
			}
		}
	}
	// Without the jump, a separate table's accept does not get through the
	// admin's drop: the old form (its own table) fails this same live test.
	ns := netns(t)
	admin := writeTemp(t, "admin.nft", strings.Replace(adminNFT, "\t\tjump okviz_check\n", "", 1))
	sep := writeTemp(t, "sep.nft", "table inet okviz_check {\n\tchain output {\n\t\ttype filter hook output priority filter - 10; policy accept;\n\t\tip daddr 203.0.113.10 tcp dport 443 accept\n\t}\n}\n")
	for _, f := range []string{admin, sep} {
		if msg, err := inNetns(ns, "nft", "-f", f); err != nil {
			t.Fatalf("%v\n%s", err, msg)
		}
	}
	if err := nftDial(t, ns, netip.MustParseAddr("203.0.113.10"), 443); err == nil {
		t.Error("an accept in a separate table got through a default-drop chain: the live check proves nothing")
	}
	bad := writeTemp(t, "bad.nft", "table inet x {\n\tchain c {\n\t\tip daddr @missing accept\n\t}\n}\n")
	if _, err := inNetns(ns, "nft", "-c", "-f", bad); err == nil {
		t.Error("nft -c accepted a broken file: the check proves nothing")
	}
}

// nftDial puts addr on the namespace's loopback, listens on it and connects
// from inside the namespace, with a short deadline (a drop is a timeout).
func nftDial(t *testing.T, ns string, addr netip.Addr, port int) error {
	t.Helper()
	bits := 32
	if addr.Is6() {
		bits = 128
	}
	inNetns(ns, "ip", "link", "set", "lo", "up")
	// "nodad": an IPv6 address must be usable at once.
	args := []string{"ip", "addr", "replace", netip.PrefixFrom(addr, bits).String(), "dev", "lo"}
	if addr.Is6() {
		args = append(args, "nodad")
	}
	if msg, err := inNetns(ns, args...); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, msg)
	}
	hp := net.JoinHostPort(addr.String(), strconv.Itoa(port))
	return (&lab.Netns{Name: ns}).Do(func() error {
		ln, err := net.Listen("tcp", hp)
		if err != nil {
			t.Fatalf("listen %s: %v", hp, err)
		}
		defer ln.Close()
		go func() {
			if c, err := ln.Accept(); err == nil {
				c.Close()
			}
		}()
		c, err := net.DialTimeout("tcp", hp, 700*time.Millisecond)
		if err != nil {
			return err
		}
		return c.Close()
	})
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
	noDNS := pac.EvalEnv{Resolve: func(context.Context, string) ([]net.IP, error) {
		return nil, errors.New("the PAC file must not need DNS")
	}}
	const other = "PROXY proxy.example.com:8080; DIRECT"
	for name, set := range fixtures(t) {
		pac, err := pac.ParsePAC([]byte(render(t, "pac", set)))
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

// suricataTest runs suricata -T (Suricata 7, the engine AWS Network Firewall
// runs) on a rules file with the stock suricata.yaml.
func suricataTest(t *testing.T, rules string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "okviz-check.rules")
	if err := os.WriteFile(p, []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("suricata", "-T", "-c", "/etc/suricata/suricata.yaml", "-S", p, "-l", dir).CombinedOutput()
	return string(out), err
}

// TestSuricataRules checks every Suricata block the formats print, for
// every fixture (with and without --revocation hosts).
func TestSuricataRules(t *testing.T) {
	needBinary(t, "suricata")
	ver, _ := exec.Command("suricata", "-V").CombinedOutput()
	need(t, regexp.MustCompile(`version [7-9]\.`).Match(ver), "suricata is older than 7 (Debian: bookworm-backports): "+strings.TrimSpace(string(ver)))
	_, err := os.Stat("/etc/suricata/suricata.yaml")
	need(t, err == nil, "no /etc/suricata/suricata.yaml")
	for _, format := range []string{"aws-network-firewall"} {
		for name, set := range fixtures(t) {
			block := commentedBlock(render(t, format, set), "suricata")
			if block == "" {
				t.Fatalf("%s/%s: no suricata block", format, name)
			}
			if msg, err := suricataTest(t, block); err != nil || strings.Contains(msg, "E: ") {
				t.Errorf("%s/%s: suricata -T: %v\n%s\n%s", format, name, err, msg, block)
			}
		}
	}
	// What the format printed before: nocase after http.host is an error in
	// Suricata 7.
	old := `pass http $HOME_NET any -> $EXTERNAL_NET 80 (http.host; content:"ocsp.example.com"; startswith; endswith; nocase; msg:"okviz-check"; flow:to_server, established; sid:3000005; rev:1;)` + "\n"
	if _, err := suricataTest(t, old); err == nil {
		t.Error("suricata -T accepted nocase after http.host: the check proves nothing")
	}
}

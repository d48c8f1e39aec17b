package squidlab

import (
	"bufio"
	"flag"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden squid.conf files in testdata/squid")

// TestMD5Crypt checks the hash against vectors made by an independent
// implementation (`openssl passwd -1 -salt SALT PASSWORD`).
func TestMD5Crypt(t *testing.T) {
	tests := []struct{ password, salt, want string }{
		{"secret", "lab00000", "$1$lab00000$gm6LSwP3GHpTJe2ntg6u8/"},
		{"", "abcdefgh", "$1$abcdefgh$M55TzYaaccxVGbptZWaxX/"},
		{"a much longer password than sixteen bytes", "xy", "$1$xy$uSQQR8b.qYEbmdUZ57w90."},
		{"secret", "lab00000-and-more", "$1$lab00000$gm6LSwP3GHpTJe2ntg6u8/"}, // salt cut at 8
	}
	for _, tt := range tests {
		if got := md5Crypt(tt.password, tt.salt); got != tt.want {
			t.Errorf("md5Crypt(%q, %q) = %q, want %q", tt.password, tt.salt, got, tt.want)
		}
	}
}

func TestHtpasswd(t *testing.T) {
	got, err := htpasswd(map[string]string{"zed": "", "alice": "secret"})
	if err != nil {
		t.Fatal(err)
	}
	want := "alice:$1$lab00000$gm6LSwP3GHpTJe2ntg6u8/\nzed:" + md5Crypt("", "lab00001") + "\n"
	if got != want {
		t.Errorf("htpasswd = %q, want %q", got, want)
	}
	if _, err := htpasswd(map[string]string{"a:b": "x"}); err == nil {
		t.Error("a user name with a colon was accepted")
	}
}

// golden configurations: the three kinds of proxy the tests start.
var goldens = []struct {
	file string
	cfg  Config
	p    paths
}{
	{"plain.conf", Config{ConnectPorts: []int{8443}}, paths{dir: "/lab", effective: "proxy"}},
	{"auth.conf", Config{ConnectPorts: []int{8443}, Users: map[string]string{"u": "p"}}, paths{dir: "/lab", ncsaAuth: "/usr/lib/squid/basic_ncsa_auth", effective: "proxy"}},
	{"deny.conf", Config{ConnectPorts: []int{8443}, Deny: []string{".okviz.com", "blocked.lab.test"}}, paths{dir: "/lab", effective: "proxy"}},
}

func TestRenderGolden(t *testing.T) {
	for _, g := range goldens {
		got, err := render(g.cfg, g.p, 3128)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("..", "..", "testdata", "squid", g.file)
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from the rendered config (run with -update after review):\n%s", g.file, got)
		}
	}
	if _, err := render(Config{Deny: []string{"a\nhttp_access allow all"}}, paths{dir: "/lab"}, 1); err == nil {
		t.Error("a newline in a deny entry was accepted")
	}
}

// TestRenderParses has squid itself check the generated configurations
// (squid -k parse); it needs the squid binary but not root.
func TestRenderParses(t *testing.T) {
	bin, err := Binary()
	if err != nil {
		skipOrFail(t, err)
	}
	ncsa, err := NCSAAuth()
	if err != nil {
		skipOrFail(t, err)
	}
	for _, g := range goldens {
		dir := t.TempDir()
		p := g.p
		p.dir = dir
		if p.ncsaAuth != "" {
			p.ncsaAuth = ncsa
		}
		conf, err := render(g.cfg, p, 3128)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, "squid.conf")
		if err := os.WriteFile(file, []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "-k", "parse", "-f", file).CombinedOutput()
		if err != nil || strings.Contains(string(out), "ERROR") || strings.Contains(string(out), "FATAL") {
			t.Errorf("%s: squid -k parse: %v\n%s", g.file, err, out)
		}
	}
}

// TestStart starts an authenticating instance and checks that it answers
// a CONNECT with 407 and its realm, then that cleanup stops it.
func TestStart(t *testing.T) {
	var addr string
	t.Run("run", func(t *testing.T) {
		p := Start(t, Config{Users: map[string]string{"alice": "secret"}, Realm: "lab-realm"})
		addr = p.Addr
		c, err := net.DialTimeout("tcp", p.Addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write([]byte("CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: "CONNECT"})
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 407 || resp.Header.Get("Proxy-Authenticate") != `Basic realm="lab-realm"` {
			t.Errorf("answer %s %q", resp.Status, resp.Header.Values("Proxy-Authenticate"))
		}
	})
	if addr == "" {
		return // skipped
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("squid still listens on %s after cleanup", addr)
	}
}

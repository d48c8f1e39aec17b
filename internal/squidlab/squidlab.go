package squidlab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/proc"
)

// Proxy is a running squid instance.
type Proxy struct {
	// Addr is the listening address, 127.0.0.1:port.
	Addr string
	// Dir holds squid.conf, htpasswd and the logs.
	Dir string

	cmd    *proc.Cmd
	exited chan struct{}
}

// URL is the proxy's http:// URL, with user and password when user is set.
func (p *Proxy) URL(user, password string) *url.URL {
	u := &url.URL{Scheme: "http", Host: p.Addr}
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	return u
}

// Log returns the end of the instance's cache.log and stderr, for failure
// messages.
func (p *Proxy) Log() string {
	var b strings.Builder
	for _, name := range []string{"cache.log", "stderr.log"} {
		data, _ := os.ReadFile(filepath.Join(p.Dir, name))
		if len(data) > 4000 {
			data = data[len(data)-4000:]
		}
		fmt.Fprintf(&b, "--- %s\n%s", name, data)
	}
	return b.String()
}

// ncsaCandidates are where distributions install basic_ncsa_auth: Debian
// and Ubuntu (package squid or squid-openssl), then Fedora/RHEL and others.
var ncsaCandidates = []string{
	"/usr/lib/squid/basic_ncsa_auth",
	"/usr/lib64/squid/basic_ncsa_auth",
	"/usr/libexec/squid/basic_ncsa_auth",
}

// Binary finds the squid executable: on PATH, else in /usr/sbin (not on
// every PATH).
func Binary() (string, error) {
	if p, err := exec.LookPath("squid"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/squid"); err == nil {
		return "/usr/sbin/squid", nil
	}
	return "", errors.New("squid is not installed (Debian package squid)")
}

// NCSAAuth finds squid's basic_ncsa_auth helper.
func NCSAAuth() (string, error) {
	for _, p := range ncsaCandidates {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("basic_ncsa_auth is not installed (Debian package squid)")
}

// Available reports why squid instances cannot be started here, or nil.
func Available() error {
	if runtime.GOOS != "linux" {
		return errors.New("the squid lab runs on Linux only")
	}
	if os.Geteuid() != 0 {
		return errors.New("the squid lab needs root")
	}
	_, err := Binary()
	return err
}

// Required reports whether the environment makes the lab mandatory
// (OKVIZ_LAB=required): then a missing squid fails the test instead of
// skipping it.
func Required() bool { return LabMode() == "required" }

// LabMode is OKVIZ_LAB, the opt-in of the squid lab and the network lab
// (internal/lab): "0" when unset, "1" or "required" to opt in.
func LabMode() string {
	if m := os.Getenv("OKVIZ_LAB"); m != "" {
		return m
	}
	return "0"
}

// OptIn skips t unless OKVIZ_LAB opts in (being root is not enough), and
// fails it for a value that is neither 0, 1 nor required, so a typo does
// not silently skip the lab.
func OptIn(t testing.TB) {
	t.Helper()
	switch m := LabMode(); m {
	case "1", "required":
	case "0":
		t.Skip("the network lab is opt-in: OKVIZ_LAB=1 runs it (as root, on Linux), OKVIZ_LAB=required makes anything missing a failure")
	default:
		t.Fatalf("OKVIZ_LAB=%q: want 0, 1 or required", m)
	}
}

// skipOrFail skips the test for a missing prerequisite, or fails it when
// the lab is required.
func skipOrFail(t testing.TB, err error) {
	t.Helper()
	if Required() {
		t.Fatalf("OKVIZ_LAB=required but: %v", err)
	}
	t.Skipf("skipping: %v", err)
}

// Start starts a squid instance for cfg and stops it when the test ends.
// It skips the test when squid or root is missing (see Required).
func Start(t testing.TB, cfg Config) *Proxy {
	t.Helper()
	return StartAll(t, cfg)[0]
}

// StartAll starts one instance per configuration, concurrently, and stops
// them all together when the test ends: squid takes a second or two both to
// start and to shut down, which would otherwise add up.
func StartAll(t testing.TB, cfgs ...Config) []*Proxy {
	t.Helper()
	OptIn(t)
	if err := Available(); err != nil {
		skipOrFail(t, err)
	}
	var ncsa string
	for _, cfg := range cfgs {
		if len(cfg.Users) > 0 && ncsa == "" {
			var err error
			if ncsa, err = NCSAAuth(); err != nil {
				skipOrFail(t, err)
			}
		}
	}
	for _, cfg := range cfgs {
		if h := cfg.helper(ncsa); len(cfg.Users) > 0 && h != ncsa {
			if _, err := os.Stat(h); err != nil {
				skipOrFail(t, fmt.Errorf("squid's %s helper is not installed (Debian package squid-openssl)", filepath.Base(h)))
			}
		}
	}
	proxies := make([]*Proxy, len(cfgs))
	errs := make([]error, len(cfgs))
	var wg sync.WaitGroup
	for i, cfg := range cfgs {
		wg.Go(func() { proxies[i], errs[i] = startRetry(cfg, ncsa) })
	}
	wg.Wait()
	t.Cleanup(func() {
		var wg sync.WaitGroup
		for _, p := range proxies {
			if p != nil {
				wg.Go(p.stop)
			}
		}
		wg.Wait()
		for _, p := range proxies {
			if p == nil {
				continue
			}
			if t.Failed() {
				t.Logf("squid %s logs:\n%s", p.Addr, p.Log())
			}
			os.RemoveAll(p.Dir)
		}
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("squidlab: %v", err)
	}
	return proxies
}

// startRetry starts one instance. A free port is picked by binding and
// closing; another process may take it before squid binds it, so it tries
// a few times.
func startRetry(cfg Config, ncsa string) (*Proxy, error) {
	var err error
	for range 3 {
		var p *Proxy
		if p, err = start(cfg, ncsa); err == nil {
			return p, nil
		}
	}
	return nil, err
}

// start writes the instance folder and runs squid until its port accepts.
func start(cfg Config, ncsa string) (*Proxy, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	// Not t.TempDir: its parent is private to root, and squid runs as its
	// own user, which must reach the folder.
	dir, err := os.MkdirTemp("", "squidlab-")
	if err != nil {
		return nil, err
	}
	p := &Proxy{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Dir: dir, exited: make(chan struct{})}
	fail := func(err error) (*Proxy, error) {
		os.RemoveAll(dir)
		return nil, err
	}
	owner, name := effectiveUser()
	conf, err := render(cfg, paths{dir: dir, ncsaAuth: ncsa, effective: name}, port)
	if err != nil {
		return fail(err)
	}
	files := map[string]string{"squid.conf": conf}
	if len(cfg.Users) > 0 {
		switch cfg.Scheme {
		case "digest":
			// digest_file_auth reads user:password lines in plain text.
			var b strings.Builder
			for u, pw := range cfg.Users {
				if strings.ContainsAny(u+pw, ":\n\r") {
					return fail(fmt.Errorf("squidlab: unusable digest account %q", u))
				}
				fmt.Fprintf(&b, "%s:%s\n", u, pw)
			}
			files["digest-passwords"] = b.String()
		case "ntlm":
		default:
			if files["htpasswd"], err = htpasswd(cfg.Users); err != nil {
				return fail(err)
			}
		}
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return fail(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return fail(err)
	}
	if owner != nil {
		// squid writes its logs after switching to its own user.
		if err := os.Chown(dir, owner[0], owner[1]); err != nil {
			return fail(err)
		}
	}
	stderr, err := os.Create(filepath.Join(dir, "stderr.log"))
	if err != nil {
		return fail(err)
	}
	defer stderr.Close()
	// -n: a service name of its own, so that concurrent instances do not
	// share shared-memory segments; -N: foreground, no worker processes.
	// proc.Bound: squid and its authentication helpers in a process group
	// of their own, which stop ends whole should squid not exit cleanly.
	p.cmd = proc.Bound(exec.CommandContext(context.Background(), bin, "-N", "-n", fmt.Sprintf("okvizlab%d", port), "-f", filepath.Join(dir, "squid.conf")))
	p.cmd.Dir = dir
	p.cmd.Stdout, p.cmd.Stderr = stderr, stderr
	if err := p.cmd.Start(); err != nil {
		return fail(err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	if err := p.waitReady(30 * time.Second); err != nil {
		logs := p.Log()
		p.stop()
		return fail(fmt.Errorf("%v\n%s", err, logs))
	}
	return p, nil
}

// waitReady waits until squid accepts connections on its port, or exits.
func (p *Proxy) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			return fmt.Errorf("squid exited at startup (%v)", p.cmd.ProcessState)
		default:
		}
		c, err := net.DialTimeout("tcp", p.Addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("squid did not listen on %s within %v", p.Addr, limit)
}

// stop ends squid: SIGTERM (with shutdown_lifetime 0 it exits at once and
// ends its helpers), then SIGKILL to its process group if it lingers; and
// the group once more afterwards, for helpers a squid that died
// (or was killed) left behind. Only this instance's group is signalled.
func (p *Proxy) stop() {
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			_ = p.cmd.KillTree()
			<-p.exited
		}
	}
	_ = p.cmd.KillTree()
}

// effectiveUser picks the user squid switches to: Debian's "proxy", else
// "nobody"; it returns its uid and gid for chown (nil if unknown).
func effectiveUser() ([]int, string) {
	for _, name := range []string{"proxy", "squid", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 == nil && err2 == nil {
			return []int{uid, gid}, name
		}
	}
	return nil, "nobody"
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

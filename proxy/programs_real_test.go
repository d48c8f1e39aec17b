package proxy

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/proc"
	"github.com/okviz/okviz-check/internal/squidlab"
	"github.com/okviz/okviz-check/proxy/discover"
)

// goClientVar makes the test binary a Go client: it fetches the URL in
// the variable with net/http's ProxyFromEnvironment (which reads the
// environment once per process, hence a process per case) and exits.
const goClientVar = "OKVIZ_TEST_GO_CLIENT_URL"

func TestMain(m *testing.M) {
	if u := os.Getenv(goClientVar); u != "" {
		goClient(u)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// goClient is the Go program under test: a default-like Transport whose
// dialer sends every name to loopback, as if the target resolved there.
func goClient(target string) {
	tr := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, port, err := net.SplitHostPort(addr); err == nil && net.ParseIP(host) == nil {
				addr = net.JoinHostPort("127.0.0.1", port)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
	c := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	if resp, err := c.Get(target); err == nil {
		resp.Body.Close()
	}
}

// recorder is a loopback listener that records who came: the proxies
// record the host of each CONNECT or absolute-URI request and answer 403;
// the target records every connection.
type recorder struct {
	ln    net.Listener
	mu    sync.Mutex
	hosts []string
}

func newRecorder(t *testing.T, proxy bool) *recorder {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go r.serve(c, proxy)
		}
	}()
	return r
}

func (r *recorder) serve(c net.Conn, proxy bool) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if !proxy {
		r.add("")
		return
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return
	}
	f := strings.Fields(line)
	if len(f) < 2 {
		return
	}
	host := f[1]
	if u, err := urlHost(host); err == nil {
		host = u
	}
	r.add(host)
	fmt.Fprint(c, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
}

// urlHost is the host:port of an absolute-URI request target, or the
// CONNECT authority itself.
func urlHost(s string) (string, error) {
	if !strings.Contains(s, "://") {
		return s, nil
	}
	u, err := http.NewRequest("GET", s, nil)
	if err != nil {
		return "", err
	}
	return u.URL.Host, nil
}

func (r *recorder) add(h string) {
	r.mu.Lock()
	r.hosts = append(r.hosts, h)
	r.mu.Unlock()
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.hosts = nil
	r.mu.Unlock()
}

// seen counts the visits for hostPort (a proxy) or all visits (the target).
func (r *recorder) seen(hostPort string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, h := range r.hosts {
		if h == "" || strings.EqualFold(h, hostPort) {
			n++
		}
	}
	return n
}

func (r *recorder) port() string { return strconv.Itoa(r.ln.Addr().(*net.TCPAddr).Port) }

// realCase is one environment and target; {P} and {Q} stand for the two
// recording proxies' URLs, {port} for the target's port.
type realCase struct {
	name   string
	env    map[string]string
	target string // host name or IPv4 address; the URL is https://target:port/
	// browser: Chromium runs the case too (it takes seconds per case, so
	// only where its reading of the variables is in question).
	browser bool
}

var realCases = []realCase{
	{"HTTPS_PROXY", map[string]string{"HTTPS_PROXY": "{P}"}, "api.okviz.test", false},
	{"https_proxy", map[string]string{"https_proxy": "{P}"}, "api.okviz.test", false},
	{"both spellings differ", map[string]string{"HTTPS_PROXY": "{Q}", "https_proxy": "{P}"}, "api.okviz.test", true},
	{"empty lower-case name", map[string]string{"HTTPS_PROXY": "{P}", "https_proxy": ""}, "api.okviz.test", true},
	{"HTTP_PROXY only, https target", map[string]string{"HTTP_PROXY": "{P}"}, "api.okviz.test", true},
	{"ALL_PROXY only", map[string]string{"ALL_PROXY": "{P}"}, "api.okviz.test", false},
	{"all_proxy only", map[string]string{"all_proxy": "{P}"}, "api.okviz.test", false},
	{"ALL_PROXY and HTTPS_PROXY", map[string]string{"ALL_PROXY": "{Q}", "HTTPS_PROXY": "{P}"}, "api.okviz.test", true},
	{"no_proxy wins over NO_PROXY", map[string]string{"HTTPS_PROXY": "{P}", "no_proxy": "api.okviz.test", "NO_PROXY": "other.test"}, "api.okviz.test", true},
	{"NO_PROXY wins over no_proxy", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "api.okviz.test", "no_proxy": "other.test"}, "api.okviz.test", true},
	{"empty no_proxy and NO_PROXY", map[string]string{"HTTPS_PROXY": "{P}", "no_proxy": "", "NO_PROXY": "api.okviz.test"}, "api.okviz.test", true},
	{"exact name", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "api.okviz.test"}, "api.okviz.test", false},
	{"upper-case entry", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "API.OKVIZ.TEST"}, "api.okviz.test", false},
	{"entry with the port", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "api.okviz.test:{port}"}, "api.okviz.test", false},
	{"entry with another port", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "api.okviz.test:1"}, "api.okviz.test", true},
	{"plain domain, subdomain", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "okviz.test"}, "api.okviz.test", false},
	{"plain domain, no dot boundary", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "okviz.test"}, "notokviz.test", true},
	{"leading dot, the domain itself", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": ".okviz.test"}, "okviz.test", true},
	{"leading dot, subdomain", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": ".okviz.test"}, "api.okviz.test", false},
	{"leading dot, no dot boundary", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": ".okviz.test"}, "notokviz.test", false},
	{"trailing dot", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "okviz.test."}, "api.okviz.test", false},
	{"wildcard", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "*.okviz.test"}, "api.okviz.test", true},
	{"star alone", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "*"}, "api.okviz.test", false},
	{"star in a list", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "other.test,*"}, "api.okviz.test", false},
	{"blank-separated list", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "api.okviz.test other.test"}, "api.okviz.test", false},
	{"blank-separated, second", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "other.test api.okviz.test"}, "api.okviz.test", true},
	{"spaces after commas", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "other.test, api.okviz.test"}, "api.okviz.test", false},
	{"CIDR matching the address", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "127.0.0.0/8"}, "127.0.0.1", true},
	{"CIDR not matching", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "10.0.0.0/8"}, "127.0.0.1", false},
	{"address entry", map[string]string{"HTTPS_PROXY": "{P}", "NO_PROXY": "127.0.0.1"}, "127.0.0.1", false},
	{"localhost", map[string]string{"HTTPS_PROXY": "{P}"}, "localhost", false},
}

// realProgram runs one real program for a case and returns which
// listener it reached: "target", "P", "Q", or "" for none.
type realProgram struct {
	name    string
	browser bool
	model   func(e discover.Env, t bypassTarget) ClientRoute
	run     func(ctx context.Context, env []string, url, host string) *exec.Cmd
}

// realNeeds skips or, under OKVIZ_LAB=required, fails.
func realNeeds(t *testing.T, msg string) {
	t.Helper()
	if squidlab.Required() {
		t.Fatal(msg + "; OKVIZ_LAB=required")
	}
	t.Skip(msg)
}

// TestClientRoutesRealPrograms runs curl, the machine's python3 with
// requests (each interpreter found, with the rules of its requests
// release), a Go client, Node.js (where it has proxy support) and
// headless Chromium (the browser route on Linux without a desktop proxy
// setting) for every case, with targets whose names resolve to loopback
// and two recording loopback proxies, and compares what each program did
// with what the model predicts. Nothing leaves the machine.
func TestClientRoutesRealPrograms(t *testing.T) {
	squidlab.OptIn(t)
	if runtime.GOOS != "linux" {
		realNeeds(t, "the real-program comparison runs on Linux")
	}
	var programs []realProgram
	if _, err := exec.LookPath("curl"); err != nil {
		realNeeds(t, "curl is not installed (Debian: apt-get install -y curl)")
	}
	rel, version := curlReleaseHere(t)
	programs = append(programs, realProgram{"curl " + version, false, func(e discover.Env, t bypassTarget) ClientRoute { return curlRoute(e, t, rel) },
		func(ctx context.Context, env []string, url, host string) *exec.Cmd {
			port := url[strings.LastIndex(url, ":")+1 : len(url)-1]
			cmd := exec.CommandContext(ctx, "curl", "-sS", "-o", "/dev/null", "--max-time", "5", "--resolve", host+":"+port+":127.0.0.1", url)
			cmd.Env = env
			return cmd
		}})
	pythons := pythonsWithRequests(t)
	if len(pythons) == 0 {
		realNeeds(t, "no python3 with requests (Debian: apt-get install -y python3-requests)")
	}
	for _, py := range pythons {
		legacy := !requestsAtLeast(py.version, 2, 33)
		programs = append(programs, realProgram{fmt.Sprintf("requests %s (%s)", py.version, py.exe), false, func(e discover.Env, t bypassTarget) ClientRoute { return pythonRoute(e, t, legacy) },
			func(ctx context.Context, env []string, url, host string) *exec.Cmd {
				cmd := exec.CommandContext(ctx, py.exe, "-c", pythonClient, url)
				cmd.Env = env
				return cmd
			}})
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	programs = append(programs, realProgram{ProgramGo, false, goRoute, func(ctx context.Context, env []string, url, host string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, self)
		cmd.Env = append(env, goClientVar+"="+url)
		return cmd
	}})
	if node, err := exec.LookPath("node"); err == nil {
		if v, err := exec.Command(node, "--version").Output(); err == nil {
			// Node 22.21 and 24 read the variables with NODE_USE_ENV_PROXY=1; older ones never do.
			legacy := !nodeAtLeast(strings.TrimSpace(string(v)), 22, 21)
			programs = append(programs, realProgram{"Node.js " + strings.TrimSpace(string(v)), false, func(e discover.Env, t bypassTarget) ClientRoute {
				e2 := discover.Env{"NODE_USE_ENV_PROXY": "1"}
				for k, v := range e {
					e2[k] = v
				}
				return nodeRoute(e2, t, legacy)
			}, func(ctx context.Context, env []string, url, host string) *exec.Cmd {
				cmd := exec.CommandContext(ctx, node, "-e", nodeClient, url)
				cmd.Env = append(env, "NODE_USE_ENV_PROXY=1")
				return cmd
			}})
		}
	} else {
		t.Log("node is not installed: Node.js is modelled but not compared here")
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		realNeeds(t, "chromium is not installed (Debian: apt-get install -y chromium)")
	}
	programs = append(programs, realProgram{"Chromium (the browser route)", true, browserModel, func(ctx context.Context, env []string, url, host string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir="+filepath.Join(t.TempDir(), "profile"),
			"--host-resolver-rules=MAP * 127.0.0.1", "--dump-dom", url)
		cmd.Env = env
		return cmd
	}})

	target, p, q := newRecorder(t, false), newRecorder(t, true), newRecorder(t, true)
	home := t.TempDir()
	subst := strings.NewReplacer("{P}", "http://127.0.0.1:"+p.port(), "{Q}", "http://127.0.0.1:"+q.port(), "{port}", target.port())
	for _, prog := range programs {
		t.Run(prog.name, func(t *testing.T) {
			for _, c := range realCases {
				if prog.browser && !c.browser {
					continue
				}
				env := discover.Env{}
				osEnv := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home}
				for k, v := range c.env {
					env[k] = subst.Replace(v)
					osEnv = append(osEnv, k+"="+env[k])
				}
				sort.Strings(osEnv)
				hostPort := net.JoinHostPort(c.target, target.port())
				url := "https://" + hostPort + "/"
				want := prog.model(env, parseBypassTarget(url))
				wantAt := "target"
				switch want.Proxy {
				case "":
				case env["HTTPS_PROXY"], env["https_proxy"], env["ALL_PROXY"], env["all_proxy"], env["HTTP_PROXY"]:
					wantAt = map[string]string{subst.Replace("{P}"): "P", subst.Replace("{Q}"): "Q"}[want.Proxy]
				}
				target.reset()
				p.reset()
				q.reset()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				out, _ := proc.Bound(prog.run(ctx, osEnv, url, c.target)).CombinedOutput()
				cancel()
				var got []string
				if target.seen("") > 0 {
					got = append(got, "target")
				}
				if p.seen(hostPort) > 0 {
					got = append(got, "P")
				}
				if q.seen(hostPort) > 0 {
					got = append(got, "Q")
				}
				if len(got) != 1 || got[0] != wantAt {
					t.Errorf("%s: %v: reached %v, the model says %s (proxy %q, entry %q, %s)\n%s", c.name, c.env, got, wantAt, want.Proxy, want.Bypass, want.Why, tail(out))
				}
			}
		})
	}
}

// browserModel is the browser route for an environment on a Linux
// machine without a desktop proxy setting: Chromium reads the variables.
func browserModel(e discover.Env, t bypassTarget) ClientRoute {
	d := BrowserRoute(envSources(e), "linux")
	r, err := ResolveRoute(context.Background(), d, t.url().String(), RouteEnv{})
	out := ClientRoute{Client: "browser"}
	if err != nil {
		return out
	}
	for _, u := range r.URLs {
		if u == nil {
			continue
		}
		for _, name := range []string{"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "http_proxy", "HTTP_PROXY"} {
			if v, ok := e[name]; ok && strings.TrimSuffix(v, "/") == strings.TrimSuffix(u.String(), "/") {
				out.Proxy = v
			}
		}
	}
	return out
}

func tail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 400 {
		s = "…" + s[len(s)-400:]
	}
	return s
}

// pythonClient fetches argv[1] with requests, every name resolving to
// loopback (requests decides the proxy before any name is resolved).
const pythonClient = `
import socket, sys
import requests
_gai = socket.getaddrinfo
def gai(host, *a, **k):
    try:
        socket.inet_pton(socket.AF_INET, host)
    except (OSError, TypeError):
        host = "127.0.0.1"
    return _gai(host, *a, **k)
socket.getaddrinfo = gai
try:
    requests.get(sys.argv[1], timeout=5)
except Exception as e:
    print(type(e).__name__, e)
`

// nodeClient fetches the URL with https.get, every name resolving to loopback.
const nodeClient = `
const https = require('https');
const req = https.get(process.argv[1], {lookup: (h, o, cb) => o && o.all ? cb(null, [{address: '127.0.0.1', family: 4}]) : cb(null, '127.0.0.1', 4), timeout: 5000}, (res) => { res.resume(); });
req.on('error', (e) => { console.log(e.message); });
req.on('timeout', () => req.destroy());
`

type python struct{ exe, version string }

// pythonsWithRequests finds the python3 on PATH and Debian's
// /usr/bin/python3, each once, that can import requests.
func pythonsWithRequests(t *testing.T) []python {
	var out []python
	seen := map[string]bool{}
	for _, cand := range []string{"python3", "/usr/bin/python3"} {
		b, err := exec.Command(cand, "-c", "import sys, requests; print(sys.executable); print(requests.__version__)").Output()
		if err != nil {
			t.Logf("%s: no requests (%v)", cand, err)
			continue
		}
		f := strings.Fields(string(b))
		if len(f) != 2 {
			continue
		}
		exe, _ := filepath.EvalSymlinks(f[0])
		if exe == "" || seen[exe] {
			continue
		}
		seen[exe] = true
		out = append(out, python{exe, f[1]})
	}
	return out
}

var versionRE = regexp.MustCompile(`(\d+)\.(\d+)`)

// requestsAtLeast compares a "2.34.2" version with major.minor.
func requestsAtLeast(v string, major, minor int) bool {
	m := versionRE.FindStringSubmatch(v)
	if m == nil {
		return false
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	return a > major || a == major && b >= minor
}

// nodeAtLeast compares a "v20.20.2" version with major.minor.
func nodeAtLeast(v string, major, minor int) bool {
	return requestsAtLeast(strings.TrimPrefix(v, "v"), major, minor)
}

// curlReleaseHere tells which of the modelled curl releases is installed.
func curlReleaseHere(t *testing.T) (curlRelease, string) {
	out, err := exec.Command("curl", "--version").Output()
	if err != nil {
		t.Fatalf("curl --version: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) < 2 {
		t.Fatalf("curl --version: %q", out)
	}
	switch v := f[1]; {
	case requestsAtLeast(v, 8, 9):
		return curlCurrent, v
	case requestsAtLeast(v, 7, 86):
		return curl786, v
	default:
		return curlOld, v
	}
}

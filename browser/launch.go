package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/okviz/okviz-check/internal/proc"
)

// ProxyFlags forces the browser's proxy when the user forced the tool's
// (--proxy, --pac, --no-proxy), so both test the same route; all empty
// leaves the browser on the machine's settings.
type ProxyFlags struct {
	Server string // --proxy-server; credentials are removed, Chromium does not take them there
	PAC    string // --proxy-pac-url; a file path becomes a file:// URL
	Direct bool   // --no-proxy-server
}

// Describe says where the browser's proxy settings come from, for the report.
func (p ProxyFlags) Describe() string {
	switch {
	case p.Direct:
		return "forced: no proxy (--no-proxy)"
	case p.Server != "":
		return "forced: --proxy " + p.Server
	case p.PAC != "":
		return "forced: --pac " + p.PAC
	}
	return "the machine's"
}

// args are Chromium's switches for these settings.
func (p ProxyFlags) args() []string {
	switch {
	case p.Direct:
		return []string{"--no-proxy-server"}
	case p.Server != "":
		return []string{"--proxy-server=" + stripUserinfo(p.Server)}
	case p.PAC != "":
		return []string{"--proxy-pac-url=" + pacURL(p.PAC)}
	}
	return nil
}

func stripUserinfo(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	u.User = nil
	return u.String()
}

// pacURL is --pac's value for Chromium: a URL as it is, a file path as
// the file:// URL of its absolute path.
func pacURL(s string) string {
	if i := strings.Index(s, "://"); i > 1 {
		return s
	}
	abs, err := filepath.Abs(s)
	if err != nil {
		abs = s
	}
	return fileURL(runtime.GOOS, abs)
}

// fileURL is the file:// URL of the absolute path abs on goos, whatever
// this OS is, in the forms of RFC 8089 that Chromium writes: on Windows
// file:///C:/dir/x.pac for a drive path (backslashes or slashes) and
// file://server/share/x.pac for a UNC path; elsewhere file:///dir/x.pac,
// where a backslash is part of a name.
func fileURL(goos, abs string) string {
	u := url.URL{Scheme: "file", Path: abs}
	if goos == "windows" {
		p := strings.ReplaceAll(abs, `\`, "/")
		if unc, ok := strings.CutPrefix(p, "//"); ok {
			host, share, _ := strings.Cut(unc, "/")
			u.Host, u.Path = host, "/"+share
		} else {
			u.Path = p
		}
	}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path // C:/x.pac: file:///C:/x.pac
	}
	return u.String()
}

// HeadlessArgs is the command line of a headless run: a fresh profile in
// profileDir, a NetLog (the browser's own account of each request) at
// netLog, none of the browser's own background traffic, and --no-sandbox
// only when noSandbox (root).
func HeadlessArgs(profileDir, netLog string, noSandbox bool, proxy ProxyFlags, pageURL string) []string {
	args := []string{
		"--headless",
		"--user-data-dir=" + profileDir,
		"--no-first-run",
		"--no-default-browser-check",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--disable-default-apps",
		"--disable-domain-reliability",
		"--no-pings",
		"--disable-client-side-phishing-detection",
		"--disable-extensions",
		"--disable-breakpad",
		"--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
		"--disable-gpu",
		"--log-net-log=" + netLog,
	}
	if noSandbox {
		args = append(args, "--no-sandbox")
	}
	args = append(args, proxy.args()...)
	return append(args, pageURL)
}

// OpenCommand is the command that opens url in the default browser.
func OpenCommand(goos, url string) []string {
	switch goos {
	case "windows":
		return []string{"rundll32", "url.dll,FileProtocolHandler", url}
	case "darwin":
		return []string{"open", url}
	}
	return []string{"xdg-open", url}
}

// tail keeps the last bytes written to it: a browser's log for a report.
type tail struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// Headless runs a browser without a window against a Server.
type Headless struct {
	Exe       Executable
	NoSandbox bool
	Proxy     ProxyFlags
	// LoadWithin bounds the browser's start and page load.
	LoadWithin time.Duration
	// Env is the browser's environment; nil inherits this process's (the
	// machine's proxy variables and HOME, whose NSS store Chromium reads
	// on Linux).
	Env []string
	// Logf, when set, is told what the browser does and when (--verbose).
	Logf func(format string, args ...any)
}

func (h Headless) logf(format string, args ...any) {
	if h.Logf != nil {
		h.Logf(format, args...)
	}
}

// Run starts the browser on the server's page, waits for the page's
// result (or the browser's exit, or the deadline), stops the browser and
// reads its NetLog. The throw-away profile is removed afterwards.
func (h Headless) Run(ctx context.Context, srv *Server) (PageResult, map[string]NetLogFacts, error) {
	dir, err := os.MkdirTemp("", "okviz-check-browser-")
	if err != nil {
		return PageResult{}, nil, err
	}
	defer os.RemoveAll(dir)
	profile, netLog := filepath.Join(dir, "profile"), filepath.Join(dir, "netlog.json")
	// Bound: the browser's helpers (zygote, renderers, GPU, utility
	// processes) share its process group (Unix) or job (Windows), so ending
	// it ends them; a helper that escaped and holds the log pipe cannot
	// hold Wait beyond proc.WaitDelay; and a cancelled run ends them all.
	cmd := proc.Bound(exec.CommandContext(ctx, h.Exe.Path, HeadlessArgs(profile, netLog, h.NoSandbox, h.Proxy, srv.URL())...))
	cmd.Env = h.Env
	log := &tail{max: 4096}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		srv.Close()
		return PageResult{}, nil, fmt.Errorf("start %s: %w", h.Exe.Path, err)
	}
	start := time.Now()
	h.logf("started %s (pid %d) headless on the test page", h.Exe.Path, cmd.Process.Pid)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	type waited struct {
		r   PageResult
		err error
	}
	got := make(chan waited, 1)
	go func() {
		r, err := srv.Wait(ctx, h.LoadWithin)
		got <- waited{r, err}
	}()
	var w waited
	var exitErr error
	browserGone := false
	select {
	case w = <-got:
	case exitErr = <-exited:
		browserGone = true
		// A result posted just before the exit may still be on its way.
		select {
		case w = <-got:
		case <-time.After(500 * time.Millisecond):
			srv.Close()
			w = <-got
			if w.err != nil {
				w.err = fmt.Errorf("the browser exited before reporting (%v): %s", exitErr, lastLines(log.String(), 3))
			}
		}
	}
	if browserGone {
		h.logf("the browser exited after %v: %v", time.Since(start).Round(time.Millisecond), exitErr)
		cmd.KillTree() // helpers it may have left behind in its group or job
	} else {
		h.logf("the page reported after %v (%v); stopping the browser", time.Since(start).Round(time.Millisecond), w.err)
		stop(cmd, exited)
		h.logf("the browser stopped after %v", time.Since(start).Round(time.Millisecond))
	}
	facts := map[string]NetLogFacts{}
	if f, err := os.Open(netLog); err == nil {
		facts, _ = NetLogErrors(f, srv.targets)
		f.Close()
	}
	if w.err != nil && errors.Is(w.err, ErrNoPage) {
		w.err = fmt.Errorf("%w within %v: %s", ErrNoPage, h.LoadWithin, lastLines(log.String(), 3))
	}
	return w.r, facts, w.err
}

// stop asks the browser to quit and kills it, helpers included, when it
// does not in time.
func stop(cmd *proc.Cmd, exited <-chan error) {
	terminate(cmd)
	select {
	case <-exited:
		return
	case <-time.After(5 * time.Second):
	}
	cmd.KillTree()
	<-exited
}

// lastLines is the end of a browser's log, for an error message.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return text(strings.Join(lines, " | "))
}

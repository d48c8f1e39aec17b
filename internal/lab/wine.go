package lab

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/proc"
)

// wineTools are what the Wine scenarios need beside the lab's own: Debian's
// wine64 and the mingw-w64 compiler that builds scripts/wine's
// bcryptprimitives.dll stand-in.
var wineTools = []string{"x86_64-w64-mingw32-gcc"}

// wineBinaries are where Debian's wine64 package puts wine64 and
// wineserver when the wine package's /usr/bin wrappers are not installed.
var wineBinaries = []string{"/usr/lib/wine/wine64", "/usr/lib/wine/wineserver"}

// RequireWine skips tb (or fails it when OKVIZ_LAB=required) unless Wine and
// mingw-w64 are installed, so okviz-check's Windows build can run as a
// lab client.
func RequireWine(tb testing.TB) {
	tb.Helper()
	optIn(tb)
	var missing []string
	for _, tool := range wineTools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	for _, p := range wineBinaries {
		if _, err := wineBinary(filepath.Base(p)); err != nil {
			missing = append(missing, filepath.Base(p))
		}
	}
	if len(missing) == 0 {
		return
	}
	Unavailable(tb, fmt.Sprintf("Wine scenarios need %v (Debian: apt-get install -y wine64 gcc-mingw-w64-x86-64-win32)", missing))
}

// wineScript is the path of one of scripts/wine's scripts.
func wineScript(name string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "scripts", "wine", name), nil
}

// WineBase returns a Wine prefix set up for okviz-check (scripts/wine/
// setup.sh): OKVIZ_WINEPREFIX when .ci/run made one for the whole run,
// else a new one in the lab's directory (wineboot takes tens of seconds).
// Wine copies it for each run (see Wine), so it is never used directly.
func (l *Lab) WineBase(ctx context.Context) (string, error) {
	prefix := os.Getenv("OKVIZ_WINEPREFIX")
	if prefix == "" {
		prefix = filepath.Join(l.Dir, "wine-base")
	}
	setup, err := wineScript("setup.sh")
	if err != nil {
		return "", err
	}
	// Idempotent and quick on a prefix that is ready.
	if err := command(ctx, "", setup, prefix); err != nil {
		return "", err
	}
	return prefix, nil
}

// BuildWindowsCLI compiles okviz-check for windows/amd64 into dir and
// returns the path of okviz-check.exe.
func BuildWindowsCLI(ctx context.Context, dir string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	gobin, err := goTool()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "okviz-check.exe")
	cmd := exec.CommandContext(ctx, gobin, "build", "-o", out, ".")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build (windows): %w\n%s", err, b)
	}
	return out, nil
}

// Wine is a Wine prefix of its own for runs in one client namespace: its
// registry is what reg.exe writes there, and its wineserver runs inside the
// namespace. (Wine's server creates the sockets of the programs it serves,
// so a server started elsewhere would put them in the wrong network.)
type Wine struct {
	l      *Lab
	ns     *Netns
	Prefix string
	run    string // scripts/wine/run.sh
}

var winePrefixes atomic.Int64

// NewWine copies base (from WineBase) for programs run in ns and stops
// the copy's wineserver in tb's cleanup, before the lab's namespaces go.
// The copy shares base's files through hard links, except the registry
// files, which Wine rewrites.
func (l *Lab) NewWine(ctx context.Context, tb testing.TB, ns *Netns, base string) (*Wine, error) {
	run, err := wineScript("run.sh")
	if err != nil {
		return nil, err
	}
	prefix := filepath.Join(l.Dir, fmt.Sprintf("wine-%d", winePrefixes.Add(1)))
	if err := command(ctx, "", "cp", "-al", base, prefix); err != nil {
		return nil, err
	}
	for _, reg := range []string{"system.reg", "user.reg", "userdef.reg"} {
		if err := command(ctx, "", "cp", "--remove-destination", filepath.Join(base, reg), filepath.Join(prefix, reg)); err != nil {
			return nil, err
		}
	}
	w := &Wine{l: l, ns: ns, Prefix: prefix, run: run}
	tb.Cleanup(w.stopServer)
	// Start the prefix's server inside the namespace now, detached from
	// any program's output: started by the first program, it would keep
	// that program's stdout and stderr open after the program exits. It
	// leaves by itself ten seconds after its last program, should the
	// test process die before stopServer.
	server, err := wineBinary("wineserver")
	if err != nil {
		return nil, err
	}
	// Wine's own processes (services.exe, plugplay.exe, …) start with the
	// first program and live as long as the server: a program run with nil
	// stdio (/dev/null) starts them, so none holds a later run's output.
	for _, argv := range [][]string{{server, "-p10"}, {run, "reg", "query", "HKCU", "/ve"}} {
		cmd := proc.Bound(exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", ns.Name, "env", "WINEPREFIX=" + prefix}, argv...)...))
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("starting Wine in %s: %s: %w", ns.Name, filepath.Base(argv[0]), err)
		}
	}
	return w, nil
}

// wineBinary finds wine64 or wineserver: on PATH, else where Debian's
// wine64 package puts them.
func wineBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, p := range wineBinaries {
		if filepath.Base(p) == name {
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("%s not found", name)
}

// stopServer kills the prefix's wineserver and the programs it serves, if
// any still run, so nothing keeps the namespace alive.
func (w *Wine) stopServer() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	server, err := wineBinary("wineserver")
	if err != nil {
		return
	}
	cmd := proc.Bound(exec.CommandContext(ctx, server, "-k"))
	cmd.Env = append(os.Environ(), "WINEPREFIX="+w.Prefix)
	cmd.Run() // exits non-zero when no server runs
}

// Run runs a Windows program (okviz-check.exe, reg, …) under Wine inside
// the namespace, with the lab's clean environment.
func (w *Wine) Run(ctx context.Context, argv ...string) Result {
	r := w.l.run(ctx, w.ns, []string{"WINEPREFIX=" + w.Prefix}, "", append([]string{w.run}, argv...))
	r.Argv = argv
	return r
}

// Reg runs `reg ARGS… /f` (add or delete, without asking) and fails
// when reg.exe does.
func (w *Wine) Reg(ctx context.Context, args ...string) error {
	r := w.Run(ctx, append(append([]string{"reg"}, args...), "/f")...)
	if r.ExitCode != 0 {
		return fmt.Errorf("reg %s: exit %d: %s%s", strings.Join(args, " "), r.ExitCode, r.Stdout, r.Stderr)
	}
	return nil
}

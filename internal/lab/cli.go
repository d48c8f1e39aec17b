package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/proc"
)

// ErrNoCLI means the module has no main package yet to build.
var ErrNoCLI = errors.New("no main package at the module root")

// goTool finds the go command: on PATH, else in $GOROOT/bin (go test
// sets GOROOT for the tests it runs).
func goTool() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("go command not found")
}

// ModuleRoot is the directory of okviz-check's go.mod.
func ModuleRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if ok {
		root := filepath.Join(filepath.Dir(file), "..", "..")
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			return filepath.Clean(root), nil
		}
	}
	// Built with -trimpath: ask the go command from the working directory.
	gobin, err := goTool()
	if err != nil {
		return "", err
	}
	out, err := exec.Command(gobin, "env", "GOMOD").Output()
	mod := strings.TrimSpace(string(out))
	if err != nil || mod == "" || mod == os.DevNull {
		return "", errors.New("cannot find the okviz-check module root")
	}
	return filepath.Dir(mod), nil
}

// goBuild compiles pkg (relative to the module root) to out.
func goBuild(ctx context.Context, out, pkg string) error {
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	gobin, err := goTool()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, gobin, "build", "-o", out, pkg)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

// BuildCLI compiles okviz-check from the module root into dir and returns
// the binary's path, or ErrNoCLI when there is no main package yet.
func BuildCLI(ctx context.Context, dir string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(root, "main.go")); err != nil {
		return "", ErrNoCLI
	}
	out := filepath.Join(dir, "okviz-check")
	return out, goBuild(ctx, out, ".")
}

// Result is how a program run inside a namespace ended.
type Result struct {
	Argv     []string
	ExitCode int // -1 when the program did not exit on its own
	Stdout   []byte
	Stderr   []byte
	Duration time.Duration // wall time, including `ip netns exec`
	Err      error         // not started, or killed when ctx ended
}

// String summarises the run for test logs.
func (r Result) String() string {
	return fmt.Sprintf("$ %s\nexit %d after %v (err %v)\nstdout:\n%s\nstderr:\n%s",
		strings.Join(r.Argv, " "), r.ExitCode, r.Duration.Round(time.Millisecond), r.Err, r.Stdout, r.Stderr)
}

// Run runs argv inside ns with a clean environment (no proxy variables,
// an empty home and working directory, NO_COLOR) and returns how it ended.
// When ctx ends first the program is killed.
func (l *Lab) Run(ctx context.Context, ns *Netns, argv ...string) Result {
	return l.RunEnv(ctx, ns, nil, argv...)
}

// RunEnv is Run with extra environment variables ("KEY=value").
func (l *Lab) RunEnv(ctx context.Context, ns *Netns, env []string, argv ...string) Result {
	return l.run(ctx, ns, env, "", argv)
}

// RunStdin is Run with stdin as the program's standard input.
func (l *Lab) RunStdin(ctx context.Context, ns *Netns, stdin string, argv ...string) Result {
	return l.run(ctx, ns, nil, stdin, argv)
}

func (l *Lab) run(ctx context.Context, ns *Netns, env []string, stdin string, argv []string) Result {
	home := filepath.Join(l.Dir, "home")
	cmd := proc.Bound(exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", ns.Name}, argv...)...))
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Dir = filepath.Join(l.Dir, "work")
	cmd.Env = append([]string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"NO_COLOR=1",
		"TERM=dumb",
	}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := Result{Argv: argv, ExitCode: -1, Duration: time.Since(start)}
	r.Stdout, r.Stderr = stdout.Bytes(), stderr.Bytes()
	var exit *exec.ExitError
	switch {
	case err == nil:
		r.ExitCode = 0
	case errors.As(err, &exit) && exit.Exited():
		r.ExitCode = exit.ExitCode()
	default:
		r.Err = err
	}
	if ctx.Err() != nil {
		r.Err = fmt.Errorf("killed: %w", ctx.Err())
	}
	return r
}

// Report is the part of okviz-check's JSON report the lab asserts on.
type Report struct {
	SchemaVersion int                 `json:"schema_version"`
	Status        diag.Status         `json:"status"`
	DurationMS    int64               `json:"duration_ms"`
	Proxy         json.RawMessage     `json:"proxy"`
	Targets       []diag.TargetResult `json:"targets"`
}

// Report decodes stdout as okviz-check's JSON report.
func (r Result) Report() (*Report, error) {
	var rep Report
	dec := json.NewDecoder(bytes.NewReader(r.Stdout))
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("stdout is not a JSON report: %w", err)
	}
	if dec.More() {
		return nil, errors.New("stdout holds more than one JSON value")
	}
	return &rep, nil
}

// FindCheck returns the first check of t with this code, or nil.
func FindCheck(t diag.TargetResult, code diag.Code) *diag.Check {
	for i := range t.Checks {
		if t.Checks[i].Code == code {
			return &t.Checks[i]
		}
	}
	return nil
}

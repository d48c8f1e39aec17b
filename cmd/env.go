package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/mattn/go-isatty"
	"golang.org/x/term"

	"github.com/okviz/okviz-check/diag"
)

// Env is everything a command may take from the outside world.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// StdoutTTY and StderrTTY say whether the streams are terminals
	// (colour is only ever written to a terminal).
	StdoutTTY, StderrTTY bool
	Getenv               func(string) string
	LookupEnv            func(string) (string, bool)
	// ReadPassword asks for a password on the terminal without echo; nil
	// when stdin is not a terminal (then nothing is ever prompted).
	ReadPassword func(prompt string) (string, error)
	// Environ lists the environment (NAME=value), to warn about mistyped
	// OKVIZ_CHECK_* names; nil means no warning.
	Environ      func() []string
	Now          func() time.Time
	GOOS, GOARCH string
	// ConfigDirs are searched in order for okviz-check.yaml when --config is
	// not given: the working folder, the user config folder, the system one.
	ConfigDirs []string
	// ReadHost reads the OS version, elevation and account for the
	// report's context; nil means diag.ReadHost.
	ReadHost func(context.Context) diag.Host
}

// Build identifies the binary.
type Build struct {
	Version, Commit, Date string
}

// System returns the Env of the real process.
func System() *Env {
	env := &Env{
		Stdin:     os.Stdin,
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		StdoutTTY: isTerminal(os.Stdout),
		StderrTTY: isTerminal(os.Stderr),
		Getenv:    os.Getenv,
		LookupEnv: os.LookupEnv,
		Environ:   os.Environ,
		Now:       time.Now,
		GOOS:      runtime.GOOS,
		GOARCH:    runtime.GOARCH,
	}
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		env.ReadPassword = func(prompt string) (string, error) {
			fmt.Fprint(os.Stderr, prompt)
			b, err := term.ReadPassword(fd)
			fmt.Fprintln(os.Stderr)
			return string(b), err
		}
	}
	env.ConfigDirs = append(env.ConfigDirs, ".")
	if d, err := os.UserConfigDir(); err == nil {
		env.ConfigDirs = append(env.ConfigDirs, filepath.Join(d, "okviz-check"))
	}
	if runtime.GOOS == "windows" {
		if pd := os.Getenv("ProgramData"); pd != "" {
			env.ConfigDirs = append(env.ConfigDirs, filepath.Join(pd, "okviz-check"))
		}
	} else {
		env.ConfigDirs = append(env.ConfigDirs, "/etc/okviz-check")
	}
	return env
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

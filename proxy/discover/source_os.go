package discover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/okviz/okviz-check/internal/proc"
)

// maxCommandOutput bounds what a settings command may print; real output
// is a few kilobytes.
const maxCommandOutput = 4 << 20

// NewOSSystem returns the System of the running machine. lookupEnv is the
// caller's view of the environment (cmd passes its injected one), so tests
// and --config runs control what discovery sees.
func NewOSSystem(lookupEnv func(string) (string, bool)) System {
	return System{
		GOOS:      runtime.GOOS,
		LookupEnv: lookupEnv,
		ReadFile:  os.ReadFile,
		ReadDir: func(name string) ([]string, error) {
			entries, err := os.ReadDir(name)
			names := make([]string, 0, len(entries))
			for _, e := range entries {
				names = append(names, e.Name())
			}
			return names, err
		},
		RunCommand:      runCommand,
		Registry:        osRegistry(),
		Hostname:        os.Hostname,
		LookupHost:      net.DefaultResolver.LookupHost,
		DHCPWPAD:        osDHCPWPAD(),
		LiveIE:          osLiveIE(),
		Accounts:        osAccounts(),
		WinHTTPAdvanced: osWinHTTPAdvanced(),
	}
}

// runCommand runs a program and returns its standard output. A program
// that is not installed gives an error matching errNoAccess, so the source
// is reported as absent rather than broken.
func runCommand(ctx context.Context, name string, args ...string) ([]byte, error) {
	if _, err := exec.LookPath(name); err != nil {
		return nil, fmt.Errorf("%s: %w", name, errNoAccess)
	}
	cmd := proc.Bound(exec.CommandContext(ctx, name, args...))
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &stdout, n: maxCommandOutput}
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4096}
	err := cmd.Run()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && msg != "" {
			return stdout.Bytes(), fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, msg)
		}
		return stdout.Bytes(), fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return stdout.Bytes(), nil
}

// limitedWriter keeps the first n bytes and drops the rest, so a runaway
// command cannot exhaust memory.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	total := len(p)
	if l.n <= 0 {
		return total, nil
	}
	if len(p) > l.n {
		p = p[:l.n]
	}
	n, err := l.w.Write(p)
	l.n -= n
	if err != nil {
		return n, err
	}
	return total, nil
}

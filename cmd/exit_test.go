package cmd

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func testEnv(stdout, stderr *bytes.Buffer) *Env {
	return &Env{
		Stdout: stdout, Stderr: stderr,
		Getenv:    func(k string) string { return map[string]string{"OKVIZ_CHECK_DNS_COMPARE": "none"}[k] },
		LookupEnv: func(string) (string, bool) { return "", false },
		Now:       time.Now, GOOS: "linux", GOARCH: "amd64",
	}
}

// TestExitInterrupted: a run cancelled by a signal exits 130 and says so.
func TestExitInterrupted(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close() // accepts nothing: the TLS handshake waits until cancelled
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	var out, errb bytes.Buffer
	code := Main(ctx, []string{"check", "--no-proxy", "--timeout", "30s", ln.Addr().String()}, testEnv(&out, &errb), Build{Version: "t"})
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want %d; stderr: %s", code, ExitInterrupted, errb.String())
	}
	if !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("stderr %q does not say it was interrupted", errb.String())
	}
}

func TestExitCode(t *testing.T) {
	bg := context.Background()
	cancelled, cancel := context.WithCancel(bg)
	cancel()
	tests := []struct {
		ctx  context.Context
		err  error
		want int
	}{
		{bg, nil, ExitOK},
		{bg, errUnreachable, ExitUnreachable},
		{bg, usagef("bad"), ExitUsage},
		{bg, errors.New("disk full"), ExitInternal},
		{cancelled, context.Canceled, ExitInterrupted},
		{cancelled, errUnreachable, ExitInterrupted},
	}
	for _, tt := range tests {
		if got := exitCode(tt.ctx, tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

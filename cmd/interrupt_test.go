package cmd

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/report"
)

// TestDeadlineWritesWhatFinished: when the whole run's deadline ends while
// a TLS handshake hangs, --output and --save get the report of what
// finished, marked interrupted, and the exit status is 130.
func TestDeadlineWritesWhatFinished(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close() // accepts nothing: the kernel completes the connection, TLS waits
	dir := t.TempDir()
	out, save := filepath.Join(dir, "out.md"), filepath.Join(dir, "saved.json")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := Main(ctx, []string{"check", "--no-proxy", "--timeout", "10m", "-o", "markdown", "--output", out, "--save", save, ln.Addr().String()},
		testEnv(&stdout, &stderr), Build{Version: "t"})
	if code != ExitInterrupted {
		md, _ := os.ReadFile(out)
		t.Fatalf("exit %d, want %d; stderr: %s\n%s", code, ExitInterrupted, stderr.String(), md)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout has %q; the report belongs in --output", stdout.String())
	}
	b, err := os.ReadFile(save)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Interrupted || len(rep.Targets) != 1 || rep.Targets[0].Verdict.Code != diag.CodeUnfinished {
		t.Errorf("saved report: interrupted %v, targets %+v", rep.Interrupted, rep.Targets)
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(md, []byte("**Interrupted:**")) {
		t.Errorf("--output Markdown does not say interrupted:\n%s", md)
	}
}

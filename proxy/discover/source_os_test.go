package discover

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/internal/wine"
)

func TestRunCommand(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh on this system")
	}
	ctx := context.Background()
	out, err := runCommand(ctx, "sh", "-c", "printf 'mode manual'")
	if err != nil || string(out) != "mode manual" {
		t.Errorf("got %q, %v", out, err)
	}
	if _, err := runCommand(ctx, "okviz-check-no-such-program"); !errors.Is(err, errNoAccess) || !isNotExist(err) {
		t.Errorf("missing program: %v", err)
	}
	_, err = runCommand(ctx, "sh", "-c", "echo broken >&2; exit 3")
	if err == nil || !strings.Contains(err.Error(), "broken") || isNotExist(err) {
		t.Errorf("failing program: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := runCommand(cancelled, "sh", "-c", "sleep 5"); err == nil {
		t.Error("cancelled command succeeded")
	}
}

func TestLimitedWriter(t *testing.T) {
	var b bytes.Buffer
	w := &limitedWriter{w: &b, n: 5}
	for _, s := range []string{"abc", "defg", "hij"} {
		if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if b.String() != "abcde" {
		t.Errorf("kept %q", b.String())
	}
}

func TestNewOSSystem(t *testing.T) {
	sys := NewOSSystem(func(k string) (string, bool) { return map[string]string{"HTTPS_PROXY": "p:1"}[k], k == "HTTPS_PROXY" })
	if sys.GOOS != runtime.GOOS || sys.getenv("HTTPS_PROXY") != "p:1" || (sys.Registry != nil) != (runtime.GOOS == "windows") {
		t.Errorf("system: %+v", sys)
	}
	dir := wine.TempDir(t)
	if err := os.WriteFile(dir+"/a.json", []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	names, err := sys.ReadDir(dir)
	if err != nil || len(names) != 1 || names[0] != "a.json" {
		t.Errorf("ReadDir = %q, %v", names, err)
	}
	if _, err := sys.ReadDir(dir + "/missing"); !isNotExist(err) {
		t.Errorf("missing dir: %v", err)
	}
}

package cmd

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStartedByDoubleClick(t *testing.T) {
	for _, tt := range []struct {
		args  []string
		procs int
		want  bool
	}{
		{nil, 1, true},                // Explorer opened a console for okviz-check alone
		{nil, 2, false},               // run from cmd.exe or PowerShell: they share the console
		{[]string{"check"}, 1, false}, // a shortcut with arguments means a choice was made
		{nil, 0, false},               // not Windows, or no console at all (a service)
	} {
		if got := StartedByDoubleClick(tt.args, tt.procs); got != tt.want {
			t.Errorf("args %q, %d console processes: %v, want %v", tt.args, tt.procs, got, tt.want)
		}
	}
}

func TestReportFolder(t *testing.T) {
	home := t.TempDir()
	env := func(k string) string {
		if k == "USERPROFILE" {
			return home
		}
		return ""
	}
	if got := reportFolder(env); got != "." {
		t.Errorf("no Desktop: %q, want the current folder", got)
	}
	if err := os.Mkdir(filepath.Join(home, "Desktop"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := reportFolder(env); got != filepath.Join(home, "Desktop") {
		t.Errorf("with a Desktop: %q", got)
	}
}

// TestDoubleClick runs the double-click path end to end against a refused
// loopback target: the text report on screen, both reports saved to the
// Desktop, and a prompt that waits for Enter.
func TestDoubleClick(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target := "https://" + ln.Addr().String() + "/"
	ln.Close()
	home := t.TempDir()
	desktop := filepath.Join(home, "Desktop")
	if err := os.Mkdir(desktop, 0o755); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"USERPROFILE": home, "OKVIZ_CHECK_TARGETS": target, "OKVIZ_CHECK_DNS_COMPARE": "none", "OKVIZ_CHECK_PROXY_NONE": "true"}
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader("\n"), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return vars[k] }, LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		Now: func() time.Time { return time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC) }, GOOS: "linux", GOARCH: "amd64"}
	code := DoubleClick(context.Background(), env, Build{Version: "t"})
	if code != ExitUnreachable {
		t.Fatalf("exit %d, want %d; stderr %s", code, ExitUnreachable, errb.String())
	}
	for _, name := range []string{"okviz-check-20261202-093000.json", "okviz-check-20261202-093000.txt"} {
		b, err := os.ReadFile(filepath.Join(desktop, name))
		if err != nil || !bytes.Contains(b, []byte("tcp.refused")) {
			t.Errorf("%s: %v, %.200q", name, err, b)
		}
	}
	s := out.String()
	if !strings.Contains(s, "FAIL") || !strings.Contains(s, "Saved for support: "+filepath.Join(desktop, "okviz-check-20261202-093000.json")) ||
		!strings.HasSuffix(s, "Press Enter to close this window.") {
		t.Errorf("screen:\n%s", s)
	}
}

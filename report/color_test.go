package report

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
)

func TestUseColor(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	cases := []struct {
		mode     string
		terminal bool
		getenv   func(string) string
		want     bool
	}{
		{ColorAuto, true, env("TERM", "xterm-256color"), true},
		{ColorAuto, false, env("TERM", "xterm-256color"), false}, // a pipe or a file
		{ColorAuto, true, env("TERM", "xterm", "NO_COLOR", "1"), false},
		{ColorAuto, true, env("TERM", "dumb"), false},
		{ColorAuto, true, env(), true}, // Windows consoles set no TERM
		{ColorAlways, false, env("NO_COLOR", "1", "TERM", "dumb"), true},
		{ColorNever, true, env("TERM", "xterm"), false},
	}
	for _, tc := range cases {
		if got := UseColor(tc.mode, tc.terminal, tc.getenv); got != tc.want {
			t.Errorf("UseColor(%q, terminal=%v, NO_COLOR=%q TERM=%q) = %v, want %v",
				tc.mode, tc.terminal, tc.getenv("NO_COLOR"), tc.getenv("TERM"), got, tc.want)
		}
	}
}

// TestNoEscapeToNonTerminal: the text report written to a pipe under
// --color auto carries no escape sequence, even when fatih/color's own
// guess (made from the process's stdout) says colour; --color always still
// colours it, through the same Windows-aware writer.
func TestNoEscapeToNonTerminal(t *testing.T) {
	saved := color.NoColor
	color.NoColor = false
	t.Cleanup(func() { color.NoColor = saved })

	for _, mode := range []string{ColorAuto, ColorAlways} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		terminal := isatty.IsTerminal(w.Fd())
		if terminal {
			t.Fatal("a pipe reads as a terminal")
		}
		opts := Options{Color: UseColor(mode, terminal, func(k string) string {
			return map[string]string{"TERM": "xterm-256color"}[k]
		})}
		done := make(chan string)
		go func() {
			b, _ := io.ReadAll(r)
			done <- string(b)
		}()
		if err := Render(w, fixedReport(), FormatText, opts); err != nil {
			t.Fatal(err)
		}
		w.Close()
		out := <-done
		r.Close()
		if !strings.Contains(out, "Overall:") {
			t.Fatalf("--color %s: no report on the pipe:\n%s", mode, out)
		}
		if has := strings.Contains(out, "\x1b"); has != (mode == ColorAlways) {
			t.Errorf("--color %s to a pipe: escape sequences %v, want %v", mode, has, mode == ColorAlways)
		}
	}
}

package cmd

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/okviz/okviz-check/report"
)

// StartedByDoubleClick says whether okviz-check was started from Explorer:
// no arguments, and no other process shares its console (a console that
// Windows opened for this program alone, and closes when it exits). consoleProcs is
// what winconsole.Processes counts; 0 where the OS has no such thing.
func StartedByDoubleClick(args []string, consoleProcs int) bool {
	return len(args) == 0 && consoleProcs == 1
}

// DoubleClick runs what the user at a broken desk needs when they
// double-click okviz-check.exe: the default check shown as text, the JSON
// and text reports saved to the Desktop (or the current folder) under a
// time-stamped name to send to support, and a prompt that keeps the window
// open until Enter.
func DoubleClick(ctx context.Context, env *Env, build Build) int {
	base := "okviz-check-" + env.Now().Format("20060102-150405")
	dir := reportFolder(env.Getenv)
	jsonPath := filepath.Join(dir, base+".json")
	code := Main(ctx, []string{"check", "--save", jsonPath}, env, build)
	if saved, err := os.ReadFile(jsonPath); err == nil {
		if rep, err := report.Read(bytes.NewReader(saved)); err == nil {
			var text bytes.Buffer
			if report.Render(&text, rep, report.FormatText, report.Options{}) == nil {
				textPath := filepath.Join(dir, base+".txt")
				if os.WriteFile(textPath, text.Bytes(), 0o644) == nil {
					fmt.Fprintf(env.Stdout, "\nSaved for support: %s\n                   %s\n", jsonPath, textPath)
				}
			}
		}
	}
	fmt.Fprint(env.Stdout, "\nPress Enter to close this window.")
	bufio.NewReader(env.Stdin).ReadString('\n')
	return code
}

// reportFolder is the user's Desktop when there is one, else the current
// folder.
func reportFolder(getenv func(string) string) string {
	for _, home := range []string{getenv("USERPROFILE"), getenv("HOME")} {
		if home == "" {
			continue
		}
		d := filepath.Join(home, "Desktop")
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	return "."
}

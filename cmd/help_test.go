package cmd

import (
	"io"
	"strings"
	"testing"
	"time"
)

// TestEveryCommandHasExamples: every subcommand's --help shows examples,
// and each example names a real command with flags that parse.
func TestEveryCommandHasExamples(t *testing.T) {
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" },
		LookupEnv: func(string) (string, bool) { return "", false }, Environ: func() []string { return nil },
		Now: time.Now, GOOS: "linux", GOARCH: "amd64"}
	root, _ := newRootCmd(env, Build{})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	seen := 0
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue // cobra's own, with their own usage text
		}
		seen++
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s --help has no examples", c.Name())
			continue
		}
		for _, line := range strings.Split(c.Example, "\n") {
			line, _, _ = strings.Cut(line, "#")
			line, _, _ = strings.Cut(line, ">")
			args := strings.Fields(line)
			if len(args) == 0 || args[0] != "okviz-check" {
				t.Errorf("%s: example %q does not start with okviz-check", c.Name(), line)
				continue
			}
			found, rest, err := root.Find(args[1:])
			if err != nil {
				t.Errorf("%s: example %q: %v", c.Name(), line, err)
				continue
			}
			if found != c && !(found == root && c.Name() == "check") {
				t.Errorf("%s: example %q runs %s", c.Name(), line, found.Name())
			}
			if err := found.ParseFlags(rest); err != nil {
				t.Errorf("%s: example %q: %v", c.Name(), line, err)
			}
		}
	}
	if seen < 7 {
		t.Errorf("only %d commands found", seen)
	}
}

package cmd

import (
	"bytes"
	"context"
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
		if c.Hidden || c.Name() == "help" {
			continue // cobra's own, with its own usage text
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
			// A shell's completion script is a subcommand of completion.
			if found != c && !(found == root && c.Name() == "check") && found.Parent() != c {
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

// TestRootHelpHasExamples: `okviz-check --help` shows examples too, each
// one a command line that parses, together touring several commands; the
// examples that need no network (rules without --resolve, explain) run
// and succeed, so a renamed format or code cannot linger there.
func TestRootHelpHasExamples(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"--help"}, testEnv(&out, &errb), Build{Version: "t"}); code != ExitOK {
		t.Fatalf("--help exit %d; stderr: %s", code, errb.String())
	}
	help := out.String()
	_, examples, ok := strings.Cut(help, "Examples:\n")
	if !ok {
		t.Fatalf("okviz-check --help has no examples:\n%s", help)
	}
	examples, _, _ = strings.Cut(examples, "\n\n")
	root, _ := newRootCmd(testEnv(&out, &errb), Build{})
	commands := map[string]bool{}
	for _, line := range strings.Split(examples, "\n") {
		line, _, _ = strings.Cut(line, "#")
		args := strings.Fields(line)
		if len(args) == 0 || args[0] != "okviz-check" {
			t.Errorf("example %q does not start with okviz-check", line)
			continue
		}
		found, rest, err := root.Find(args[1:])
		if err != nil {
			t.Errorf("example %q: %v", line, err)
			continue
		}
		if err := found.ParseFlags(rest); err != nil {
			t.Errorf("example %q: %v", line, err)
		}
		commands[found.Name()] = true
		if found.Name() == "rules" || found.Name() == "explain" {
			var o, e bytes.Buffer
			if code := Main(context.Background(), args[1:], testEnv(&o, &e), Build{Version: "t"}); code != ExitOK {
				t.Errorf("example %q exits %d: %s", line, code, e.String())
			}
		}
	}
	if len(commands) < 4 {
		t.Errorf("the examples show %d commands (%v); want a tour of at least 4", len(commands), commands)
	}
}

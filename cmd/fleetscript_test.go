package cmd

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// exitNames are the names the fleet scripts give okviz-check's exit
// statuses.
var exitNames = map[int]string{
	ExitOK:          "ok",
	ExitUnreachable: "finding",
	ExitUsage:       "usage",
	ExitInternal:    "bug",
	ExitInterrupted: "interrupted",
}

// exitConstants reads the Exit* constants of exit.go from its source, so
// that a status added there without a name here (and in the scripts)
// fails this test.
func exitConstants(t *testing.T) map[string]int {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "exit.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range vs.Names {
			if !strings.HasPrefix(name.Name, "Exit") || i >= len(vs.Values) {
				continue
			}
			lit, ok := vs.Values[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.INT {
				t.Fatalf("%s is not an integer literal", name.Name)
			}
			v, err := strconv.Atoi(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			out[name.Name] = v
		}
		return true
	})
	return out
}

// scriptTable reads the "N = 'name'" or "'name' = 'result'" lines between
// "# BEGIN marker" and "# END marker" of a script.
func scriptTable(t *testing.T, script, marker string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	_, rest, ok := strings.Cut(text, "# BEGIN "+marker+"\n")
	body, _, ok2 := strings.Cut(rest, "# END "+marker+"\n")
	if !ok || !ok2 {
		t.Fatalf("%s: no %s block", script, marker)
	}
	entry := regexp.MustCompile(`^\s*'?([a-z0-9]+)'?\s*=\s*'([a-z]+)'\s*$`)
	out := map[string]string{}
	for _, line := range strings.Split(body, "\n") {
		if m := entry.FindStringSubmatch(line); m != nil {
			out[m[1]] = m[2]
		}
	}
	return out
}

// TestFleetScriptExitMap: the detection script's exit-status table is
// exactly cmd/exit.go's statuses, and each maps to the detection result
// the README promises (0 compliant, 1 noncompliant, the others errors).
func TestFleetScriptExitMap(t *testing.T) {
	consts := exitConstants(t)
	if len(consts) != len(exitNames) {
		t.Fatalf("exit.go has %d Exit constants %v; the fleet scripts name %d", len(consts), consts, len(exitNames))
	}
	for name, v := range consts {
		if _, ok := exitNames[v]; !ok {
			t.Errorf("%s = %d has no name in the fleet scripts", name, v)
		}
	}
	script := filepath.Join("..", "scripts", "fleet", "Detect-OkvizCheck.ps1")
	table := scriptTable(t, script, "exit-status-map")
	want := map[string]string{}
	for v, name := range exitNames {
		want[strconv.Itoa(v)] = name
	}
	if !maps.Equal(table, want) {
		t.Errorf("%s: exit-status-map = %v, want %v (cmd/exit.go)", script, table, want)
	}
	detection := scriptTable(t, script, "detection-map")
	wantDetection := map[string]string{"ok": "compliant", "finding": "noncompliant", "usage": "error", "bug": "error", "interrupted": "error"}
	if !maps.Equal(detection, wantDetection) {
		t.Errorf("%s: detection-map = %v, want %v", script, detection, wantDetection)
	}
	// The help text's table lists every status with its result.
	b, _ := os.ReadFile(script)
	for _, v := range slices.Sorted(maps.Keys(exitNames)) {
		row := regexp.MustCompile(`(?m)^\s+` + strconv.Itoa(v) + `\s+` + exitNames[v] + `\b.*\b` + wantDetection[exitNames[v]] + `\b`)
		if !row.Match(b) {
			t.Errorf("%s: the help's table has no row for %d %s → %s", script, v, exitNames[v], wantDetection[exitNames[v]])
		}
	}
}

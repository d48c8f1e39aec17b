package main

import (
	"os"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/diag"
)

const begin, end = "<!-- codes:begin -->\n", "<!-- codes:end -->"

// TestREADMECodeTable keeps the README's problem-code table equal to the
// code table the tool uses; regenerate with `go run ./internal/docgen`.
func TestREADMECodeTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q … %q markers", strings.TrimSpace(begin), end)
	}
	if got, want := s[i+len(begin):j], codeTable(); got != want {
		t.Errorf("README.md problem-code table is stale; replace it with the output of `go run ./internal/docgen`:\n%s", want)
	}
}

// TestSPECCodeTable keeps docs/SPEC.md's problem-code table in step with
// the code table: every code the tool can report is listed under its stage,
// no listed code is unknown to the tool, and a status in brackets is the
// code's usual one. (The SPEC's brackets also carry hand-written nuance, so
// it is checked rather than generated.)
func TestSPECCodeTable(t *testing.T) {
	spec, err := os.ReadFile("../../docs/SPEC.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(spec)
	i := strings.Index(s, "## Problem codes")
	if i < 0 {
		t.Fatal("docs/SPEC.md has no Problem codes section")
	}
	s = s[i:]
	if j := strings.Index(s[3:], "\n## "); j >= 0 {
		s = s[:j+3]
	}
	listed := map[string]string{} // code → "stage status"
	for _, line := range strings.Split(s, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.Contains(cells[2], "`") {
			continue
		}
		stage := strings.TrimSpace(cells[1])
		rest := cells[2]
		for {
			a := strings.Index(rest, "`")
			if a < 0 {
				break
			}
			b := strings.Index(rest[a+1:], "`")
			if b < 0 {
				break
			}
			code := rest[a+1 : a+1+b]
			rest = rest[a+b+2:]
			if !strings.HasPrefix(code, stage+".") && code != "ok" {
				continue // a code named inside another's note
			}
			status := ""
			if after := strings.TrimLeft(rest, " "); strings.HasPrefix(after, "[") {
				status = strings.TrimLeft(after[1:], " ")
				status = status[:strings.IndexAny(status+"]", " ,;:]")]
			}
			if _, dup := listed[code]; !dup {
				listed[code] = stage + " " + status
			}
		}
	}
	for _, c := range diag.Codes() {
		got, ok := listed[c.Code]
		if !ok {
			t.Errorf("docs/SPEC.md does not list %s (stage %s, %s)", c.Code, c.Stage, c.Status)
			continue
		}
		stage, status, _ := strings.Cut(got, " ")
		if stage != c.Stage {
			t.Errorf("docs/SPEC.md lists %s under %s, the tool under %s", c.Code, stage, c.Stage)
		}
		if status != "" && status != string(c.Status) {
			t.Errorf("docs/SPEC.md gives %s the status %s, the tool %s", c.Code, status, c.Status)
		}
		delete(listed, c.Code)
	}
	for code := range listed {
		t.Errorf("docs/SPEC.md lists %s, which the tool does not know", code)
	}
}

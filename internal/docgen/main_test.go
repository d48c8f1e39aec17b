package main

import (
	"os"
	"strings"
	"testing"
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

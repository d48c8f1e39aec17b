// Command docgen prints the README's problem-code table from the code table
// in package diag, so the two never drift apart. Usage:
//
//	go run ./internal/docgen
//
// The test in this folder fails when README.md differs from its output.
package main

import (
	"fmt"
	"strings"

	"github.com/okviz/okviz-check/diag"
)

func main() {
	fmt.Print(codeTable())
}

// codeTable renders every problem code with its status, meaning and fix.
func codeTable() string {
	var b strings.Builder
	b.WriteString("| code | usual status | meaning | what to do, and who |\n|---|---|---|---|\n")
	for _, c := range diag.Codes() {
		fix := c.Remediation
		if fix == "" {
			fix = "—"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.Code, c.Status, cell(c.Meaning), cell(fix))
	}
	return b.String()
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

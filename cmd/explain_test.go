package cmd

import (
	"testing"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/rules"
)

// TestExplainNamesRealFormats: every rule format explain points to exists.
func TestExplainNamesRealFormats(t *testing.T) {
	have := map[string]bool{}
	for _, f := range rules.Formats() {
		have[f.Name] = true
	}
	for _, c := range diag.Codes() {
		e, _ := diag.Explain(c.Code)
		for _, f := range e.Formats {
			if !have[f] {
				t.Errorf("explain %s names the rule format %q, which rules does not have", c.Code, f)
			}
		}
	}
}

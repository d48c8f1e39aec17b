package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/okviz/okviz-check/diag"
)

func newExplainCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "explain [CODE]",
		Short: "What a problem code means, its usual causes, who fixes it, how to verify, which rules help",
		Example: `  okviz-check explain                  # every code, one line each
  okviz-check explain proxy.auth_required
  okviz-check explain tls.intercepted -o json`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var codes []cobra.Completion
			for _, c := range diag.Codes() {
				codes = append(codes, c.Code)
			}
			return codes, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(_ *cobra.Command, args []string) error {
			return runExplain(a, args)
		},
	}
}

// explainJSON is one code in `explain -o json`.
type explainJSON struct {
	Code        diag.Code   `json:"code"`
	Stage       string      `json:"stage"`
	Status      diag.Status `json:"status"`
	Meaning     string      `json:"meaning"`
	Causes      string      `json:"causes"`
	Remediation string      `json:"remediation,omitempty"`
	Verify      string      `json:"verify"`
	Formats     []string    `json:"rule_formats"`
}

// runExplain prints one code in full, or every code in a line each. The
// text comes from diag's code table, as the README's table does.
func runExplain(a *app, args []string) error {
	var list []diag.Explanation
	if len(args) == 1 {
		e, ok := diag.Explain(strings.ToLower(strings.TrimSpace(args[0])))
		if !ok {
			hint := "run 'okviz-check explain' for the list"
			if s := closestCode(args[0]); s != "" {
				hint = "did you mean " + s + "?"
			}
			return usagef("unknown problem code %q: %s", args[0], hint)
		}
		list = append(list, e)
	} else {
		for _, c := range diag.Codes() {
			e, _ := diag.Explain(c.Code)
			list = append(list, e)
		}
	}
	if a.global.Format == "json" {
		out := make([]explainJSON, 0, len(list))
		for _, e := range list {
			out = append(out, explainJSON{Code: e.Code, Stage: e.Stage, Status: e.Status, Meaning: e.Meaning,
				Causes: e.Causes, Remediation: e.Remediation, Verify: e.Verify, Formats: append([]string{}, e.Formats...)})
		}
		enc := json.NewEncoder(a.env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(args) == 0 {
		for _, e := range list {
			if _, err := fmt.Fprintf(a.env.Stdout, "%-26s %-5s %s\n", e.Code, e.Status, e.Meaning); err != nil {
				return err
			}
		}
		return nil
	}
	return writeExplanation(a.env.Stdout, list[0])
}

func writeExplanation(w io.Writer, e diag.Explanation) error {
	fix := e.Remediation
	if fix == "" {
		fix = "nothing: this is a good outcome"
	}
	lines := []string{
		fmt.Sprintf("%s  [%s, stage %s]", e.Code, e.Status, e.Stage),
		"",
		"Means:        " + e.Meaning,
		"Usual causes: " + e.Causes,
		"Who fixes it: " + fix,
		"Verify:       " + e.Verify,
	}
	if len(e.Formats) > 0 {
		lines = append(lines, "Rules:        okviz-check rules --format "+strings.Join(e.Formats, "|"))
	}
	_, err := fmt.Fprintln(w, strings.Join(lines, "\n"))
	return err
}

// closestCode is the known code nearest to s, for a "did you mean".
func closestCode(s string) string {
	known := map[string]bool{}
	for _, c := range diag.Codes() {
		known[c.Code] = true
	}
	return closest(strings.ToLower(s), known)
}

package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/okviz/okviz-check/report"
)

func newReportCmd(a *app) *cobra.Command {
	var strict bool
	c := &cobra.Command{
		Use:   "report FILE...",
		Short: "Render saved JSON reports again, in any --format",
		Long: `Reads reports saved with --format json (from this or another machine) and
renders them as the probing commands do: text, markdown, junit or json. The
exit status is the one the saved run had: 1 when a target was not reachable
(or, with --strict, had a warning), 0 otherwise; 2 for a file that is missing
or not a report.`,
		Example: `  okviz-check report okviz-report.json
  okviz-check report okviz-report.json -o markdown > ticket.md
  okviz-check report before.json after.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return runReport(a, args, strict)
		},
	}
	c.Flags().BoolVar(&strict, "strict", false, "warnings make the exit status 1, as with check --strict")
	c.AddCommand(newReportDiffCmd(a))
	return c
}

func newReportDiffCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "What changed between two saved reports: verdicts, routes, checks, addresses, certificates",
		Long: `Compares two reports saved with --format json, per target and per check:
verdicts and statuses, the route and proxy, each check's code, the addresses
the name resolved to, and the certificate served (durations and wording are
not differences). Exit status as diff(1): 0 no differences, 1 differences,
2 a file that is missing or not a report.`,
		Example: `  okviz-check report diff before.json after.json
  okviz-check report diff before.json after.json -o json`,
		Args: cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			return runReportDiff(a, args[0], args[1])
		},
	}
}

// errDifferent tells Main that the reports differ: exit 1, as diff(1),
// with nothing more to say than the diff printed.
var errDifferent = fmt.Errorf("the reports differ: %w", errUnreachable)

func runReportDiff(a *app, oldName, newName string) error {
	var reps [2]*report.Report
	for i, name := range []string{oldName, newName} {
		rep, err := readReport(name)
		if err != nil {
			return inputf("report diff %s: %v", name, err)
		}
		reps[i] = rep
	}
	changes := report.Diff(reps[0], reps[1])
	var err error
	if a.global.Format == "json" {
		enc := json.NewEncoder(a.env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(struct {
			Changes []report.Change `json:"changes"`
		}{append([]report.Change{}, changes...)})
	} else {
		err = report.WriteDiff(a.env.Stdout, changes)
	}
	if err != nil {
		return err
	}
	if len(changes) > 0 {
		return errDifferent
	}
	return nil
}

// runReport renders each saved report in turn; the exit status is the
// worst of the saved runs'.
func runReport(a *app, files []string, strict bool) error {
	reps := make([]*report.Report, 0, len(files))
	for _, name := range files {
		rep, err := readReport(name)
		if err != nil {
			return inputf("report %s: %v", name, err)
		}
		reps = append(reps, rep)
	}
	var failed error
	for i, rep := range reps {
		if i > 0 && a.global.Format != "json" {
			if _, err := a.env.Stdout.Write([]byte("\n")); err != nil {
				return err
			}
		}
		if err := a.printReport(rep, "report", strict); err != nil {
			if !errors.Is(err, errUnreachable) {
				return err
			}
			failed = err
		}
	}
	return failed
}

func readReport(name string) (*report.Report, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, plainFileError(err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, errors.New("is a folder, not a report file")
	}
	rep, err := report.Read(f)
	if err != nil {
		return nil, err
	}
	rep.Status = report.Overall(rep.Targets) // from the targets, whatever the file claims
	return rep, nil
}

// plainFileError says why a file could not be opened, without Go's words.
func plainFileError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("permission denied (run as a user who can read it)")
	}
	return err
}

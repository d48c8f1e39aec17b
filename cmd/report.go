package cmd

import (
	"errors"
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
	return c
}

// runReport renders each saved report in turn; the exit status is the
// worst of the saved runs'.
func runReport(a *app, files []string, strict bool) error {
	reps := make([]*report.Report, 0, len(files))
	for _, name := range files {
		rep, err := readReport(name)
		if err != nil {
			return usagef("report %s: %v", name, err)
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

package cmd

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Example: "  okviz-check version\n  okviz-check version -o json",
		Short:   "Print version, commit, build date and Go version",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runVersion(a)
		},
	}
}

func runVersion(a *app) error {
	b := a.build
	if a.global.Format == "json" {
		_, err := fmt.Fprintf(a.env.Stdout, "{\"name\":\"okviz-check\",\"version\":%q,\"commit\":%q,\"date\":%q,\"go\":%q}\n",
			b.Version, b.Commit, b.Date, runtime.Version())
		return err
	}
	_, err := fmt.Fprintf(a.env.Stdout, "okviz-check %s (commit %s, built %s, %s %s/%s)\n",
		b.Version, b.Commit, b.Date, runtime.Version(), a.env.GOOS, a.env.GOARCH)
	return err
}

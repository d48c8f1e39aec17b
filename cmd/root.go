package cmd

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/report"
)

// globalOptions are the flags every command has.
type globalOptions struct {
	ConfigFile string
	Format     string
	Color      string
	Timeout    time.Duration
	Quiet      bool
	Verbose    bool

	cfg *config // loaded in the root's PersistentPreRunE
}

// app is one run of the command line: its Env, build facts and the global
// options shared by the subcommands.
type app struct {
	env     *Env
	build   Build
	global  globalOptions
	started bool // past flag parsing: errors from here on are not usage errors unless typed
}

func newRootCmd(env *Env, build Build) (*cobra.Command, *app) {
	a := &app{env: env, build: build}
	check := &checkOptions{}
	root := &cobra.Command{
		Use:   "okviz-check [check] [TARGET...]",
		Short: "Can this machine reach the OKVIZ license service? If not, why, and who must fix what",
		Long: `okviz-check probes DNS, TCP, TLS, proxies and HTTPS from this machine to the
services a Power BI visual needs (by default https://api.okviz.com/), names the
root cause of a failure and who must fix it, and prints whitelist rules.

Without a subcommand it runs the full check.`,
		Args:          cobra.ArbitraryArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       build.Version,
		RunE: func(c *cobra.Command, args []string) error {
			if err := rejectMistypedCommand(c, args); err != nil {
				return err
			}
			return a.runProbe(c.Context(), "check", check, args)
		},
		PersistentPreRunE: func(c *cobra.Command, args []string) error {
			a.started = true
			return a.loadConfig(c)
		},
	}
	root.SuggestionsMinimumDistance = 2
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.SetVersionTemplate("okviz-check {{.Version}}\n")

	pf := root.PersistentFlags()
	pf.StringVar(&a.global.ConfigFile, "config", "", "config file (default: okviz-check.yaml in the working, user config or system folder)")
	addGlobalFlags(pf, &a.global)
	addProbeFlags(root.Flags(), check)
	completeEnums(root)

	root.AddCommand(subcommands(a)...)
	return root, a
}

// loadConfig reads the config file and fills unset flags of the command
// from the environment and the file.
func (a *app) loadConfig(c *cobra.Command) error {
	cfg, err := loadConfig(a.env, a.global.ConfigFile)
	if err != nil {
		return err
	}
	a.global.cfg = cfg
	if err := cfg.apply(c.Flags(), c.Root().PersistentFlags()); err != nil {
		return err
	}
	return validateAll(cfg)
}

// addGlobalFlags defines the flags every command has (but --config, which
// only the command line can give).
func addGlobalFlags(fs *pflag.FlagSet, g *globalOptions) {
	formats := report.FormatNames()
	fs.VarP(newEnum(&g.Format, report.FormatText, formats...), "format", "o", "output format: "+strings.Join(formats, ", "))
	fs.Var(newEnum(&g.Color, "auto", "auto", "always", "never"), "color", "colour: auto, always or never (NO_COLOR and non-terminals mean never)")
	g.Timeout = 5 * time.Second
	fs.Var(timeoutValue{&g.Timeout}, "timeout", "bound of each network operation")
	fs.BoolVarP(&g.Quiet, "quiet", "q", false, "print only the verdict line")
	fs.BoolVarP(&g.Verbose, "verbose", "v", false, "log each connection as it is made (to stderr)")
}

// validateAll checks every setting of the environment and the config file,
// also those this command does not use: a bad value anywhere is a usage
// error, so a typo shows up on the first run of any command.
func validateAll(cfg *config) error {
	fs := pflag.NewFlagSet("all settings", pflag.ContinueOnError)
	addGlobalFlags(fs, &globalOptions{})
	addProbeFlags(fs, &checkOptions{})
	scratch := *cfg
	scratch.origins = map[string]string{}
	if err := scratch.apply(fs, fs); err != nil {
		return err
	}
	targets, from, err := cfg.targets()
	if err != nil {
		return err
	}
	for _, t := range targets {
		if _, err := diag.ParseTarget(t); err != nil {
			return usagef("%s: %v", from, err)
		}
	}
	return nil
}

// defaultTargets are the targets when none is given on the command line,
// with where they came from.
func (a *app) defaultTargets() ([]string, string, error) {
	t, from, err := a.global.cfg.targets()
	if err != nil || len(t) > 0 {
		return t, from, err
	}
	return []string{diag.DefaultTarget}, "default", nil
}

// rejectMistypedCommand turns "okviz-check chek" into a usage error instead
// of a diagnosis of the host "chek".
func rejectMistypedCommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		return usagef("unknown command %q; did you mean %q?", args[0], s[0])
	}
	return nil
}

// ctxOrBackground guards against commands run without ExecuteContext.
func ctxOrBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/proxy/tunnel"
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
	Output     string // --output: the chosen format to this file instead of stdout
	Save       string // --save: the full JSON report to this file as well
	Progress   string // --progress: auto, always or never

	cfg *config // loaded in the root's PersistentPreRunE
}

// app is one run of the command line: its Env, build facts and the global
// options shared by the subcommands.
type app struct {
	env     *Env
	build   Build
	global  globalOptions
	started bool // past flag parsing: errors from here on are not usage errors unless typed
	// prompted holds the --proxy-user password typed at the prompt, so
	// that it is asked once per run.
	prompted *tunnel.Credentials
	// collect, when set (bundle), keeps what the probing run saw beyond
	// the report.
	collect *runCollector
	// flags are the running command's flags, targets and targetsFrom its
	// targets and where they came from: the report's context lists them.
	flags       *pflag.FlagSet
	targets     []string
	targetsFrom string
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
		// The root's examples are a tour: the check a support request starts
		// with, then one line for each thing people come back for.
		Example: `  okviz-check                                  # the full check of https://api.okviz.com/
  okviz-check api.okviz.com files.okviz.com:8443
  okviz-check --proxy http://proxy.corp.example:8080 -v
  okviz-check --save okviz-report.json         # the text on screen, the full JSON report in a file
  okviz-check rules -o windows                 # firewall rules that let the targets through
  okviz-check explain tls.intercepted          # what a problem code means and who fixes it
  okviz-check pac proxy.pac                    # run a PAC file the way the browser does`,
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
			a.flags = c.Flags()
			if !strings.HasPrefix(c.Name(), cobra.ShellCompRequestCmd) {
				a.warnUnknownVariables()
			}
			if lenient(c) {
				a.loadConfigLenient(c)
				return nil
			}
			if err := a.loadConfig(c); err != nil {
				return err
			}
			return a.checkOutputs()
		},
	}
	root.SuggestionsMinimumDistance = 2
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		// "okviz-check rule --format windows": the flag error hides the
		// mistyped command before it; name the command instead.
		if c == c.Root() {
			if mis := rejectMistypedCommand(c, c.Flags().Args()); mis != nil {
				return mis
			}
		}
		return usageError{err}
	})
	root.SetVersionTemplate("okviz-check {{.Version}}\n")

	pf := root.PersistentFlags()
	pf.StringVar(&a.global.ConfigFile, "config", "", "config file (default: okviz-check.yaml in the working, user config or system folder)")
	addGlobalFlags(pf, &a.global)
	addProbeFlags(root.Flags(), check)

	root.AddCommand(subcommands(a)...)
	completeEnums(root)
	strictCompletion(root)
	plainBoolsAll(root)
	return root, a
}

// lenient reports whether c is a command that must run whatever the
// settings say (version, completion, help): a bad OKVIZ_CHECK_TIMEOUT
// meant for the checks must not stop a user reading the version.
func lenient(c *cobra.Command) bool {
	for p := c; p != nil; p = p.Parent() {
		switch p.Name() {
		case "version", "completion", "help", "explain":
			return true
		}
		if strings.HasPrefix(p.Name(), cobra.ShellCompRequestCmd) {
			return true
		}
	}
	return false
}

// loadConfigLenient fills what a lenient command uses (its --format and
// --color) from the environment and config file when they are valid, and
// ignores every other setting and every error.
func (a *app) loadConfigLenient(c *cobra.Command) {
	cfg, err := loadConfig(a.env, a.global.ConfigFile)
	if err != nil {
		cfg, _ = loadConfig(&Env{Getenv: a.env.Getenv}, "")
		if cfg == nil {
			return
		}
	}
	a.global.cfg = cfg
	for _, name := range []string{"format", "color"} {
		f := c.Flags().Lookup(name)
		if f == nil || f.Changed {
			continue
		}
		fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
		saved := f.Value.String()
		fs.AddFlag(f)
		if cfg.apply(fs, fs) != nil {
			_ = f.Value.Set(saved)
		}
	}
}

// strictCompletion makes "completion SHELL" with an unknown shell a usage
// error instead of cobra's help text and exit 0.
func strictCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		var shells []string
		for _, sub := range c.Commands() {
			shells = append(shells, sub.Name())
		}
		// PowerShell first: most admins who run okviz-check are on Windows.
		c.Example = `  okviz-check completion powershell | Out-String | Invoke-Expression   # this PowerShell session
  okviz-check completion powershell >> $PROFILE                        # every new session
  okviz-check completion bash > /etc/bash_completion.d/okviz-check
  okviz-check completion zsh > "${fpath[1]}/_okviz-check"
  okviz-check completion fish > ~/.config/fish/completions/okviz-check.fish`
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return c.Help()
			}
			msg := fmt.Sprintf("completion: okviz-check has no completion script for the shell %q; it has one for %s", args[0], strings.Join(shells, ", "))
			known := map[string]bool{}
			for _, sh := range shells {
				known[sh] = true
			}
			if args[0] == "tcsh" || args[0] == "csh" {
				msg += " (in tcsh, type the commands in full or run bash or zsh for completion)"
			} else if s := closest(strings.ToLower(args[0]), known); s != "" && levenshtein(strings.ToLower(args[0]), s) <= 2 {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			return usageError{errors.New(msg)}
		}
	}
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
	fs.StringVar(&g.Output, "output", "", "write the chosen --format to `FILE` (UTF-8, replaced atomically) instead of stdout")
	fs.StringVar(&g.Save, "save", "", "also write the full JSON report to `FILE` (UTF-8, atomically), whatever --format prints")
	fs.Var(newEnum(&g.Progress, "auto", "auto", "always", "never"), "progress", "live status line on stderr: auto (a terminal, not CI, not -q/-v, after half a second), always or never")
}

// validateAll checks every setting of the environment and the config file,
// also those this command does not use: a bad value anywhere is a usage
// error, so a typo shows up on the first run of any command.
func validateAll(cfg *config) error {
	fs := pflag.NewFlagSet("all settings", pflag.ContinueOnError)
	addGlobalFlags(fs, &globalOptions{})
	addProbeFlags(fs, &checkOptions{})
	plainBools(fs)
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
		if _, err := parseTarget(t); err != nil {
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
	first := args[0]
	if missing, ok := plannedCommands[strings.ToLower(first)]; ok {
		return usagef("%q is not a command of this version of okviz-check (%s); run 'okviz-check --help' for the commands it has", first, missing)
	}
	if isProblemCode(strings.ToLower(first)) {
		return usagef("%q is a problem code, not a target: 'okviz-check explain %s' says what it means and what to do", first, strings.ToLower(first))
	}
	if s := c.SuggestionsFor(first); len(s) > 0 {
		return usagef("unknown command %q; did you mean %q?", first, s[0])
	}
	return nil
}

// isProblemCode reports whether s is one of the problem codes of the
// README (dns.nxdomain), which users paste from a report.
func isProblemCode(s string) bool {
	if !strings.Contains(s, ".") {
		return false
	}
	for _, c := range diag.Codes() {
		if c.Code == s {
			return true
		}
	}
	return false
}

// plannedCommands are command names users expect (from other tools or from
// the issue tracker) that this version does not have: as the first
// argument they are a usage error, not a host to probe.
var plannedCommands = map[string]string{
	"doctor": "the default command, okviz-check [TARGET...], is the full diagnosis",
	"diag":   "the default command, okviz-check [TARGET...], is the full diagnosis",
}

// warnUnknownVariables warns about OKVIZ_CHECK_* variables that mean
// nothing to okviz-check: a mistyped name would otherwise be ignored
// without a word.
func (a *app) warnUnknownVariables() {
	if a.env.Environ == nil {
		return
	}
	known := map[string]bool{"OKVIZ_CHECK_CONFIG": true, "OKVIZ_CHECK_TARGETS": true, proxyPasswordVar: true}
	for _, s := range settings {
		known[s.envName()] = true
	}
	for _, kv := range a.env.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(strings.ToUpper(name), "OKVIZ_CHECK_") || known[name] {
			continue
		}
		msg := fmt.Sprintf("warning: environment variable %s means nothing to okviz-check and is ignored", report.Sanitize(name))
		if s := closest(strings.ToUpper(name), known); s != "" {
			msg += fmt.Sprintf("; did you mean %s?", s)
		}
		fmt.Fprintln(a.env.Stderr, msg)
	}
}

// closest is the known name nearest to name, if it is near enough to be a
// typo of it.
func closest(name string, known map[string]bool) string {
	best, bestD := "", 4
	for k := range known {
		if d := levenshtein(name, k); d < bestD || d == bestD && k < best {
			best, bestD = k, d
		}
	}
	return best
}

// levenshtein is the edit distance between a and b.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// ctxOrBackground guards against commands run without ExecuteContext.
func ctxOrBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

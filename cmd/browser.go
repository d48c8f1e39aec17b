package cmd

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/spf13/cobra"

	"github.com/okviz/okviz-check/browser"
	"github.com/okviz/okviz-check/report"
)

// How long a browser has to load the test page: a headless one starts in
// seconds; a person's default browser may have to start, or the person
// has to paste the URL (--no-open).
const (
	headlessLoadWithin    = 30 * time.Second
	interactiveLoadWithin = 2 * time.Minute
)

// browserOptions are the flags of `okviz-check browser`: the probing flags
// for the tool's own check, and how to ask the browser.
type browserOptions struct {
	checkOptions
	Headless bool
	NoOpen   bool
	Browser  string
}

func newBrowserCmd(a *app) *cobra.Command {
	o := &browserOptions{}
	c := &cobra.Command{
		Use: "browser [TARGET...]",
		Example: `  okviz-check browser                          # opens the default browser on a local test page
  okviz-check browser --headless -o json       # Edge, Chrome or Chromium without a window
  okviz-check browser --no-open                # prints the page's URL to paste into a browser`,
		Short: "Ask the real browser (the default one, or --headless) to reach the targets, and compare with the tool's own verdict",
		Long: `browser serves a one-page test on 127.0.0.1 and opens it in the default
browser (or runs Edge, Chrome or Chromium headless with --headless). The page
fetches each target the way a visual does and reports back; the outcome joins
the full check's report as the browser.fetch check, and where the browser and
the tool disagree the verdict says which to believe and why.`,
		RunE: func(c *cobra.Command, args []string) error {
			return a.runBrowser(c.Context(), o, args)
		},
	}
	addProbeFlags(c.Flags(), &o.checkOptions)
	c.Flags().BoolVar(&o.Headless, "headless", false, "run Edge, Chrome or Chromium headless with a throw-away profile instead of opening the default browser")
	c.Flags().BoolVar(&o.NoOpen, "no-open", false, "print the test page's URL instead of opening it (paste it into the browser to test)")
	c.Flags().StringVar(&o.Browser, "browser", "", "the browser executable to use (with --headless: a Chromium-based one)")
	return c
}

// runBrowser runs the tool's own full check and the browser's test side by
// side, then joins them in one report.
func (a *app) runBrowser(ctx context.Context, o *browserOptions, args []string) error {
	ctx = ctxOrBackground(ctx)
	if o.Headless && o.NoOpen {
		return usagef("--headless and --no-open cannot be combined")
	}
	targets, err := a.parseTargets(args)
	if err != nil {
		return err
	}
	urls := make([]string, len(targets))
	for i, t := range targets {
		if _, err := browser.Origin(t.URL); err != nil {
			return usagef("%v", err)
		}
		urls[i] = t.URL
	}
	if o.Browser != "" {
		if st, err := os.Stat(o.Browser); err != nil || st.IsDir() {
			return usagef("--browser %s: not an executable file", o.Browser)
		}
	}
	if err := a.settleProxyChoice(&o.checkOptions); err != nil {
		return err
	}
	started := a.env.Now()
	srv, err := browser.NewServer(urls, a.global.Timeout)
	if err != nil {
		return fmt.Errorf("test page server: %w", err)
	}
	defer srv.Close()

	type checked struct {
		rep *report.Report
		err error
	}
	tool := make(chan checked, 1)
	go func() {
		rep, err := a.probeReport(ctx, "check", &o.checkOptions, targets)
		tool <- checked{rep, err}
	}()

	run, page, facts := a.askBrowser(ctx, o, srv)
	t := <-tool
	if t.err != nil {
		return t.err
	}
	if t.rep.Interrupted || ctx.Err() != nil {
		// What finished; the browser's answer did not.
		t.rep.Interrupted = true
		return a.printReport(t.rep, "check", o.Strict)
	}
	run.DurationMS = a.env.Now().Sub(started).Milliseconds()
	rep := t.rep
	for i, tr := range rep.Targets {
		rep.Targets[i] = browser.Judge(tr, run, page.Targets[tr.Target], facts[tr.Target], page.Blocked)
	}
	rep.Status = report.Overall(rep.Targets)
	rep.DurationMS = a.env.Now().Sub(started).Milliseconds()
	return a.printReport(rep, "check", o.Strict)
}

// askBrowser shows the page to a browser and returns how it was asked and
// what it said; run.Unavailable says why there is no answer.
func (a *app) askBrowser(ctx context.Context, o *browserOptions, srv *browser.Server) (browser.Run, browser.PageResult, map[string]browser.NetLogFacts) {
	run := browser.Run{ProxySettings: "the machine's (the user's browser settings)"}
	if o.Headless {
		return a.askHeadless(ctx, o, srv)
	}
	run.Mode, run.Browser = "default", "the default browser"
	if o.Browser != "" {
		run.Mode, run.Browser = "given", o.Browser
	}
	switch {
	case o.NoOpen:
		fmt.Fprintf(a.env.Stderr, "Open this address in the browser to test (within %v):\n  %s\n", interactiveLoadWithin, srv.URL())
	default:
		argv := browser.OpenCommand(a.env.GOOS, srv.URL())
		if o.Browser != "" {
			argv = []string{o.Browser, srv.URL()}
		}
		if err := startDetached(argv); err != nil {
			fmt.Fprintf(a.env.Stderr, "warning: cannot open %s: %v\nOpen this address in the browser to test (within %v):\n  %s\n",
				run.Browser, err, interactiveLoadWithin, srv.URL())
		} else {
			fmt.Fprintf(a.env.Stderr, "Opened the test page in %s; waiting for its result.\n", run.Browser)
		}
	}
	page, err := srv.Wait(ctx, interactiveLoadWithin)
	if err != nil {
		run.Unavailable = err.Error()
	}
	run.UserAgent = page.UserAgent
	return run, page, nil
}

// askHeadless runs Edge, Chrome or Chromium headless on the page.
func (a *app) askHeadless(ctx context.Context, o *browserOptions, srv *browser.Server) (browser.Run, browser.PageResult, map[string]browser.NetLogFacts) {
	run := browser.Run{Mode: "headless", ThrowAway: true, NoSandbox: browser.IsRoot()}
	flags := browser.ProxyFlags{Server: o.Proxy, PAC: o.PAC, Direct: o.NoProxy}
	run.ProxySettings = flags.Describe()
	exe := browser.Executable{Name: o.Browser, Path: o.Browser, From: "--browser"}
	if o.Browser == "" {
		f := browser.Finder{GOOS: a.env.GOOS, Getenv: a.env.Getenv, Exists: isFile, LookPath: exec.LookPath, AppPath: browser.AppPath}
		var err error
		if exe, err = f.Find(); err != nil {
			srv.Close()
			run.Unavailable = err.Error() + " (name one with --browser PATH)"
			return run, browser.PageResult{}, nil
		}
	}
	run.Browser = exe.Name + " (" + exe.Path + ")"
	h := browser.Headless{Exe: exe, NoSandbox: run.NoSandbox, Proxy: flags, LoadWithin: headlessLoadWithin}
	if a.global.Verbose {
		h.Logf = func(format string, args ...any) {
			fmt.Fprintf(a.env.Stderr, "%s browser: "+format+"\n", append([]any{a.env.Now().Format("15:04:05.000")}, args...)...)
		}
	}
	page, facts, err := h.Run(ctx, srv)
	if err != nil {
		run.Unavailable = err.Error()
	}
	run.UserAgent = page.UserAgent
	return run, page, facts
}

// startDetached starts a program that hands the page to a browser and
// reaps it in the background.
func startDetached(argv []string) error {
	cmd := exec.Command(argv[0], argv[1:]...)
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

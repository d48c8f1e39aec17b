package cmd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/report"
)

// watchOptions are the flags of watch.
type watchOptions struct {
	Interval       time.Duration
	Count          int
	Duration       time.Duration
	MaxFailureRate float64
}

func newWatchCmd(a *app) *cobra.Command {
	o := &checkOptions{}
	w := &watchOptions{}
	c := &cobra.Command{
		Use:   "watch [TARGET...]",
		Short: "Repeat the full check every --interval and summarize per target and layer: success rate, latency percentiles, failure codes",
		Long: `Runs the full check every --interval, --count times or for --duration (or
until Ctrl-C), each run from scratch: new proxy discovery, a new PAC download,
new DNS queries, new TCP connections and full TLS handshakes (no keep-alive,
no session resumption), so an intermittent fault shows in the run it hits.

Text prints a line per target as each run ends, then per target and layer
(proxy, dns, tcp, tls, http) the runs that succeeded, the latency percentiles
(p50, p95, max) of those runs and each warning or failure code with the runs
and times it was first and last seen. -o json prints the same summary plus
every run's verdicts at the end; -o jsonl prints a line per target per run as
runs end (for log shippers). Ctrl-C ends the watch with the summary so far
(exit 130).

Exit status: 1 when a target failed in more than --max-failure-rate of the
runs (default 0: any failure), 0 otherwise.`,
		Example: `  okviz-check watch --interval 30s --count 20
  okviz-check watch --interval 1m --duration 8h -o json --output overnight.json
  okviz-check watch --interval 10s -o jsonl >> okviz-watch.log       # until Ctrl-C
  okviz-check watch --count 100 --interval 5s --max-failure-rate 0.02`,
		RunE: func(c *cobra.Command, args []string) error {
			if err := w.check(c); err != nil {
				return err
			}
			return a.runWatch(c.Context(), o, w, args)
		},
	}
	addProbeFlags(c.Flags(), o)
	w.Interval = 30 * time.Second
	c.Flags().Var(spanValue{&w.Interval}, "interval", "time from the start of one run to the start of the next (a run that takes longer is followed at once)")
	c.Flags().IntVar(&w.Count, "count", 0, "stop after this many runs")
	c.Flags().Var(spanValue{&w.Duration}, "duration", "stop starting runs after this long (not with --count; neither: until Ctrl-C)")
	c.Flags().Var(rateValue{&w.MaxFailureRate}, "max-failure-rate", "exit 1 when a target fails in more than this share of the runs: 0.05 or 5% (default 0: any failure)")
	return c
}

// check refuses contradictory or senseless limits before anything runs.
func (w *watchOptions) check(c *cobra.Command) error {
	count, duration := c.Flags().Changed("count"), c.Flags().Changed("duration")
	if count && duration {
		return usagef("--count and --duration cannot both be set: watch stops after a number of runs or after a time")
	}
	if count && w.Count < 1 {
		return usagef("--count %d: must be at least 1", w.Count)
	}
	return nil
}

// spanValue is a positive duration of at most a week; a bare number is
// seconds, as for --timeout.
type spanValue struct{ d *time.Duration }

func (s spanValue) String() string {
	if *s.d == 0 {
		return "" // unset: help shows no "(default 0s)"
	}
	return s.d.String()
}
func (s spanValue) Type() string { return "duration" }
func (s spanValue) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		secs, ferr := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if ferr != nil || math.IsNaN(secs) || math.IsInf(secs, 0) || secs > 7*24*3600 {
			return fmt.Errorf("not a duration (use e.g. 30, 30s, 5m, 1h)")
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d <= 0 {
		return fmt.Errorf("must be greater than zero")
	}
	if d > 7*24*time.Hour {
		return fmt.Errorf("must be at most a week (168h)")
	}
	*s.d = d
	return nil
}

// rateValue is a share from 0 to 1, written 0.05 or 5%.
type rateValue struct{ r *float64 }

func (r rateValue) String() string { return strconv.FormatFloat(*r.r, 'f', -1, 64) }
func (r rateValue) Type() string   { return "rate" }
func (r rateValue) Set(v string) error {
	s := strings.TrimSpace(v)
	scale := 1.0
	if strings.HasSuffix(s, "%") {
		s, scale = strings.TrimSpace(strings.TrimSuffix(s, "%")), 100
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("not a rate (use e.g. 0.05 or 5%%)")
	}
	f /= scale
	if f < 0 || f > 1 {
		return fmt.Errorf("must be between 0 and 1 (0%% and 100%%)")
	}
	*r.r = f
	return nil
}

// watchFormats are the formats watch prints.
var watchFormats = []string{report.FormatText, report.FormatJSON, report.FormatJSONL}

// runWatch runs the check until the count, the duration or an interrupt
// ends it, then prints the summary. Every run builds its prober, proxy
// setup and connections anew (probeReport), so nothing a run learned can
// hide a fault from the next.
func (a *app) runWatch(ctx context.Context, o *checkOptions, w *watchOptions, args []string) error {
	ctx = ctxOrBackground(ctx)
	format := a.global.Format
	if !slices.Contains(watchFormats, format) {
		return usagef("watch prints %s, not %s", strings.Join(watchFormats, ", "), format)
	}
	targets, err := a.parseTargets(args)
	if err != nil {
		return err
	}
	doc := &report.Watch{
		SchemaVersion: report.SchemaVersion, Kind: "watch",
		Tool:       report.Tool{Name: "okviz-check", Version: a.build.Version, Commit: a.build.Commit},
		System:     report.System{OS: a.env.GOOS, Arch: a.env.GOARCH},
		StartedAt:  a.env.Now().UTC().Truncate(time.Second),
		IntervalMS: w.Interval.Milliseconds(), MaxFailureRate: w.MaxFailureRate, Strict: o.Strict,
	}
	// Lines stream to stdout as runs end; with --output they are kept for
	// the file, written whole at the end.
	var kept bytes.Buffer
	live := a.env.Stdout
	if a.global.Output != "" {
		live = &kept
	}
	color := a.useColor() && a.global.Output == ""
	start := a.env.Now()
	var runs []report.WatchRun
	for i := 1; w.Count == 0 || i <= w.Count; i++ {
		next := start.Add(time.Duration(i-1) * w.Interval)
		// Runs longer than the interval push the schedule back: the
		// duration bounds the clock as well as the schedule.
		if i > 1 && w.Duration > 0 && (next.Sub(start) >= w.Duration || a.env.Now().Sub(start) >= w.Duration) {
			break
		}
		if !sleepUntil(ctx, a.env.Now, next) {
			break
		}
		runStart := a.env.Now()
		rep, err := a.probeReport(ctx, "check", o, targets)
		if ctx.Err() != nil {
			break // a run cut short would report the interruption as faults
		}
		if err != nil {
			return err
		}
		run := report.WatchRun{Run: i, StartedAt: runStart, Targets: rep.Targets}
		runs = append(runs, run)
		switch {
		case format == report.FormatJSONL:
			err = report.Render(live, rep, report.FormatJSONL, report.Options{})
		case format == report.FormatText && !a.global.Quiet && a.global.Output == "":
			err = report.WriteWatchRunText(live, run, w.Count, color)
		}
		if err != nil {
			return err
		}
	}
	doc.Interrupted = ctx.Err() != nil
	doc.EndedAt = a.env.Now().UTC().Truncate(time.Second)
	doc.Runs = len(runs)
	doc.Targets = report.Summarize(runs, o.Strict)
	for _, r := range runs {
		doc.RunVerdicts = append(doc.RunVerdicts, report.Verdicts(r))
	}
	doc.Status = diag.StatusPass
	if doc.Failing() {
		doc.Status = diag.StatusFail
	}
	if a.global.Save != "" {
		var buf bytes.Buffer
		if err := report.WriteWatchJSON(&buf, doc); err != nil {
			return err
		}
		if err := writeFileAtomic("--save", a.global.Save, buf.Bytes()); err != nil {
			return err
		}
	}
	err = a.emit(func(out io.Writer) error {
		switch format {
		case report.FormatJSON:
			return report.WriteWatchJSON(out, doc)
		case report.FormatJSONL:
			_, err := out.Write(kept.Bytes())
			return err
		}
		return report.WriteWatchText(out, doc, color)
	})
	switch {
	case err != nil:
		return err
	case doc.Interrupted:
		return ctx.Err()
	case doc.Failing():
		return errUnreachable
	}
	return nil
}

// sleepUntil waits until the clock reads t; false when ctx ends first.
func sleepUntil(ctx context.Context, now func() time.Time, t time.Time) bool {
	d := t.Sub(now())
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

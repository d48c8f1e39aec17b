package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/okviz/okviz-check/diag"
)

// WatchLayers are the layers watch summarizes, in the order a connection
// meets them.
var WatchLayers = []string{"proxy", "dns", "tcp", "tls", "http"}

// layerLatencyCheck is the check whose duration is a layer's latency: the
// one step of the layer a connection waits for.
var layerLatencyCheck = map[string][]string{
	"proxy": {diag.CheckProxyConnect, diag.CheckProxyRoute},
	"dns":   {diag.CheckDNSSystem},
	"tcp":   {diag.CheckTCPConnect},
	"tls":   {diag.CheckTLSHandshake},
	"http":  {diag.CheckHTTPGet},
}

// WatchRun is one completed run of watch.
type WatchRun struct {
	Run       int
	StartedAt time.Time
	Targets   []diag.TargetResult
}

// Watch is the result of okviz-check watch: how it ran, the summary per
// target and layer, and each run's verdicts. It is what -o json prints.
type Watch struct {
	SchemaVersion  int             `json:"schema_version"`
	Kind           string          `json:"kind"` // "watch"
	Tool           Tool            `json:"tool"`
	System         System          `json:"system"`
	StartedAt      time.Time       `json:"started_at"`
	EndedAt        time.Time       `json:"ended_at"`
	IntervalMS     int64           `json:"interval_ms"`
	Runs           int             `json:"runs"`
	Interrupted    bool            `json:"interrupted"`
	MaxFailureRate float64         `json:"max_failure_rate"`
	Strict         bool            `json:"strict"`
	Status         diag.Status     `json:"status"` // fail when a target's failure rate is above MaxFailureRate
	Targets        []TargetSummary `json:"targets"`
	RunVerdicts    []RunVerdicts   `json:"run_verdicts"`
}

// TargetSummary is one target over every run.
type TargetSummary struct {
	Target      string         `json:"target"`
	Runs        int            `json:"runs"`
	Failures    int            `json:"failures"` // runs whose verdict failed (or warned, with --strict)
	FailureRate float64        `json:"failure_rate"`
	Verdicts    []CodeSeen     `json:"verdicts"` // the distinct verdicts that were not ok
	Layers      []LayerSummary `json:"layers"`
}

// LayerSummary is one layer of one target over the runs that reached it.
type LayerSummary struct {
	Layer       string     `json:"layer"`
	Runs        int        `json:"runs"` // runs in which the layer ran (not skipped)
	Failures    int        `json:"failures"`
	SuccessRate float64    `json:"success_rate"`
	LatencyMS   *Latency   `json:"latency_ms"` // of the runs where the layer succeeded; null when none did
	Codes       []CodeSeen `json:"codes"`      // the distinct warning and failure codes
}

// Latency are percentiles of durations in milliseconds.
type Latency struct {
	P50 int64 `json:"p50"`
	P95 int64 `json:"p95"`
	Max int64 `json:"max"`
}

// CodeSeen is a code and when it was seen.
type CodeSeen struct {
	Code      diag.Code   `json:"code"`
	Status    diag.Status `json:"status"`
	Count     int         `json:"count"`
	FirstRun  int         `json:"first_run"`
	LastRun   int         `json:"last_run"`
	FirstSeen time.Time   `json:"first_seen"`
	LastSeen  time.Time   `json:"last_seen"`
}

// RunVerdicts is one run's verdict per target.
type RunVerdicts struct {
	Run       int             `json:"run"`
	StartedAt time.Time       `json:"started_at"`
	Targets   []TargetVerdict `json:"targets"`
}

// TargetVerdict is one target's outcome in one run.
type TargetVerdict struct {
	Target  string       `json:"target"`
	Status  diag.Status  `json:"status"`
	Route   string       `json:"route"`
	Verdict diag.Verdict `json:"verdict"`
}

// Percentile is the nearest-rank p-th percentile (0 < p <= 100) of
// values: the smallest value at least p percent of the values are at or
// below. No values is 0.
func Percentile(values []int64, p float64) int64 {
	if len(values) == 0 {
		return 0
	}
	s := slices.Clone(values)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	rank = max(1, min(rank, len(s)))
	return s[rank-1]
}

// Summarize builds the per-target, per-layer summary of runs. A target
// run fails when its status is fail, or warn under strict.
func Summarize(runs []WatchRun, strict bool) []TargetSummary {
	var out []TargetSummary
	index := map[string]int{}
	type layerAcc struct {
		runs, failures int
		latency        []int64
		codes          []CodeSeen
	}
	acc := map[string]map[string]*layerAcc{}
	for _, run := range runs {
		for _, t := range run.Targets {
			i, ok := index[t.Target]
			if !ok {
				i = len(out)
				index[t.Target] = i
				out = append(out, TargetSummary{Target: t.Target})
				acc[t.Target] = map[string]*layerAcc{}
				for _, l := range WatchLayers {
					acc[t.Target][l] = &layerAcc{}
				}
			}
			ts := &out[i]
			ts.Runs++
			if t.Status == diag.StatusFail || strict && t.Status == diag.StatusWarn {
				ts.Failures++
			}
			if t.Verdict.Status == diag.StatusFail || t.Verdict.Status == diag.StatusWarn {
				ts.Verdicts = seen(ts.Verdicts, t.Verdict.Code, t.Verdict.Status, run)
			}
			for _, l := range WatchLayers {
				la := acc[t.Target][l]
				ran, failed := false, false
				for _, c := range t.Checks {
					if stage(c) != l || c.Status == diag.StatusSkip {
						continue
					}
					ran = true
					switch c.Status {
					case diag.StatusFail:
						failed = true
						la.codes = seen(la.codes, c.Code, c.Status, run)
					case diag.StatusWarn:
						la.codes = seen(la.codes, c.Code, c.Status, run)
					}
				}
				if !ran {
					continue
				}
				la.runs++
				if failed {
					la.failures++
				} else if ms, ok := latencyOf(t.Checks, l); ok {
					la.latency = append(la.latency, ms)
				}
			}
		}
	}
	for i := range out {
		ts := &out[i]
		ts.FailureRate = rate(ts.Failures, ts.Runs)
		ts.Verdicts = nonNil(ts.Verdicts)
		ts.Layers = []LayerSummary{}
		for _, l := range WatchLayers {
			la := acc[ts.Target][l]
			if la.runs == 0 {
				continue
			}
			ls := LayerSummary{Layer: l, Runs: la.runs, Failures: la.failures, SuccessRate: rate(la.runs-la.failures, la.runs), Codes: nonNil(la.codes)}
			if len(la.latency) > 0 {
				ls.LatencyMS = &Latency{P50: Percentile(la.latency, 50), P95: Percentile(la.latency, 95), Max: Percentile(la.latency, 100)}
			}
			ts.Layers = append(ts.Layers, ls)
		}
	}
	return out
}

// latencyOf is the duration of the layer's latency check, the first of
// its candidates present and not skipped.
func latencyOf(checks []diag.Check, layer string) (int64, bool) {
	for _, id := range layerLatencyCheck[layer] {
		for _, c := range checks {
			if c.ID == id && c.Status != diag.StatusSkip {
				return c.DurationMS, true
			}
		}
	}
	return 0, false
}

// seen records one sighting of code in run.
func seen(list []CodeSeen, code diag.Code, status diag.Status, run WatchRun) []CodeSeen {
	for i := range list {
		if list[i].Code == code && list[i].Status == status {
			if list[i].LastRun != run.Run {
				list[i].Count++
			}
			list[i].LastRun, list[i].LastSeen = run.Run, run.StartedAt.UTC()
			return list
		}
	}
	return append(list, CodeSeen{Code: code, Status: status, Count: 1, FirstRun: run.Run, LastRun: run.Run, FirstSeen: run.StartedAt.UTC(), LastSeen: run.StartedAt.UTC()})
}

func rate(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(of)*10000) / 10000
}

func nonNil(l []CodeSeen) []CodeSeen {
	if l == nil {
		return []CodeSeen{}
	}
	return l
}

// Verdicts lists each target's outcome in run.
func Verdicts(run WatchRun) RunVerdicts {
	rv := RunVerdicts{Run: run.Run, StartedAt: run.StartedAt.UTC(), Targets: []TargetVerdict{}}
	for _, t := range run.Targets {
		rv.Targets = append(rv.Targets, TargetVerdict{Target: t.Target, Status: t.Status, Route: t.Route, Verdict: t.Verdict})
	}
	return rv
}

// Failing reports whether a target's failure rate is above maxRate.
func (w *Watch) Failing() bool {
	for _, t := range w.Targets {
		if t.FailureRate > w.MaxFailureRate {
			return true
		}
	}
	return false
}

// WriteWatchJSON writes w as indented JSON, credentials masked.
func WriteWatchJSON(out io.Writer, w *Watch) error {
	n := *w
	if n.Targets == nil {
		n.Targets = []TargetSummary{}
	}
	if n.RunVerdicts == nil {
		n.RunVerdicts = []RunVerdicts{}
	}
	b, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return err
	}
	_, err = out.Write(append(redactJSON(b), '\n'))
	return err
}

// WriteWatchRunText writes one line per target of a finished run, for the
// text output while watch runs.
func WriteWatchRunText(out io.Writer, run WatchRun, total int, color bool) error {
	c := &textRenderer{color: color}
	if color {
		out = colorWriter(out)
	}
	lw := &lineWriter{w: out}
	of := ""
	if total > 0 {
		of = fmt.Sprintf("/%d", total)
	}
	for _, t := range run.Targets {
		lw.linef("%s  run %d%s  %s  %s  %s", run.StartedAt.Local().Format("15:04:05"), run.Run, of, c.status(t.Status), clean(t.Target), clean(string(t.Verdict.Code)))
	}
	return lw.err
}

// WriteWatchText writes the summary as text: per target, a line per layer
// with its success, latency percentiles and codes.
func WriteWatchText(out io.Writer, w *Watch, color bool) error {
	c := &textRenderer{color: color}
	if color {
		out = colorWriter(out)
	}
	lw := &lineWriter{w: out}
	how := fmt.Sprintf("%s every %s", plural(w.Runs, "run", "runs"), time.Duration(w.IntervalMS)*time.Millisecond)
	if w.Interrupted {
		how += ", interrupted"
	}
	lw.linef("okviz-check watch: %s, %s to %s", how, w.StartedAt.UTC().Format(time.RFC3339), w.EndedAt.UTC().Format(time.RFC3339))
	for _, t := range w.Targets {
		lw.line("")
		lw.linef("%s  %d of %s failed (%s)", clean(t.Target), t.Failures, plural(t.Runs, "run", "runs"), percent(t.FailureRate))
		var b strings.Builder
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  layer\tok\tp50\tp95\tmax\tcodes")
		for _, l := range t.Layers {
			p50, p95, mx := "-", "-", "-"
			if l.LatencyMS != nil {
				p50, p95, mx = ms(l.LatencyMS.P50), ms(l.LatencyMS.P95), ms(l.LatencyMS.Max)
			}
			fmt.Fprintf(tw, "  %s\t%d/%d\t%s\t%s\t%s\t%s\n", l.Layer, l.Runs-l.Failures, l.Runs, p50, p95, mx, codesText(l.Codes))
		}
		tw.Flush()
		for _, s := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			lw.line(strings.TrimRight(s, " "))
		}
		if len(t.Verdicts) > 0 {
			lw.line("  verdicts: " + codesText(t.Verdicts))
		}
	}
	lw.line("")
	if w.Failing() {
		lw.linef("Overall: %s — a failure rate above --max-failure-rate %s", c.status(diag.StatusFail), percent(w.MaxFailureRate))
	} else {
		lw.linef("Overall: %s — every failure rate at or below --max-failure-rate %s", c.status(diag.StatusPass), percent(w.MaxFailureRate))
	}
	return lw.err
}

// codesText lists codes as "code ×count (runs first–last, hh:mm:ss–hh:mm:ss)".
func codesText(codes []CodeSeen) string {
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%s ×%d (runs %d–%d, %s–%s)", clean(string(c.Code)), c.Count, c.FirstRun, c.LastRun,
			c.FirstSeen.Local().Format("15:04:05"), c.LastSeen.Local().Format("15:04:05")))
	}
	return strings.Join(parts, "; ")
}

func percent(r float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", r*100), "0"), ".") + "%"
}

package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/okviz/okviz-check/diag"
)

var prometheusFormat = Format{Name: FormatPrometheus,
	Help:   "Prometheus text format, for node_exporter's textfile collector (write to a temporary file, then rename it into the collector's folder)",
	render: renderPrometheus}

// statusValue maps a status to a gauge: 0 pass, 1 warn, 2 fail; info and
// skip are 0, as they do not make a target unreachable.
func statusValue(s diag.Status) int {
	switch s {
	case diag.StatusFail:
		return 2
	case diag.StatusWarn:
		return 1
	}
	return 0
}

// renderPrometheus writes the run as gauges: one series per target and per
// check, labelled with the problem code, so an alert can fire on
// okviz_check_target_up == 0 and a dashboard can say why.
func renderPrometheus(w io.Writer, r *Report, _ Options) error {
	var b strings.Builder
	metric := func(name, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
	}
	metric("okviz_check_info", "The okviz-check build and platform of the last run (always 1).")
	fmt.Fprintf(&b, "okviz_check_info{version=%s,commit=%s,os=%s,arch=%s} 1\n",
		promLabel(r.Tool.Version), promLabel(r.Tool.Commit), promLabel(r.System.OS), promLabel(r.System.Arch))
	metric("okviz_check_last_run_timestamp_seconds", "When the last run started, in seconds since the Unix epoch.")
	fmt.Fprintf(&b, "okviz_check_last_run_timestamp_seconds %d\n", r.StartedAt.Unix())
	metric("okviz_check_last_run_duration_seconds", "How long the last run took.")
	fmt.Fprintf(&b, "okviz_check_last_run_duration_seconds %s\n", seconds(r.DurationMS))
	metric("okviz_check_last_run_interrupted", "1 when the last run was interrupted (Ctrl-C, SIGTERM, a time limit) and its unfinished targets are not known, else 0.")
	interrupted := 0
	if r.Interrupted {
		interrupted = 1
	}
	fmt.Fprintf(&b, "okviz_check_last_run_interrupted %d\n", interrupted)
	metric("okviz_check_target_up", "1 when the target was reachable over HTTPS in the last run (warnings allowed), else 0.")
	for _, t := range r.Targets {
		up := 0
		if t.Status == diag.StatusPass || t.Status == diag.StatusWarn {
			up = 1 // not an unfinished target (skip) of an interrupted run: nobody knows
		}
		fmt.Fprintf(&b, "okviz_check_target_up{target=%s,route=%s} %d\n", promLabel(t.Target), promLabel(t.Route), up)
	}
	metric("okviz_check_target_status", "The target's verdict: 0 pass, 1 warn, 2 fail; the code label names the root cause.")
	for _, t := range r.Targets {
		fmt.Fprintf(&b, "okviz_check_target_status{target=%s,code=%s} %d\n", promLabel(t.Target), promLabel(string(t.Verdict.Code)), statusValue(t.Verdict.Status))
	}
	metric("okviz_check_check_status", "Each check of each target: 0 pass (or info, skip), 1 warn, 2 fail.")
	for _, t := range r.Targets {
		for _, c := range t.Checks {
			fmt.Fprintf(&b, "okviz_check_check_status{target=%s,check=%s,code=%s,status=%s} %d\n",
				promLabel(t.Target), promLabel(c.ID), promLabel(string(c.Code)), promLabel(string(c.Status)), statusValue(c.Status))
		}
	}
	metric("okviz_check_check_duration_seconds", "How long each check of each target took.")
	for _, t := range r.Targets {
		for _, c := range t.Checks {
			fmt.Fprintf(&b, "okviz_check_check_duration_seconds{target=%s,check=%s} %s\n", promLabel(t.Target), promLabel(c.ID), seconds(c.DurationMS))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// promLabel quotes a label value as the text format wants: backslash, double
// quote and line feed escaped; invalid UTF-8 and control characters (from
// the network) replaced, credentials masked.
func promLabel(s string) string {
	s = clean(s)
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

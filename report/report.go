package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/redact"
)

// SchemaVersion is the version of the JSON report written by this package.
// Version 2 added context (the machine, the account, the settings and
// their sources); Read still reads version 1, which has none.
const SchemaVersion = 2

// Report is the whole result of one run, as written by --format json.
type Report struct {
	SchemaVersion int         `json:"schema_version"`
	Tool          Tool        `json:"tool"`
	StartedAt     time.Time   `json:"started_at"` // written in UTC, whole seconds
	DurationMS    int64       `json:"duration_ms"`
	System        System      `json:"system"`
	Status        diag.Status `json:"status"` // worst target status: pass, warn or fail (skip: unfinished)
	// Interrupted says the run ended early (Ctrl-C, SIGTERM, or the whole
	// run's deadline): the report holds what finished, and the checks cut
	// short have the code unfinished.
	Interrupted bool `json:"interrupted,omitempty"`
	// Context is the machine, account and settings of the run; nil in a
	// report of schema version 1.
	Context *Context            `json:"context,omitempty"`
	Proxy   ProxyInfo           `json:"proxy"`
	Targets []diag.TargetResult `json:"targets"`
}

// Tool identifies the build of okviz-check that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Commit  string `json:"commit"`
}

// System is the platform the diagnosis ran on (GOOS and GOARCH).
type System struct {
	OS   string `json:"os"`
	Arch string `json:"arch"`
}

// ProxyInfo is what proxy discovery found: every source looked at (the
// environment, OS settings, PAC/WPAD) with what it said, in the proxy
// package's own shape.
type ProxyInfo struct {
	Sources []any `json:"sources"`
}

// Options tune the human renderers; JSON ignores them.
type Options struct {
	Color   bool // ANSI colours in text output (the caller decides: --color, NO_COLOR, terminal)
	Quiet   bool // text: only the verdict line of each target
	Verbose bool // every detail instead of the compact evidence (text, markdown), longer lists; also the proxy sources
	Strict  bool // junit: warnings are failures, as with --strict
	Sources bool // text, markdown: list the proxy sources (the proxy command)
}

// Format is one output format: its name (what --format takes), a line of
// help, and the renderer, which gets a normalized report.
type Format struct {
	Name   string
	Help   string
	render func(w io.Writer, r *Report, opts Options) error
}

// formats is the registry of output formats, in the order help lists them;
// each is defined in its own file. --format, its completion and validation,
// and the golden tests all read this table.
var formats = []Format{textFormat, jsonFormat, markdownFormat, junitFormat, jsonlFormat, prometheusFormat}

// Names of the formats other packages refer to.
const (
	FormatText       = "text"
	FormatJSON       = "json"
	FormatMarkdown   = "markdown"
	FormatJUnit      = "junit"
	FormatJSONL      = "jsonl"
	FormatPrometheus = "prometheus"
)

// Formats lists the output formats, in the order help shows them.
func Formats() []Format { return append([]Format(nil), formats...) }

// FormatNames lists the names of the output formats.
func FormatNames() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.Name
	}
	return names
}

// LookupFormat finds a format by name, ignoring case.
func LookupFormat(name string) (Format, bool) {
	for _, f := range formats {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Format{}, false
}

// Render writes r to w in the named format. An unknown format is an error
// and writes nothing.
func Render(w io.Writer, r *Report, format string, opts Options) error {
	if r == nil {
		return fmt.Errorf("report: nothing to render (nil report)")
	}
	f, ok := LookupFormat(format)
	if !ok {
		return fmt.Errorf("report: unknown format %q (want %s)", format, strings.Join(FormatNames(), ", "))
	}
	n := r.normalized()
	return f.render(w, &n, opts)
}

// Overall is the report status: the worst status of the targets, mapped to
// pass, warn or fail (info counts as pass at this level, as it does not make
// a target unreachable). No targets is a pass. In an interrupted run, a
// target whose verdict did not finish (status skip) makes the run skip
// unless another failed: what did not finish may still fail, so neither
// pass nor warn may stand for it.
func Overall(targets []diag.TargetResult) diag.Status {
	worst, unfinished := diag.StatusPass, false
	for _, t := range targets {
		if t.Status == diag.StatusSkip {
			unfinished = true
		}
		if t.Status.Rank() > worst.Rank() {
			worst = t.Status
		}
	}
	switch {
	case worst == diag.StatusFail:
		return worst
	case unfinished:
		return diag.StatusSkip
	case worst.Rank() < diag.StatusWarn.Rank():
		return diag.StatusPass
	}
	return worst
}

// MarshalJSON writes the report in its contract shape: started_at in UTC to
// the second, arrays as [] and details as {} when empty, the schema version
// and status filled in when the caller left them zero, and credentials in
// URLs masked. It never changes r.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report // no MarshalJSON: avoids recursion
	n := plain(r.normalized())
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // block pages carry <html>; \u003c helps no reader
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	return redactJSON(bytes.TrimRight(buf.Bytes(), "\n")), nil
}

// normalized returns a copy of r ready to print: no nil slices or maps, a
// schema version, an overall status and a UTC start time. Slices are copied
// so the caller's report is left alone.
func (r *Report) normalized() Report {
	n := *r
	if n.SchemaVersion == 0 {
		n.SchemaVersion = SchemaVersion
	}
	if n.Status == "" {
		n.Status = Overall(r.Targets)
	}
	n.StartedAt = r.StartedAt.UTC().Truncate(time.Second)
	n.Proxy.Sources = append([]any{}, r.Proxy.Sources...)
	n.Targets = make([]diag.TargetResult, len(r.Targets))
	for i, t := range r.Targets {
		t.Checks = append([]diag.Check{}, t.Checks...)
		for j := range t.Checks {
			if t.Checks[j].Details == nil {
				t.Checks[j].Details = diag.NoDetails{}
			}
		}
		n.Targets[i] = t
	}
	return n
}

// redactJSON masks URL credentials in a JSON document. Upstream packages
// redact already; this is the last line before output, so a slip elsewhere
// cannot leak a password.
func redactJSON(b []byte) []byte {
	if !bytes.Contains(b, []byte("://")) {
		return b
	}
	return []byte(redact.Text(string(b)))
}

// clean makes a string safe to print in text, Markdown and XML.
func clean(s string) string { return redact.Text(Sanitize(s)) }

package report

import (
	"bytes"
	"encoding/json"
	"io"
	"time"

	"github.com/okviz/okviz-check/diag"
)

var jsonlFormat = Format{Name: FormatJSONL, Help: "one JSON line per target, for log shippers and fleet tools", render: renderJSONL}

// jsonlLine is one target of a run on a line of its own, with what a log
// pipeline needs to file it without the rest of the report.
type jsonlLine struct {
	SchemaVersion int       `json:"schema_version"`
	StartedAt     time.Time `json:"started_at"`
	Tool          Tool      `json:"tool"`
	System        System    `json:"system"`
	// Interrupted marks every line of a run that ended early, so a log
	// pipeline does not read its unfinished targets as results.
	Interrupted bool `json:"interrupted,omitempty"`
	diag.TargetResult
}

// renderJSONL writes a line per target: the target's result (as in the
// JSON report's targets[]) with the run's schema version, start, tool and
// system. No targets writes nothing. Credentials are masked as in JSON.
func renderJSONL(w io.Writer, r *Report, _ Options) error {
	for _, t := range r.Targets {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		line := jsonlLine{SchemaVersion: r.SchemaVersion, StartedAt: r.StartedAt, Tool: r.Tool, System: r.System, Interrupted: r.Interrupted, TargetResult: t}
		if err := enc.Encode(line); err != nil {
			return err
		}
		if _, err := w.Write(redactJSON(buf.Bytes())); err != nil {
			return err
		}
	}
	return nil
}

package report

import (
	"encoding/json"
	"io"
)

// renderJSON writes the report indented by two spaces with a trailing
// newline: the shape of docs/report.schema.json (see Report.MarshalJSON).
var jsonFormat = Format{Name: FormatJSON, Help: "the full report for scripts and support (docs/report.schema.json)",
	render: func(w io.Writer, r *Report, _ Options) error { return renderJSON(w, r) }}

func renderJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

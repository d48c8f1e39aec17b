package report

import (
	"encoding/json"
	"io"
)

// renderJSON writes the report indented by two spaces with a trailing
// newline: the shape of docs/report.schema.json (see Report.MarshalJSON).
func renderJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

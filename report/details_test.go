package report

import (
	"encoding/json"
	"testing"

	"github.com/okviz/okviz-check/diag"
)

// typed reads details written as a JSON object (a map literal) into the
// typed details of check id, the way a saved report is read back. Keys no
// probe writes are dropped, as they would be from a report.
func typed(id string, m map[string]any) diag.Details {
	if m == nil {
		return diag.NoDetails{}
	}
	b, err := json.Marshal(map[string]any{"id": id, "status": "pass", "details": m})
	if err != nil {
		panic(err) // a test's own literal
	}
	var c diag.Check
	if err := json.Unmarshal(b, &c); err != nil {
		panic(err)
	}
	return c.Details
}

// raw is evidence under a check id this version does not know.
func raw(tb testing.TB, m map[string]any) diag.Details {
	tb.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return diag.RawDetails(b)
}

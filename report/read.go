package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxReportSize bounds what Read accepts: a report of hundreds of targets
// is well under it, and a wrong file cannot exhaust memory.
const maxReportSize = 64 << 20

// Read reads a saved JSON report (what --format json writes) of a schema
// version this build knows. Check details come back typed, as the probes
// wrote them; details under check ids this version does not know are kept
// as raw JSON and shown as such.
func Read(r io.Reader) (*Report, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxReportSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxReportSize {
		return nil, fmt.Errorf("larger than %d MiB: not a report okviz-check wrote", maxReportSize>>20)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a BOM from an editor or PowerShell
	var head struct {
		SchemaVersion *int `json:"schema_version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("not JSON (%s at byte %d): save a report with --format json", plainJSONError(se), se.Offset)
		}
		return nil, fmt.Errorf("not an okviz-check report: %s", plainJSONError(err))
	}
	switch {
	case head.SchemaVersion == nil:
		return nil, errors.New("not an okviz-check report: it has no schema_version")
	case *head.SchemaVersion < 1 || *head.SchemaVersion > SchemaVersion:
		return nil, fmt.Errorf("schema version %d: this build of okviz-check reads reports of version 1 to %d; use a newer okviz-check", *head.SchemaVersion, SchemaVersion)
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("not a well-formed okviz-check report: %s", plainJSONError(err))
	}
	return &rep, nil
}

// plainJSONError says what a JSON decoder objected to without Go's type names.
func plainJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("the field %q has a value of the wrong kind (%s)", te.Field, te.Value)
	}
	return err.Error()
}

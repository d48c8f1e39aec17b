package report

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/diag"
)

// TestReadRendersLikeTheOriginal: a report written with --format json and
// read back renders exactly as the original in every format.
func TestReadRendersLikeTheOriginal(t *testing.T) {
	orig := fixedReport()
	var saved bytes.Buffer
	if err := Render(&saved, orig, FormatJSON, Options{}); err != nil {
		t.Fatal(err)
	}
	back, err := Read(bytes.NewReader(append([]byte("\xef\xbb\xbf"), saved.Bytes()...)))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := back.Targets[2].Checks[3].Details.(*diag.TLSDetails); !ok {
		t.Errorf("tls.handshake details read back as %T", back.Targets[2].Checks[3].Details)
	}
	for _, f := range FormatNames() {
		for _, opts := range []Options{{}, {Verbose: true}} {
			want := render(t, orig, f, opts)
			if got := render(t, back, f, opts); got != want {
				t.Errorf("%s %+v: the saved report renders differently:\n%s\nwant:\n%s", f, opts, got, want)
			}
		}
	}
}

func TestReadRejects(t *testing.T) {
	fixture, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ in, want string }{
		"not JSON":       {"FAIL  https://api.okviz.com/", "not JSON"},
		"other JSON":     {`{"name": "okviz-check"}`, "no schema_version"},
		"newer schema":   {`{"schema_version": 3, "targets": []}`, "schema version 3"},
		"wrong kind":     {`{"schema_version": 1, "targets": {}}`, `"targets" has a value of the wrong kind`},
		"truncated file": {string(fixture[:len(fixture)/2]), "not JSON"},
	} {
		_, err := Read(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want one saying %q", name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "json:") {
			t.Errorf("%s: Go's words reach the user: %v", name, err)
		}
	}
}

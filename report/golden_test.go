package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Golden files: run `UPDATE_GOLDEN=1 go test ./report/` to rewrite them after
// an intended change, then read the diff.
func TestGolden(t *testing.T) {
	cases := []struct {
		name   string
		format string
		opts   Options
	}{
		{"text", FormatText, Options{}},
		{"text-color", FormatText, Options{Color: true}},
		{"text-quiet", FormatText, Options{Quiet: true}},
		{"text-verbose", FormatText, Options{Verbose: true}},
		{"json", FormatJSON, Options{}},
		{"markdown", FormatMarkdown, Options{}},
		{"markdown-verbose", FormatMarkdown, Options{Verbose: true}},
		{"junit", FormatJUnit, Options{}},
		{"junit-strict", FormatJUnit, Options{Strict: true}},
		{"jsonl", FormatJSONL, Options{}},
		{"prometheus", FormatPrometheus, Options{}},
	}
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.format] = true
	}
	for _, f := range Formats() {
		if !covered[f.Name] {
			t.Errorf("the registered format %s has no golden case", f.Name)
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, fixedReport(), tc.format, tc.opts); err != nil {
				t.Fatalf("Render: %v", err)
			}
			golden(t, filepath.Join("testdata", tc.name+".golden"), buf.Bytes())
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (UPDATE_GOLDEN=1 rewrites it); got:\n%s", path, got)
	}
}

package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/okviz/okviz-check/diag"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaPath is the published schema; the tests hold the JSON output to it.
var schemaPath = filepath.Join("..", "docs", "report.schema.json")

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat() // date-time is checked, not just annotated
	s, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatalf("compile %s: %v", schemaPath, err)
	}
	return s
}

// instance renders r as JSON and reads it back as the validator's value.
func instance(t *testing.T, r *Report) any {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, r, FormatJSON, Options{}); err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSchemaAcceptsReports(t *testing.T) {
	schema := compileSchema(t)
	full := fixedReport()
	one := func(tr diag.TargetResult) *Report {
		r := *full
		r.Targets = []diag.TargetResult{tr}
		r.Status = Overall(r.Targets)
		return &r
	}
	// What cmd fills at least; the rest left zero.
	bare := func(targets ...diag.TargetResult) *Report {
		return &Report{Tool: Tool{Name: "okviz-check", Version: "dev"}, System: System{OS: "darwin", Arch: "arm64"}, Targets: targets}
	}
	cases := map[string]*Report{
		"fixture":                 full,
		"proxy route pass":        one(full.Targets[0]),
		"dns fail with skips":     one(full.Targets[1]),
		"tls intercepted warn":    one(full.Targets[2]),
		"block page with escapes": one(full.Targets[3]),
		"no targets":              bare(),
		"nil details, no proxy sources": bare(diag.TargetResult{
			Target: "https://x.okviz.com/", Host: "x.okviz.com", Port: 443, Status: diag.StatusPass, Route: "direct",
			Verdict: diag.Verdict{Code: "ok", Status: diag.StatusPass},
			Checks:  []diag.Check{{ID: "dns.system", Status: diag.StatusPass, Code: "dns.ok"}},
		}),
		"interrupted, a target unfinished": func() *Report {
			r := bare(diag.TargetResult{
				Target: "https://x.okviz.com/", Host: "x.okviz.com", Port: 443, Status: diag.StatusSkip, Route: "direct",
				Verdict: diag.Verdict{Code: diag.CodeUnfinished, Status: diag.StatusSkip, Summary: "s"},
				Checks: []diag.Check{{ID: "tcp.connect", Status: diag.StatusPass, Code: "tcp.ok"},
					diag.UnfinishedCheck("tls.handshake")},
			})
			r.Interrupted = true
			return r
		}(),
		"nil checks": bare(diag.TargetResult{
			Target: "https://x.okviz.com/", Host: "x.okviz.com", Port: 443, Status: diag.StatusWarn, Route: "direct",
			Verdict: diag.Verdict{Code: "clock.skew", Status: diag.StatusWarn, Summary: "s", Remediation: "r"},
		}),
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			if err := schema.Validate(instance(t, r)); err != nil {
				t.Errorf("%v", err)
			}
		})
	}
}

// TestSchemaIsStrict breaks one thing at a time in a valid report and
// expects the schema to notice: a schema that accepts anything would pass
// the test above.
func TestSchemaIsStrict(t *testing.T) {
	schema := compileSchema(t)
	type doc = map[string]any
	target := func(d doc, i int) doc { return d["targets"].([]any)[i].(doc) }
	firstCheck := func(d doc) doc { return target(d, 0)["checks"].([]any)[0].(doc) }
	cases := map[string]func(d doc){
		"report status ok":          func(d doc) { d["status"] = "ok" },
		"report status info":        func(d doc) { d["status"] = "info" },
		"schema version 3":          func(d doc) { d["schema_version"] = 3 },
		"unknown top-level field":   func(d doc) { d["extra"] = true },
		"missing targets":           func(d doc) { delete(d, "targets") },
		"null targets":              func(d doc) { d["targets"] = nil },
		"missing tool commit":       func(d doc) { delete(d["tool"].(doc), "commit") },
		"started_at with offset":    func(d doc) { d["started_at"] = "2026-11-28T11:00:00+01:00" },
		"started_at not a time":     func(d doc) { d["started_at"] = "2026-13-45T10:00:00Z" },
		"fractional duration":       func(d doc) { d["duration_ms"] = 1.5 },
		"negative duration":         func(d doc) { d["duration_ms"] = -1 },
		"sources not objects":       func(d doc) { d["proxy"].(doc)["sources"] = []any{"env"} },
		"route vpn":                 func(d doc) { target(d, 1)["route"] = "vpn" },
		"proxy route without proxy": func(d doc) { delete(target(d, 0), "proxy") },
		"proxy with password":       func(d doc) { target(d, 0)["proxy"] = "http://alice:s3cret@proxy:8080" },
		"port 0":                    func(d doc) { target(d, 0)["port"] = 0 },
		"target status skip":        func(d doc) { target(d, 0)["status"] = "skip" },
		"verdict status skip":       func(d doc) { target(d, 0)["verdict"].(doc)["status"] = "skip" },
		"report status skip":        func(d doc) { d["status"] = "skip" },
		"interrupted false, skip":   func(d doc) { d["interrupted"] = false; d["status"] = "skip" },
		"interrupted not a boolean": func(d doc) { d["interrupted"] = "yes" },
		"verdict without summary":   func(d doc) { delete(target(d, 1)["verdict"].(doc), "summary") },
		"check status error":        func(d doc) { firstCheck(d)["status"] = "error" },
		"check code upper case":     func(d doc) { firstCheck(d)["code"] = "DNS.NXDOMAIN" },
		"check code with space":     func(d doc) { firstCheck(d)["code"] = "dns nxdomain" },
		"check without details":     func(d doc) { delete(firstCheck(d), "details") },
		"check details array":       func(d doc) { firstCheck(d)["details"] = []any{} },
		"check id empty":            func(d doc) { firstCheck(d)["id"] = "" },
	}
	for name, breakIt := range cases {
		t.Run(name, func(t *testing.T) {
			d := instance(t, fixedReport()).(doc)
			if err := schema.Validate(d); err != nil {
				t.Fatalf("the unbroken report fails: %v", err)
			}
			breakIt(d)
			// Round-trip so the values have the validator's number types.
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(v); err == nil {
				t.Error("the schema accepts it")
			}
		})
	}
}

// TestSchemaDocumentsEveryField: each property of the report, target,
// verdict and check carries a description, since the schema is the
// documentation scripts read.
func TestSchemaDocumentsEveryField(t *testing.T) {
	var walk func(path string, v any)
	walk = func(path string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if props, ok := m["properties"].(map[string]any); ok {
			for name, p := range props {
				pm, _ := p.(map[string]any)
				if _, ok := pm["description"]; !ok {
					if _, ref := pm["$ref"]; !ref {
						t.Errorf("%s.%s has no description", path, name)
					}
				}
				walk(path+"."+name, p)
			}
		}
		if defs, ok := m["$defs"].(map[string]any); ok {
			for name, d := range defs {
				if _, ok := d.(map[string]any)["description"]; !ok {
					t.Errorf("$defs.%s has no description", name)
				}
				walk("$defs."+name, d)
			}
		}
	}
	b, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var raw any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	walk("", raw)
}

package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/diag"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestReadVersion1: a report saved by a build of schema version 1 (the
// fixture as it was before context existed) still reads, keeps its
// version when written again, is valid against the schema, and renders in
// every format without a context line.
func TestReadVersion1(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "report-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r.SchemaVersion != 1 || r.Context != nil || len(r.Targets) == 0 {
		t.Fatalf("read back: version %d, context %v, %d targets", r.SchemaVersion, r.Context, len(r.Targets))
	}
	out := render(t, r, FormatJSON, Options{})
	if !strings.Contains(out, `"schema_version": 1,`) || strings.Contains(out, `"context"`) {
		t.Errorf("a version 1 report written again must stay version 1 without context:\n%s", out[:200])
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := compileSchema(t).Validate(v); err != nil {
		t.Errorf("version 1 report against the schema: %v", err)
	}
	for _, f := range FormatNames() {
		if o := render(t, r, f, Options{Verbose: true}); strings.Contains(o, "ran as") {
			t.Errorf("%s: a context line without a context", f)
		}
	}
}

func contextReport() *Report {
	r := fixedReport()
	r.SchemaVersion = SchemaVersion
	r.Context = &Context{
		Host: diag.Host{OS: diag.OSInfo{Name: "Windows 11 Pro", Version: "23H2", Build: "22631.4460",
			Note: "the registry's ProductName says Windows 10 Pro; build 22631 is Windows 11 (from build 22000)"},
			Elevated: true, Account: diag.AccountSystem},
		ProxySettings: ProxySettingsOf{Kind: "interactive-user", User: `CORP\alice`, Hive: `HKU\S-1-5-21-1-2-3-1001`,
			Summary: `okviz-check runs as SYSTEM: the proxy settings read are CORP\alice's, the user at the console`},
		Settings: []Setting{
			{Name: "timeout", Value: "3s", Source: "environment variable OKVIZ_CHECK_TIMEOUT"},
			{Name: "proxy", Value: "http://bob:s3cret@proxy.corp:8080", Source: `config file C:\ProgramData\okviz-check\okviz-check.yaml: key proxy.url`},
			{Name: "format", Value: "text", Source: "default"},
		},
	}
	return r
}

// TestContextRendering: text says the context in one line (the settings
// only with -v), Markdown lists the settings that are not defaults, the
// JSON is valid against the schema, and a password in a setting never
// shows.
func TestContextRendering(t *testing.T) {
	r := contextReport()
	text := render(t, r, FormatText, Options{})
	line := "Windows 11 Pro 23H2 (build 22631.4460) · ran as system · proxy settings: okviz-check runs as SYSTEM"
	if !strings.Contains(text, line) {
		t.Errorf("text lacks the context line %q:\n%s", line, text)
	}
	if strings.Contains(text, "OKVIZ_CHECK_TIMEOUT") {
		t.Error("text without -v lists the settings")
	}
	verbose := render(t, r, FormatText, Options{Verbose: true})
	for _, want := range []string{"timeout 3s (environment variable OKVIZ_CHECK_TIMEOUT)", "format text (default)", "note: the registry's ProductName says Windows 10 Pro"} {
		if !strings.Contains(verbose, want) {
			t.Errorf("text -v lacks %q", want)
		}
	}
	md := render(t, r, FormatMarkdown, Options{})
	if !strings.Contains(md, "- Context: Windows 11 Pro 23H2") || !strings.Contains(md, "timeout 3s (environment variable OKVIZ\\_CHECK\\_TIMEOUT)") || strings.Contains(md, "(default)") {
		t.Errorf("markdown context:\n%s", md)
	}
	js := render(t, r, FormatJSON, Options{})
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	if err := compileSchema(t).Validate(v); err != nil {
		t.Errorf("report with context against the schema: %v", err)
	}
	back, err := Read(strings.NewReader(js))
	if err != nil || back.Context == nil || back.Context.Account != diag.AccountSystem || len(back.Context.Settings) != 3 {
		t.Errorf("read back: %v %+v", err, back.Context)
	}
	for f, out := range map[string]string{"text": verbose, "markdown": render(t, r, FormatMarkdown, Options{Verbose: true}), "json": js} {
		if strings.Contains(out, "s3cret") {
			t.Errorf("%s shows the proxy password", f)
		}
	}
}

func TestSchemaRejectsBadContext(t *testing.T) {
	schema := compileSchema(t)
	for name, breakIt := range map[string]func(c map[string]any){
		"account admin":     func(c map[string]any) { c["account"] = "admin" },
		"no os name":        func(c map[string]any) { delete(c["os"].(map[string]any), "name") },
		"setting no source": func(c map[string]any) { delete(c["settings"].([]any)[0].(map[string]any), "source") },
		"unknown field":     func(c map[string]any) { c["hostname"] = "pc1" },
		"proxy kind other":  func(c map[string]any) { c["proxy_settings"].(map[string]any)["kind"] = "other" },
	} {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(render(t, contextReport(), FormatJSON, Options{})))
		if err != nil {
			t.Fatal(err)
		}
		breakIt(v.(map[string]any)["context"].(map[string]any))
		if schema.Validate(v) == nil {
			t.Errorf("%s: the schema accepts it", name)
		}
	}
}

// TestContextLineOSOnce: the OS line says the version once, whether the
// name carries it (Linux's PRETTY_NAME) or not (Windows' product name).
func TestContextLineOSOnce(t *testing.T) {
	for _, tt := range []struct {
		os   diag.OSInfo
		want string
	}{
		{diag.OSInfo{Name: "Debian GNU/Linux 12 (bookworm)", Version: "12", Build: "6.1.0-26-amd64"}, "Debian GNU/Linux 12 (bookworm) (build 6.1.0-26-amd64)"},
		{diag.OSInfo{Name: "Windows 11 Pro", Version: "23H2", Build: "22631.4460"}, "Windows 11 Pro 23H2 (build 22631.4460)"},
	} {
		line := contextLine(&Context{Host: diag.Host{OS: tt.os, Account: diag.AccountUser}})
		if !strings.HasPrefix(line, tt.want+" · ") {
			t.Errorf("%+v: %q, want it to start with %q", tt.os, line, tt.want)
		}
	}
}

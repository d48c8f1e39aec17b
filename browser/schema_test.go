package browser

import (
	"bytes"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/report"
)

// The browser.fetch check of every kind holds to the published schema,
// and the schema does constrain its details.
func TestSchemaAcceptsBrowserFetch(t *testing.T) {
	c := jsonschema.NewCompiler()
	schema, err := c.Compile("../docs/report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	dns := int64(4)
	timing := &Timing{DurationMS: 80, DNSMS: &dns, Protocol: "h2", ResponseStatus: 200}
	targets := []diag.TargetResult{
		Judge(toolResult("ok", diag.StatusPass), headless,
			TargetResult{Outcome: OutcomeReached, Status: 200, Attempts: []Attempt{{Mode: "cors", OK: true, Status: 200, Type: "cors", DurationMS: 80}}, Timing: timing},
			NetLogFacts{Route: "[direct://]"}, nil),
		Judge(toolResult("tls.intercepted", diag.StatusWarn), headless,
			TargetResult{Outcome: OutcomeNetworkError, Error: "TypeError: Failed to fetch",
				Attempts: []Attempt{{Mode: "cors", Error: "TypeError: Failed to fetch"}, {Mode: "no-cors", Error: "TypeError: Failed to fetch"}}},
			NetLogFacts{NetError: "ERR_CERT_AUTHORITY_INVALID", Route: "[198.18.2.30:3128]"}, []string{"http://portal.example/"}),
		Judge(toolResult("dns.nxdomain", diag.StatusFail), Run{Mode: "default", Browser: "the default browser", Unavailable: "the browser did not open the test page"},
			TargetResult{}, NetLogFacts{}, nil),
	}
	render := func(targets []diag.TargetResult) any {
		var buf bytes.Buffer
		r := &report.Report{Tool: report.Tool{Name: "okviz-check", Version: "dev"}, System: report.System{OS: "linux", Arch: "amd64"}, Targets: targets}
		if err := report.Render(&buf, r, report.FormatJSON, report.Options{}); err != nil {
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(&buf)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if err := schema.Validate(render(targets)); err != nil {
		t.Errorf("schema rejects browser.fetch: %v", err)
	}
	// A details object of another shape under browser.fetch is rejected.
	bad := toolResult("ok", diag.StatusPass)
	bad.Checks = append(bad.Checks, diag.NewCheck(CheckID, "browser.ok", "", nil))
	err = schema.Validate(render([]diag.TargetResult{bad}))
	if err == nil || !strings.Contains(err.Error(), "browser_fetch_details") && !strings.Contains(err.Error(), "missing") {
		t.Errorf("schema accepts browser.fetch without its details: %v", err)
	}
}

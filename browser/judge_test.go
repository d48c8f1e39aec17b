package browser

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/diag"
)

func toolResult(code string, status diag.Status) diag.TargetResult {
	return diag.TargetResult{
		Target: "https://api.okviz.com/", Host: "api.okviz.com", Port: 443, Route: "direct", Status: status,
		Verdict: diag.Verdict{Code: code, Status: status, Summary: "The tool says " + code + ".", Remediation: "fix " + code},
		Checks:  []diag.Check{{ID: "dns.system", Status: status, Code: code}},
	}
}

var headless = Run{Mode: "headless", Browser: "Chromium", ThrowAway: true, NoSandbox: true, ProxySettings: "the machine's"}

func TestJudge(t *testing.T) {
	reached := TargetResult{Outcome: OutcomeReached, Status: 200, Attempts: []Attempt{{Mode: "cors", OK: true, Status: 200, DurationMS: 40}}}
	refused := TargetResult{Outcome: OutcomeCORSRefused, Attempts: []Attempt{{Mode: "cors"}, {Mode: "no-cors", OK: true}}}
	failed := TargetResult{Outcome: OutcomeNetworkError, Error: "TypeError: Failed to fetch"}
	for _, tc := range []struct {
		name        string
		tool        diag.TargetResult
		run         Run
		page        TargetResult
		nl          NetLogFacts
		check       string
		checkStatus diag.Status
		verdict     string
		status      diag.Status
		agrees      bool
		summaryHas  []string
	}{
		{"both ok", toolResult("ok", diag.StatusPass), headless, reached, NetLogFacts{},
			"browser.ok", diag.StatusPass, "ok", diag.StatusPass, true, []string{"The tool says ok."}},
		{"both ok, CORS refused", toolResult("ok", diag.StatusPass), headless, refused, NetLogFacts{},
			"browser.ok", diag.StatusPass, "ok", diag.StatusPass, true, nil},
		{"tool warns, browser ok", toolResult("tls.intercepted", diag.StatusWarn), headless, reached, NetLogFacts{},
			"browser.ok", diag.StatusPass, "tls.intercepted", diag.StatusWarn, true, nil},
		{"both fail", toolResult("dns.nxdomain", diag.StatusFail), headless, failed, NetLogFacts{NetError: "ERR_NAME_NOT_RESOLVED"},
			"browser.failed", diag.StatusFail, "dns.nxdomain", diag.StatusFail, true, []string{"The tool says dns.nxdomain."}},
		{"browser fails on a certificate the tool accepts", toolResult("tls.intercepted", diag.StatusWarn), headless, failed,
			NetLogFacts{NetError: "ERR_CERT_AUTHORITY_INVALID", Route: "[direct://]"},
			"browser.failed", diag.StatusFail, "browser.failed", diag.StatusFail, false,
			[]string{"cannot reach", "ERR_CERT_AUTHORITY_INVALID", "tls.intercepted", "Believe the browser", "--ca-file", "throw-away"}},
		{"browser's proxy refuses", toolResult("ok", diag.StatusPass), headless, failed, NetLogFacts{NetError: "ERR_TUNNEL_CONNECTION_FAILED"},
			"browser.failed", diag.StatusFail, "browser.failed", diag.StatusFail, false, []string{"proxy settings differ"}},
		{"browser reaches where the tool does not trust", toolResult("tls.untrusted", diag.StatusFail), headless, reached, NetLogFacts{},
			"browser.ok", diag.StatusPass, "tls.untrusted", diag.StatusWarn, false,
			[]string{"Your browser reaches the target", "tls.untrusted", "Believe the browser", "--ca-file"}},
		{"browser authenticates to the proxy", toolResult("proxy.auth_required", diag.StatusFail), headless, refused,
			NetLogFacts{Route: "[http://proxy:3128]"},
			"browser.ok", diag.StatusPass, "proxy.auth_required", diag.StatusWarn, false,
			[]string{"authenticates to the proxy", "The browser went [http://proxy:3128]; the tool went direct."}},
		{"no browser", toolResult("ok", diag.StatusPass), Run{Mode: "headless", Unavailable: "no Edge, Chrome or Chromium found"}, TargetResult{}, NetLogFacts{},
			"browser.unavailable", diag.StatusInfo, "ok", diag.StatusPass, false, nil},
		{"no report for the target", toolResult("dns.nxdomain", diag.StatusFail), headless, TargetResult{}, NetLogFacts{},
			"browser.unavailable", diag.StatusInfo, "dns.nxdomain", diag.StatusFail, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Judge(tc.tool, tc.run, tc.page, tc.nl, nil)
			c := got.Checks[len(got.Checks)-1]
			if c.ID != CheckID || c.Code != tc.check || c.Status != tc.checkStatus {
				t.Errorf("check %s %s [%s], want %s %s [%s]", c.ID, c.Code, c.Status, CheckID, tc.check, tc.checkStatus)
			}
			if got.Verdict.Code != tc.verdict || got.Verdict.Status != tc.status || got.Status != tc.status {
				t.Errorf("verdict %s [%s], target %s; want %s [%s]", got.Verdict.Code, got.Verdict.Status, got.Status, tc.verdict, tc.status)
			}
			for _, s := range tc.summaryHas {
				if !strings.Contains(got.Verdict.Summary, s) {
					t.Errorf("verdict summary %q does not say %q", got.Verdict.Summary, s)
				}
			}
			if got.Verdict.Code == tc.tool.Verdict.Code && got.Verdict.Remediation != tc.tool.Verdict.Remediation {
				t.Errorf("remediation %q, want the tool's", got.Verdict.Remediation)
			}
			var d FetchDetails
			b, _ := json.Marshal(c.Details)
			if err := json.Unmarshal(b, &d); err != nil {
				t.Fatalf("details %s: %v", b, err)
			}
			if d.Agrees != tc.agrees || d.ToolVerdict != tc.tool.Verdict.Code || d.Attempts == nil || d.Notes == nil {
				t.Errorf("details %s", b)
			}
			if tc.run.NoSandbox != strings.Contains(string(b), "--no-sandbox") {
				t.Errorf("no-sandbox %v, notes say otherwise: %s", tc.run.NoSandbox, b)
			}
			if len(got.Checks) != len(tc.tool.Checks)+1 {
				t.Errorf("%d checks, want the tool's %d and the browser's", len(got.Checks), len(tc.tool.Checks))
			}
		})
	}
}

// The details keep their typed shape through a report read back from JSON.
func TestFetchDetailsJSON(t *testing.T) {
	dns := int64(3)
	d := FetchDetails{Mode: "headless", Outcome: OutcomeReached, HTTPStatus: 200, Timing: &Timing{DurationMS: 12, DNSMS: &dns}, Attempts: []Attempt{}, Redirected: []string{}, Notes: []string{}}
	want, _ := json.Marshal(d)
	got, _ := json.Marshal(diag.NewCheck(CheckID, "browser.ok", "", &d).Details)
	var a, b any
	json.Unmarshal(want, &a)
	json.Unmarshal(got, &b)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) || !strings.Contains(string(got), `"http_status":200`) {
		t.Errorf("map %s, want %s", got, want)
	}
}

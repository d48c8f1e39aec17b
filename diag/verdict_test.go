package diag

import "testing"

func chk(id string, code Code) Check { return newCheck(id, code, "", nil) }

func TestVerdict(t *testing.T) {
	skewed := chk("clock", "clock.skew")
	info := chk("direct.tcp.connect", "tcp.timeout")
	info.Status = StatusInfo
	failoverWarn := chk("proxy.connect", "proxy.unreachable")
	failoverWarn.Status = StatusWarn
	tests := []struct {
		name   string
		checks []Check
		code   Code
		status Status
	}{
		{"all pass", []Check{chk("dns.system", "dns.ok"), chk("tcp.connect", "tcp.ok"), chk("tls.handshake", "tls.ok"), chk("http.get", "http.ok")}, "ok", StatusPass},
		{"first failing stage wins", []Check{chk("dns.system", "dns.ok"), chk("tcp.connect", "tcp.timeout"), SkipCheck("tls.handshake", "x")}, "tcp.timeout", StatusFail},
		{"stage order, not check order", []Check{chk("tls.handshake", "tls.reset"), chk("dns.system", "dns.nxdomain")}, "dns.nxdomain", StatusFail},
		{"proxy before dns", []Check{chk("dns.system", "dns.timeout"), chk("proxy.route", "proxy.pac_invalid")}, "proxy.pac_invalid", StatusFail},
		{"portal explains the certificate error", []Check{chk("tls.handshake", "tls.hostname_mismatch"), chk("http.portal", "http.captive_portal")}, "http.captive_portal", StatusFail},
		{"block page explains untrusted", []Check{chk("tls.handshake", "tls.untrusted"), chk("http.get", "http.blocked")}, "http.blocked", StatusFail},
		{"clock explains expired", []Check{chk("tls.handshake", "tls.expired"), skewed}, "clock.skew", StatusFail},
		{"expired without skew", []Check{chk("tls.handshake", "tls.expired"), chk("clock", "clock.ok")}, "tls.expired", StatusFail},
		{"skew does not explain a mismatch", []Check{chk("tls.handshake", "tls.hostname_mismatch"), skewed}, "tls.hostname_mismatch", StatusFail},
		{"info never decides", []Check{info, chk("proxy.connect", "proxy.ok"), chk("tls.handshake", "tls.ok")}, "ok", StatusPass},
		{"warnings ranked", []Check{chk("tcp.connect", "tcp.ipv6_broken"), chk("tls.handshake", "tls.intercepted")}, "tls.intercepted", StatusWarn},
		{"dead proxy in failover is a warning", []Check{failoverWarn, chk("tls.handshake", "tls.ok")}, "proxy.unreachable", StatusWarn},
		{"server error warns", []Check{chk("http.get", "http.server_error")}, "http.server_error", StatusWarn},
		{"skips alone pass nothing", []Check{SkipCheck("tls.handshake", "x"), chk("dns.system", "dns.ok")}, "ok", StatusPass},
	}
	for _, tt := range tests {
		v := verdict(tt.checks)
		if v.Code != tt.code || v.Status != tt.status {
			t.Errorf("%s: verdict = %s/%s, want %s/%s", tt.name, v.Code, v.Status, tt.code, tt.status)
		}
		if v.Status != StatusPass && v.Remediation == "" {
			t.Errorf("%s: verdict %s has no remediation", tt.name, v.Code)
		}
	}
}

func TestCodeTable(t *testing.T) {
	seen := map[Code]bool{}
	for _, c := range Codes() {
		if seen[c.Code] {
			t.Errorf("code %s listed twice", c.Code)
		}
		seen[c.Code] = true
		if c.Meaning == "" {
			t.Errorf("code %s has no meaning", c.Code)
		}
		if c.Status != StatusPass && c.Remediation == "" {
			t.Errorf("code %s (%s) has no remediation", c.Code, c.Status)
		}
		if c.Code != "ok" && stageOf(Check{Code: c.Code}) != c.Stage {
			t.Errorf("code %s is filed under stage %s", c.Code, c.Stage)
		}
	}
	if Lookup("no.such").Status != StatusFail {
		t.Error("an unknown code must fail, never pass silently")
	}
}

// TestExplainEveryCode: every code the tool reports can be explained:
// causes, a way to verify the fix, and its table entry.
func TestExplainEveryCode(t *testing.T) {
	for _, c := range Codes() {
		e, ok := Explain(c.Code)
		if !ok || e.Causes == "" || e.Verify == "" || e.Meaning != c.Meaning {
			t.Errorf("%s: explanation %+v, ok %v", c.Code, e, ok)
		}
	}
	for code := range causes {
		if _, ok := codeIndex[code]; !ok {
			t.Errorf("causes of %s, which is not a code", code)
		}
	}
	for code := range formatsFor {
		if _, ok := codeIndex[code]; !ok {
			t.Errorf("rule formats for %s, which is not a code", code)
		}
	}
	if _, ok := Explain("dns.nxdomian"); ok {
		t.Error("a misspelt code was explained")
	}
}

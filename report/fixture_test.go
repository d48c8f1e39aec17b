package report

import (
	"fmt"
	"time"

	"github.com/okviz/okviz-check/diag"
)

// Hostile strings as a middlebox could send them: an OSC that retitles the
// terminal, a CSI that clears the screen, an 8-bit CSI, Markdown and XML
// syntax, and a character XML 1.0 forbids.
const (
	hostileServer  = "nginx\x1b]0;pwned\x07/1.2"
	hostileTitle   = "Access denied\x1b[2J | ask *IT* <b>now</b> & [here](http://block.example/)"
	hostileSummary = "The connection was cut \x9b31mafter the request was sent\x00."
)

// fixedReport is the report every golden file renders: a proxy-route pass, a
// failing DNS target with skipped later stages, a trusted TLS interception
// (warn) and a block page full of escape sequences.
func fixedReport() *Report {
	targets := []diag.TargetResult{
		proxyTarget(), dnsFailTarget(), interceptedTarget(), hostileTarget(),
	}
	return &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "okviz-check", Version: "1.2.0", Commit: "abc1234"},
		StartedAt:     time.Date(2026, 11, 28, 11, 0, 0, 250e6, time.FixedZone("CET", 3600)),
		DurationMS:    412,
		System:        System{OS: "windows", Arch: "amd64"},
		Status:        Overall(targets),
		Proxy: ProxyInfo{Sources: []any{
			map[string]any{"source": "env", "variables": map[string]any{"HTTPS_PROXY": "", "NO_PROXY": ".corp.example"}},
			map[string]any{"source": "wpad", "url": "http://wpad.corp.example/wpad.dat", "found": true},
			map[string]any{"source": "pac", "url": "http://wpad.corp.example/wpad.dat",
				"results": []any{map[string]any{"url": "https://api.okviz.com/", "result": "PROXY proxy.corp.example:8080; DIRECT"}}},
		}},
		Targets: targets,
	}
}

func check(id, code, summary string, ms int64, details map[string]any) diag.Check {
	c := diag.NewCheck(id, code, summary, details)
	c.DurationMS = ms
	return c
}

func verdictOf(code, summary string) diag.Verdict {
	info := diag.Lookup(code)
	if summary == "" {
		summary = info.Meaning
	}
	v := diag.Verdict{Code: code, Status: info.Status, Summary: summary}
	if info.Status != diag.StatusPass {
		v.Remediation = info.Remediation
	}
	return v
}

func proxyTarget() diag.TargetResult {
	direct := check("direct.dns.system", "dns.nxdomain", "The system resolver says api.okviz.com does not exist.", 3,
		map[string]any{"note": "direct path, probed for evidence: the route is the proxy", "resolver": "system"})
	direct.Status, direct.Remediation = diag.StatusInfo, ""
	return diag.TargetResult{
		Target: "https://api.okviz.com/", Host: "api.okviz.com", Port: 443,
		Status: diag.StatusPass, Route: "proxy", Proxy: "http://***@proxy.corp.example:8080",
		Verdict: verdictOf("ok", ""),
		Checks: []diag.Check{
			check("proxy.discovery", "proxy.ok", "The PAC file sends https://api.okviz.com/ to proxy.corp.example:8080.", 21,
				map[string]any{"source": "pac", "pac_url": "http://wpad.corp.example/wpad.dat", "result": "PROXY proxy.corp.example:8080; DIRECT",
					"configured": "http://alice:s3cret@proxy.corp.example:8080"}),
			check("proxy.connect", "proxy.ok", "", 14, map[string]any{"hops": []any{
				map[string]any{"proxy": "http://***@proxy.corp.example:8080", "status": 200, "reply": "HTTP/1.1 200 Connection established", "duration_ms": 14},
			}}),
			direct,
			check("tls.handshake", "tls.ok", "", 38, map[string]any{
				"version": "TLS 1.3", "alpn": "h2",
				"issuer": "CN=R11,O=Let's Encrypt,C=US", "subject": "CN=api.okviz.com",
				"not_after": "2027-01-15T23:59:59Z",
				"chain": []any{
					map[string]any{"subject": "CN=api.okviz.com", "issuer": "CN=R11,O=Let's Encrypt,C=US"},
					map[string]any{"subject": "CN=R11,O=Let's Encrypt,C=US", "issuer": "CN=ISRG Root X1,O=Internet Security Research Group,C=US"},
				},
			}),
			check("http.get", "http.ok", "", 52, map[string]any{"status": 200, "protocol": "HTTP/2.0", "server": "nginx", "via": "1.1 proxy.corp.example (squid/6.10)"}),
			check("clock", "clock.ok", "", 0, map[string]any{"skew_s": -2, "trusted": true}),
		},
	}
}

func dnsFailTarget() diag.TargetResult {
	summary := "The resolver says license.okviz.com does not exist (NXDOMAIN)."
	return diag.TargetResult{
		Target: "https://license.okviz.com/", Host: "license.okviz.com", Port: 443,
		Status: diag.StatusFail, Route: "direct",
		Verdict: verdictOf("dns.nxdomain", summary),
		Checks: []diag.Check{
			check("dns.system", "dns.nxdomain", summary, 12, map[string]any{
				"resolver": "system", "servers": []string{"198.18.0.53:53"}, "rcode": "NXDOMAIN", "answers": []string{},
			}),
			check("dns.compare", "dns.ok", "The comparison resolver knows the name.", 31, map[string]any{
				"resolver": "198.18.0.1:53", "answers": []string{"198.18.1.10", "198.18.1.11"},
			}),
			diag.SkipCheck("tcp.connect", "the name did not resolve"),
			diag.SkipCheck("tls.handshake", "the name did not resolve"),
			diag.SkipCheck("http.get", "the name did not resolve"),
		},
	}
}

func interceptedTarget() diag.TargetResult {
	summary := "Zscaler decrypts this connection: the certificate comes from \"Zscaler Intermediate Root CA\", trusted only on this machine."
	attempts := []any{}
	for i := range 7 {
		result := "ok"
		if i > 0 {
			result = "not tried"
		}
		attempts = append(attempts, map[string]any{"address": fmt.Sprintf("198.18.2.%d:443", i+1), "family": "ipv4", "result": result})
	}
	return diag.TargetResult{
		Target: "https://cdn.okviz.com/", Host: "cdn.okviz.com", Port: 443,
		Status: diag.StatusWarn, Route: "direct",
		Verdict: verdictOf("tls.intercepted", summary),
		Checks: []diag.Check{
			check("dns.system", "dns.ok", "", 4, map[string]any{"resolver": "system", "answers": []string{"198.18.2.1", "198.18.2.2"}}),
			check("tcp.connect", "tcp.ok", "", 9, map[string]any{"attempts": attempts, "connected": "198.18.2.1:443", "port": 443}),
			check("tls.handshake", "tls.intercepted", summary, 44, map[string]any{
				"product": "Zscaler", "trusted_by": "system store",
				"issuer":       "CN=Zscaler Intermediate Root CA (zscaler.net),O=Zscaler Inc.",
				"public_roots": "not trusted",
			}),
			check("http.get", "http.ok", "", 61, map[string]any{"status": 200, "protocol": "HTTP/1.1"}),
		},
	}
}

func hostileTarget() diag.TargetResult {
	return diag.TargetResult{
		Target: "https://files.okviz.com:8443/", Host: "files.okviz.com", Port: 8443,
		Status: diag.StatusFail, Route: "direct",
		Verdict: verdictOf("http.blocked", hostileSummary),
		Checks: []diag.Check{
			check("dns.system", "dns.ok", "", 5, map[string]any{"answers": []string{"198.18.3.1"}}),
			check("tcp.connect", "tcp.ok", "", 8, nil),
			check("tls.handshake", "tls.ok", "", 30, map[string]any{"issuer": "CN=Evil\x1b[2J CA\u202e,O=\x9d0;t\x9cBad"}),
			check("http.get", "http.blocked", hostileSummary, 17, map[string]any{
				"status": 403, "server": hostileServer, "title": hostileTitle,
				"headers": map[string]any{"X-Block-Reason": "policy\r\n\x1bP+q\x1b\\Set-Cookie: x"},
			}),
		},
	}
}

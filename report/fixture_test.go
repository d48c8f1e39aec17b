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

func check(id string, code diag.Code, summary string, ms int64, details map[string]any) diag.Check {
	c := diag.NewCheck(id, code, summary, typed(id, details))
	c.DurationMS = ms
	return c
}

func verdictOf(code diag.Code, summary string) diag.Verdict {
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

// The details below have the keys and shapes the diag and proxy packages
// write (see diag/dns.go, dnscheck.go, tcp.go, tls.go, tls_verify.go,
// http.go and proxy.Hop), so the goldens show what a real run prints.

// leafCert is a served certificate as diag summarises it.
func leafCert(subject, issuer string, names ...string) diag.CertSummary {
	return diag.CertSummary{
		Subject: subject, Issuer: issuer, Serial: "4a1f0c",
		NotBefore: "2026-10-17T00:00:00Z", NotAfter: "2027-01-15T23:59:59Z",
		SHA256: "9f2c", SPKISHA256: "77d0", DNSNames: names, IPAddresses: []string{},
		KeyType: "ECDSA P-256", SignatureAlgorithm: "SHA256-RSA",
		OCSP: []string{}, CRL: []string{"http://r11.c.lencr.example/12.crl"}, AIA: []string{"http://r11.i.lencr.example/"},
		EmbeddedSCTs: 2,
	}
}

// verified is diag's verdict of the two verifiers and the name check.
func verified(host string, system, public bool) map[string]any {
	side := func(ok bool, via string) map[string]any {
		if ok {
			return map[string]any{"ok": true, "via": via}
		}
		return map[string]any{"ok": false, "error": "x509: certificate signed by unknown authority"}
	}
	return map[string]any{
		"system":   side(system, "system"),
		"public":   side(public, "public"),
		"hostname": map[string]any{"ok": true, "error": "", "host": host},
		"time":     "2026-11-28T10:00:00Z",
	}
}

// handshake is the details of a completed TLS handshake.
func handshake(host, address string, chain []diag.CertSummary, verify map[string]any) map[string]any {
	return map[string]any{
		"sni": host, "alpn_offered": []string{"h2", "http/1.1"}, "address": address,
		"version": "TLS 1.3", "cipher": "TLS_AES_128_GCM_SHA256", "alpn": "h2", "curve": "X25519MLKEM768",
		"ocsp_stapled": false, "tls_scts": 0,
		"chain": chain, "ocsp": []string{}, "crl": []string{}, "aia": []string{},
		"revocation_hosts": []string{}, "verify": verify,
	}
}

func proxyTarget() diag.TargetResult {
	direct := check("direct.dns.system", "dns.nxdomain", "The system resolver says api.okviz.com does not exist.", 3,
		map[string]any{"note": "direct path, probed for evidence: the route is the proxy", "resolver": "system",
			"addresses": []string{}, "configured_resolvers": []string{"198.18.0.53"},
			"error": "lookup api.okviz.com on 198.18.0.53:53: no such host", "error_kind": "not_found"})
	direct.Status, direct.Remediation = diag.StatusInfo, ""
	le := "CN=R11,O=Let's Encrypt,C=US"
	return diag.TargetResult{
		Target: "https://api.okviz.com/", Host: "api.okviz.com", Port: 443,
		Status: diag.StatusPass, Route: "proxy", Proxy: "http://***@proxy.corp.example:8080",
		Verdict: verdictOf("ok", ""),
		Checks: []diag.Check{
			check("proxy.discovery", "proxy.ok", "The PAC file sends https://api.okviz.com/ to proxy.corp.example:8080.", 21,
				map[string]any{"source": "pac", "pac_url": "http://wpad.corp.example/wpad.dat", "result": "PROXY proxy.corp.example:8080; DIRECT",
					"configured": "http://alice:s3cret@proxy.corp.example:8080"}),
			check("proxy.connect", "proxy.ok", "", 14, map[string]any{"hops": []any{
				map[string]any{"proxy": "http://***@proxy.corp.example:8080", "code": "proxy.ok", "status": 200, "schemes": []string{},
					"reason": "HTTP/1.1 200 Connection established", "auth_sent": true, "duration_ms": 14},
			}}),
			direct,
			check("tls.handshake", "tls.ok", "", 38, handshake("api.okviz.com", "198.18.0.8:8080", []diag.CertSummary{
				leafCert("CN=api.okviz.com", le, "api.okviz.com"),
				leafCert(le, "CN=ISRG Root X1,O=Internet Security Research Group,C=US"),
			}, verified("api.okviz.com", true, true))),
			check("http.get", "http.ok", "", 52, map[string]any{"status": 200, "protocol": "HTTP/2.0", "server": "nginx",
				"via": "1.1 proxy.corp.example (squid/6.10)", "date": "Sat, 28 Nov 2026 10:00:02 GMT", "content_type": "application/json"}),
			check("clock", "clock.ok", "", 0, map[string]any{"server_date": "2026-11-28T10:00:02Z", "local_time": "2026-11-28T10:00:00Z",
				"skew_s": -2, "trusted": true}),
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
				"resolver": "system", "addresses": []string{}, "configured_resolvers": []string{"198.18.0.53"},
				"error": "lookup license.okviz.com on 198.18.0.53:53: no such host", "error_kind": "not_found",
				"resolver_rcodes": map[string]string{"198.18.0.53": "NXDOMAIN"},
			}),
			check("dns.compare", "dns.ok", "The comparison resolvers agree with this machine's answer for license.okviz.com", 31, map[string]any{
				"views": []diag.DNSView{{
					Server: "198.18.0.1", Transport: "udp", Role: "compare", Rcode: "NXDOMAIN",
					Addrs: []string{}, CNAMEs: []string{}, SOA: true, ExtendedErrors: []diag.DNSExtendedError{},
					DurationMS: 31, Code: "dns.nxdomain", Queries: []diag.DNSQuery{
						{Type: "A", Transport: "udp", Rcode: "NXDOMAIN", DurationMS: 30},
						{Type: "AAAA", Transport: "udp", Rcode: "NXDOMAIN", DurationMS: 31},
					},
				}},
				"system_addresses": []string{}, "disagreeing": []string{},
			}),
			diag.SkipCheck("tcp.connect", "the name did not resolve"),
			diag.SkipCheck("tls.handshake", "the name did not resolve"),
			diag.SkipCheck("http.get", "the name did not resolve"),
		},
	}
}

func interceptedTarget() diag.TargetResult {
	summary := "Zscaler decrypts this connection: the certificate comes from \"Zscaler Intermediate Root CA\", trusted only on this machine."
	var addrs []string
	attempts := []any{}
	for i := range 7 {
		a := fmt.Sprintf("198.18.2.%d", i+1)
		addrs = append(addrs, a)
		attempts = append(attempts, map[string]any{"address": a + ":443", "family": "ipv4", "result": "ok", "duration_ms": 9 + i})
	}
	zscaler := "CN=Zscaler Intermediate Root CA (zscaler.net),O=Zscaler Inc."
	tlsDetails := handshake("cdn.okviz.com", "198.18.2.1:443", []diag.CertSummary{
		leafCert("CN=cdn.okviz.com", zscaler, "cdn.okviz.com"),
	}, verified("cdn.okviz.com", true, false))
	tlsDetails["product"], tlsDetails["product_kind"], tlsDetails["product_match"] = "Zscaler", "cloud", zscaler
	return diag.TargetResult{
		Target: "https://cdn.okviz.com/", Host: "cdn.okviz.com", Port: 443,
		Status: diag.StatusWarn, Route: "direct",
		Verdict: verdictOf("tls.intercepted", summary),
		Checks: []diag.Check{
			check("dns.system", "dns.ok", "", 4, map[string]any{"resolver": "system", "addresses": addrs,
				"configured_resolvers": []string{"198.18.0.53"}, "canonical_name": "okviz.edge.cdn.example"}),
			check("tcp.connect", "tcp.ok", "", 9, map[string]any{"attempts": attempts, "connected": "198.18.2.1:443", "port": 443}),
			check("tls.handshake", "tls.intercepted", summary, 44, tlsDetails),
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
			check("dns.system", "dns.ok", "", 5, map[string]any{"resolver": "system", "addresses": []string{"198.18.3.1"}}),
			check("tcp.connect", "tcp.ok", "", 8, nil),
			// The chain as a map: raw bytes reach the renderers unchanged.
			check("tls.handshake", "tls.ok", "", 30, map[string]any{"chain": []any{map[string]any{
				"subject": "CN=files.okviz.com", "issuer": "CN=Evil\x1b[2J CA\u202e,O=\x9d0;t\x9cBad", "not_after": "2027-01-15T23:59:59Z",
			}}}),
			check("http.get", "http.blocked", hostileSummary, 17, map[string]any{
				"status": 403, "server": hostileServer, "title": hostileTitle,
				"headers": map[string]any{"X-Block-Reason": "policy\r\n\x1bP+q\x1b\\Set-Cookie: x"},
			}),
		},
	}
}

package report

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/diag"
)

// TestFacts checks the compact evidence of each kind of check, built the
// way diag and proxy build their details.
func TestFacts(t *testing.T) {
	view := func(server, role, rcode string, addrs ...string) diag.DNSView {
		return diag.DNSView{Server: server, Transport: "udp", Role: role, Rcode: rcode, Addrs: addrs,
			CNAMEs: []string{}, ExtendedErrors: []diag.DNSExtendedError{}, Queries: []diag.DNSQuery{}}
	}
	filtered := view("198.18.0.53", "configured", "NXDOMAIN")
	filtered.ExtendedErrors = []diag.DNSExtendedError{{Code: 15, Name: "Blocked", Text: "policy"}}
	viaCDN := view("198.18.0.1", "compare", "NOERROR", "198.18.1.10")
	viaCDN.CNAMEs = []string{"api.okviz.com.edge.example", "e1.edge.example"}
	silent := view("https://doh.example/dns-query", "compare", "")
	silent.Transport, silent.ErrKind = "doh", "timeout"
	sinkholed := view("198.18.0.54", "configured", "NOERROR", "0.0.0.0")
	sinkholed.Code, sinkholed.Agrees = "dns.sinkhole", true

	attempt := func(addr, family, result string, ms int) map[string]any {
		return map[string]any{"address": addr, "family": family, "result": result, "duration_ms": ms}
	}
	cases := []struct {
		name    string
		id      string
		status  diag.Status // pass when empty
		summary string
		details map[string]any
		want    []string
	}{
		{
			name: "dns.system: addresses the summary cut, and the canonical name", id: "dns.system",
			summary: "api.okviz.com resolves to 198.18.1.1, 198.18.1.2, 198.18.1.3 and 2 more",
			details: map[string]any{"resolver": "system", "configured_resolvers": []string{"198.18.0.53"},
				"addresses":      []string{"198.18.1.1", "198.18.1.2", "198.18.1.3", "fd00:198:18::1", "fd00:198:18::2", "fd00:198:18::3"},
				"canonical_name": "api.okviz.com.edge.example."},
			want: []string{
				"addresses: 198.18.1.1, 198.18.1.2, 198.18.1.3, fd00:198:18::1, +2 more",
				"cname: api.okviz.com → api.okviz.com.edge.example.",
			},
		},
		{
			name: "dns.system: a pass the summary says all about", id: "dns.system",
			summary: "api.okviz.com resolves to 198.18.1.1 and 198.18.1.2",
			details: map[string]any{"resolver": "system", "configured_resolvers": []string{"198.18.0.53"},
				"addresses": []string{"198.18.1.1", "198.18.1.2"}, "canonical_name": "API.okviz.com."},
		},
		{
			name: "dns.system: an address literal", id: "dns.system", summary: "198.18.1.1 is an IP address: no DNS lookup is needed",
			details: map[string]any{"addresses": []string{"198.18.1.1"}, "resolver": "none"},
		},
		{
			name: "dns.system: what each resolver answered directly", id: "dns.system", status: diag.StatusFail,
			summary: "The resolvers 198.18.0.53 and 198.18.0.54 did not answer for api.okviz.com in time",
			details: map[string]any{"resolver": "system", "addresses": []string{}, "configured_resolvers": []string{"198.18.0.53", "198.18.0.54"},
				"error": "lookup api.okviz.com: i/o timeout", "error_kind": "timeout",
				"resolver_rcodes": map[string]string{"198.18.0.54": "timeout", "198.18.0.53": "SERVFAIL"}},
			want: []string{"resolvers: 198.18.0.53 SERVFAIL, 198.18.0.54 timeout"},
		},
		{
			name: "dns.system: the error, and resolvers it does not name", id: "dns.system", status: diag.StatusFail,
			summary: "The system resolver got no answer for api.okviz.com in time",
			details: map[string]any{"resolver": "system", "addresses": []string{}, "configured_resolvers": []string{"198.18.0.53"},
				"error": "lookup api.okviz.com: i/o timeout", "error_kind": "timeout"},
			want: []string{"resolver: 198.18.0.53", "error: lookup api.okviz.com: i/o timeout"},
		},
		{
			name: "dns.system: a sinkhole", id: "dns.system", status: diag.StatusFail,
			summary: "api.okviz.com resolves to the block page of Cisco Umbrella",
			details: map[string]any{"resolver": "system", "addresses": []string{"146.112.61.104"},
				"sinkhole":           map[string]any{"kind": "block_page", "product": "Cisco Umbrella", "addresses": []string{"146.112.61.104"}},
				"resolver_addresses": []string{"198.18.1.10"}},
			want: []string{"addresses: 146.112.61.104", "sinkhole: block_page, Cisco Umbrella", "DNS servers answer: 198.18.1.10"},
		},
		{
			name: "dns.servers: one line per resolver, more than four counted", id: "dns.servers", status: diag.StatusWarn,
			details: map[string]any{
				"views": []diag.DNSView{filtered, sinkholed, view("198.18.0.55", "extra", "NOERROR"),
					view("198.18.0.56", "extra", "REFUSED"), view("198.18.0.57", "extra", "NXDOMAIN"), view("198.18.0.58", "extra", "SERVFAIL")},
				"disagreeing": []string{"198.18.0.53", "198.18.0.56", "198.18.0.57"}, "system_addresses": []string{"198.18.1.10"},
			},
			want: []string{
				"198.18.0.53 (configured, udp): NXDOMAIN, extended error Blocked — disagrees",
				"198.18.0.54 (configured, udp): 0.0.0.0 (sinkhole) — agrees",
				"198.18.0.55 (extra, udp): NOERROR, no address",
				"198.18.0.56 (extra, udp): REFUSED — disagrees",
				"… and 2 more: 1 disagree, 1 agree",
			},
		},
		{
			name: "dns.compare: a CNAME chain and a silent DoH resolver", id: "dns.compare",
			details: map[string]any{"views": []diag.DNSView{viaCDN, silent}, "disagreeing": []string{}, "system_addresses": []string{"198.18.1.10"}},
			want: []string{
				"198.18.0.1 (compare, udp): 198.18.1.10 via e1.edge.example",
				"https://doh.example/dns-query (compare, doh): no answer (timeout)",
			},
		},
		{
			name: "tcp.connect: one line per attempt, the rest tallied", id: "tcp.connect", status: diag.StatusWarn,
			details: map[string]any{"port": 443, "connected": "198.18.1.1:443", "attempts": []any{
				attempt("198.18.1.1:443", "ipv4", "ok", 12), attempt("[fd00:198:18::1]:443", "ipv6", "timeout", 5000),
				attempt("198.18.1.2:443", "ipv4", "ok", 13), attempt("[fd00:198:18::2]:443", "ipv6", "timeout", 5000),
				attempt("198.18.1.3:443", "ipv4", "ok", 14), attempt("[fd00:198:18::3]:443", "ipv6", "timeout", 5000),
				attempt("[fd00:198:18::4]:443", "ipv6", "unreachable", 1),
			}},
			want: []string{
				"198.18.1.1:443 ipv4 ok 12 ms",
				"[fd00:198:18::1]:443 ipv6 timeout 5000 ms",
				"198.18.1.2:443 ipv4 ok 13 ms",
				"[fd00:198:18::2]:443 ipv6 timeout 5000 ms",
				"… and 3 more: 1 ok, 1 timeout, 1 unreachable",
			},
		},
		{
			name: "direct.tcp.connect: the note first", id: "direct.tcp.connect", status: diag.StatusInfo,
			details: map[string]any{"note": "direct path, probed for evidence: the route is the proxy",
				"attempts": []any{attempt("198.18.1.1:443", "ipv4", "timeout", 5000)}},
			want: []string{"note: direct path, probed for evidence: the route is the proxy", "198.18.1.1:443 ipv4 timeout 5000 ms"},
		},
		{
			name: "tls.handshake: a reset, and what the variants say", id: "tls.handshake", status: diag.StatusFail,
			details: map[string]any{"sni": "api.okviz.com", "address": "198.18.1.1:443",
				"error": "read tcp 198.18.0.2:50000->198.18.1.1:443: read: connection reset by peer", "error_kind": "reset",
				"variants": []map[string]any{
					{"variant": "neutral_sni", "sni": "example.com", "result": "ok", "duration_ms": int64(21)},
					{"variant": "classic_clienthello", "sni": "api.okviz.com", "result": "reset", "duration_ms": int64(3), "error": "reset"},
				}},
			want: []string{
				"variant neutral SNI example.com: ok 21 ms",
				"variant classic ClientHello: reset 3 ms",
				"error (reset): read tcp 198.18.0.2:50000->198.18.1.1:443: read: connection reset by peer",
			},
		},
		{
			name: "tls.handshake: an alert and plain HTTP", id: "tls.handshake", status: diag.StatusFail,
			details: map[string]any{"error": "remote error: tls: handshake failure", "error_kind": "protocol",
				"alert": "handshake failure", "alert_code": 40, "first_bytes": "HTTP/1.1 403 Forbidden\r\nServer: filter\r\n\r\n"},
			want: []string{"alert: handshake failure (40)", "first bytes: HTTP/1.1 403 Forbidden  Server: filter"},
		},
		{
			name: "tls.handshake: a portal's certificate for another name", id: "tls.handshake", status: diag.StatusFail,
			details: map[string]any{"version": "TLS 1.2", "cipher": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "alpn": "",
				"chain": []diag.CertSummary{{Subject: "CN=portal.hotel.example", Issuer: "CN=portal.hotel.example", NotAfter: "2030-05-01T00:00:00Z",
					SelfSigned: true, DNSNames: []string{"portal.hotel.example", "login.hotel.example"}, IPAddresses: []string{"198.18.9.1"}}},
				"verify": map[string]any{
					"system":   map[string]any{"ok": false, "error": "x509: certificate signed by unknown authority"},
					"public":   map[string]any{"ok": false, "error": "x509: certificate signed by unknown authority"},
					"hostname": map[string]any{"ok": false, "host": "api.okviz.com"},
				}},
			want: []string{
				"TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
				"certificate: CN=portal.hotel.example, self-signed, valid until 2030-05-01",
				"trusted by: system no, public no",
				"names in certificate: portal.hotel.example, login.hotel.example, 198.18.9.1",
			},
		},
		{
			name: "tls.handshake: trusted through --ca-file", id: "tls.handshake", status: diag.StatusWarn,
			details: map[string]any{"verify": map[string]any{
				"system": map[string]any{"ok": true, "via": "ca_file"}, "public": map[string]any{"ok": true, "via": "public"},
			}, "product": "mitmproxy", "product_kind": "developer"},
			want: []string{"trusted by: system yes (with --ca-file), public yes", "product: mitmproxy (developer)"},
		},
		{
			name: "http.portal: where it sends the browser", id: "http.portal", status: diag.StatusFail,
			details: map[string]any{"status": 302, "protocol": "HTTP/1.1", "location": "http://198.18.9.1/login?from=api.okviz.com",
				"title": "Hotel Wi-Fi", "url": "http://api.okviz.com/"},
			want: []string{"HTTP 302 (HTTP/1.1)", "location: http://198.18.9.1/login?from=api.okviz.com", "title: Hotel Wi-Fi"},
		},
		{
			name: "http.get: a block page", id: "http.get", status: diag.StatusFail,
			details: map[string]any{"status": 403, "protocol": "HTTP/1.1", "server": "squid/6.10", "via": "1.1 proxy (squid/6.10)",
				"x_squid_error": "ERR_ACCESS_DENIED 0", "product": "Squid", "date": "Sat, 28 Nov 2026 10:00:02 GMT"},
			want: []string{"HTTP 403 (HTTP/1.1), server: squid/6.10, via: 1.1 proxy (squid/6.10)", "block page: Squid, squid error: ERR_ACCESS_DENIED 0"},
		},
		{
			name: "http.get: no answer", id: "http.get", status: diag.StatusFail,
			details: map[string]any{"error": "context deadline exceeded"},
			want:    []string{"error: context deadline exceeded"},
		},
		{
			name: "clock: a skew of hours, from an untrusted answer", id: "clock", status: diag.StatusWarn,
			details: map[string]any{"server_date": "2026-11-28T10:00:00Z", "local_time": "2026-11-28T13:02:05Z", "skew_s": int64(10925), "trusted": false},
			want:    []string{"skew: +3h02m (this machine is ahead), server date: 2026-11-28T10:00:00Z, from an unverified connection"},
		},
		{
			name: "proxy.connect: a 407 with its schemes, credentials masked", id: "proxy.connect", status: diag.StatusFail,
			details: map[string]any{"hops": []any{
				map[string]any{"proxy": "http://alice:s3cret@proxy.corp.example:8080", "code": "proxy.unreachable", "schemes": []string{},
					"error": "dial tcp 198.18.0.8:8080: i/o timeout", "fallback": true},
				map[string]any{"proxy": "http://***@proxy2.corp.example:8080", "code": "proxy.auth_required", "status": 407,
					"schemes": []string{"Negotiate", "NTLM", "Basic"}, "reason": "HTTP/1.1 407 Proxy Authentication Required"},
			}},
			want: []string{
				"http://***@proxy.corp.example:8080: proxy.unreachable, dial tcp 198.18.0.8:8080: i/o timeout",
				"http://***@proxy2.corp.example:8080: proxy.auth_required, schemes: Negotiate, NTLM, Basic, HTTP/1.1 407 Proxy Authentication Required",
			},
		},
		{
			name: "proxy.route: where the route came from", id: "proxy.route",
			details: map[string]any{"browser": map[string]any{"kind": "wpad", "from": "windows-ie-user"}, "cli": map[string]any{"kind": "direct", "from": "env"},
				"notes": []string{}, "pac_url": "http://wpad.corp.example/wpad.dat",
				"pac_result": "PROXY proxy.corp.example:8080; DIRECT", "proxies": []string{"http://proxy.corp.example:8080", "direct"}},
			want: []string{
				"pac_url: http://wpad.corp.example/wpad.dat, result: PROXY proxy.corp.example:8080; DIRECT",
				"proxies: http://proxy.corp.example:8080, direct",
			},
		},
		{
			name: "network text is sanitised", id: "http.get", status: diag.StatusFail,
			details: map[string]any{"status": 403, "server": hostileServer, "title": hostileTitle},
			want:    []string{"HTTP 403, server: nginx/1.2", "title: Access denied | ask *IT* <b>now</b> & [here](http://block.example/)"},
		},
		{
			name: "browser.fetch: the browser's own error and route, and how it ran", id: "browser.fetch", status: diag.StatusFail,
			details: map[string]any{"mode": "headless", "browser": "Chromium", "profile": "throw-away", "no_sandbox": true,
				"proxy_settings": "the machine's", "outcome": "network_error", "error": "TypeError: Failed to fetch",
				"net_error": "ERR_CERT_AUTHORITY_INVALID", "browser_route": "[http://proxy.corp.example:3128]",
				"blocked_redirects": []string{}, "attempts": []any{}, "tool_verdict": "tls.intercepted", "agrees_with_tool": false,
				"notes": []string{"a throw-away profile has no saved proxy credentials"}},
			want: []string{
				"outcome: network_error, browser error: ERR_CERT_AUTHORITY_INVALID, route: [http://proxy.corp.example:3128]",
				"browser: headless Chromium, no sandbox (running as root), profile: throw-away, proxy settings: the machine's",
				"note: a throw-away profile has no saved proxy credentials",
			},
		},
		{name: "an unknown id shows nothing", id: "quic.handshake", details: map[string]any{"version": "1", "error": "x"}},
		{name: "no id", id: "", details: map[string]any{"addresses": []string{"198.18.1.1"}}},
		{name: "no details", id: "tls.handshake"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := diag.Check{ID: tc.id, Status: tc.status, Summary: tc.summary, Details: typed(tc.id, tc.details)}
			if c.Status == "" {
				c.Status = diag.StatusPass
			}
			got := facts(c, "api.okviz.com")
			if !reflect.DeepEqual(got, tc.want) && len(got)+len(tc.want) > 0 {
				t.Errorf("facts:\n got %q\nwant %q", got, tc.want)
			}
			// A report read back from JSON gives the same facts.
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			var back diag.Check
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if again := facts(back, "api.okviz.com"); !reflect.DeepEqual(again, got) {
				t.Errorf("from JSON:\n got %q\nwant %q", again, got)
			}
		})
	}
}

// TestOddDetails reads a saved report whose details have the wrong shape,
// as a hand-edited report or one from a future version could carry: the
// check keeps them as raw evidence, shows no compact facts, and prints them
// sanitised with --verbose, without a panic.
func TestOddDetails(t *testing.T) {
	odd := `{"attempts": "not a list", "views": [1, 2], "hops": [null, 3, {"proxy": 7, "status": "x"}],
		"chain": {"subject": ["x"]}, "verify": "yes", "variants": [{}], "addresses": [null, {}, "198.18.1.1"],
		"sinkhole": 4, "resolver_rcodes": ["a"], "skew_s": "NaN", "status": 1.5e300, "first_bytes": "\u001b[2J"}`
	for _, id := range []string{"dns.system", "dns.servers", "dns.compare", "tcp.connect", "tls.handshake",
		"http.get", "http.portal", "clock", "proxy.connect", "direct.dns.system", "x"} {
		var c diag.Check
		if err := json.Unmarshal([]byte(`{"id": "`+id+`", "status": "fail", "details": `+odd+`}`), &c); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if _, ok := c.Details.(diag.RawDetails); !ok {
			t.Errorf("%s: odd details read as %T", id, c.Details)
		}
		if got := facts(c, "api.okviz.com"); len(got) != 0 {
			t.Errorf("%s: facts from raw evidence: %q", id, got)
		}
		var lines []string
		for _, n := range evidence(c.Details, limitsFor(true)) {
			lines = append(lines, n.key+"="+n.value)
		}
		text := strings.Join(lines, "\n")
		if strings.ContainsAny(text, "\x1b\x00") || !strings.Contains(text, "attempts=not a list") {
			t.Errorf("%s: verbose evidence %q", id, text)
		}
	}
}

func TestFormatSkew(t *testing.T) {
	for s, want := range map[int64]string{
		0: "0s", 1: "+1s", -45: "-45s", 60: "+1m00s", -754: "-12m34s", 10925: "+3h02m",
		-47 * 3600: "-47h00m", 48 * 3600: "+2d00h", 3*86400 + 5*3600 + 59: "+3d05h",
	} {
		if got := formatSkew(s); got != want {
			t.Errorf("formatSkew(%d) = %q, want %q", s, got, want)
		}
	}
}

// TestCompactAndVerbose: the default text and Markdown show the compact
// facts; --verbose shows every detail instead, as before.
func TestCompactAndVerbose(t *testing.T) {
	for _, tc := range []struct {
		format          string
		compact, detail string
	}{
		{FormatText, "        TLS 1.3, TLS_AES_128_GCM_SHA256, h2\n", "          spki_sha256: 9f2c…\n"},
		{FormatMarkdown, "  - TLS 1.3, TLS\\_AES\\_128\\_GCM\\_SHA256, h2\n", "  - spki\\_sha256: 9f2c…\n"},
	} {
		out := render(t, fixedReport(), tc.format, Options{})
		verbose := render(t, fixedReport(), tc.format, Options{Verbose: true})
		if !strings.Contains(out, tc.compact) || strings.Contains(out, "spki") {
			t.Errorf("%s: the default output is not the compact evidence:\n%s", tc.format, out)
		}
		if !strings.Contains(verbose, tc.detail) || strings.Contains(verbose, tc.compact) {
			t.Errorf("%s: --verbose does not show every detail:\n%s", tc.format, verbose)
		}
	}
}

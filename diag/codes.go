package diag

import "sort"

// CodeInfo documents one problem code: its usual status, what it means and
// what to do about it (with who does it). The README's code table and the
// report's remediation lines are both generated from this table, so the two
// cannot drift apart.
type CodeInfo struct {
	Code        string
	Stage       string
	Status      Status
	Meaning     string
	Remediation string
}

// codes is the contract of docs/SPEC.md, "Problem codes".
var codes = []CodeInfo{
	{"ok", "overall", StatusPass, "The target is reachable over HTTPS from this machine.", ""},

	{"proxy.none", "proxy", StatusPass, "No proxy is configured: traffic goes direct.", ""},
	{"proxy.ok", "proxy", StatusPass, "The proxy accepted a CONNECT tunnel to the target.", ""},
	{"proxy.unreachable", "proxy", StatusFail, "The proxy could not be reached (no answer, refused or unresolvable).",
		"Desk-side: check the proxy address in the system or PAC settings; network team: make sure the proxy is up and reachable from this network."},
	{"proxy.auth_required", "proxy", StatusFail, "The proxy wants authentication (HTTP 407) before it opens a tunnel.",
		"Browsers answer NTLM/Negotiate silently with the Windows login; tools need credentials: put them in the proxy URL (http://user:pass@proxy:port) or ask the proxy team to exempt the target from authentication."},
	{"proxy.auth_failed", "proxy", StatusFail, "The proxy rejected the credentials that were sent.",
		"Desk-side: check the user name and password in the proxy URL; proxy team: check the account and the authentication scheme allowed."},
	{"proxy.denied", "proxy", StatusFail, "The proxy refused to open a tunnel to the target (403 or similar).",
		"Proxy team: allow CONNECT to the target host and port (443 unless the target names another; squid's SSL_ports often allows only 443) (see `okviz-check rules --format squid` or your proxy's format)."},
	{"proxy.protocol_error", "proxy", StatusFail, "The proxy answered the CONNECT request with something that is not valid HTTP.",
		"Network team: check that the configured address and port are the proxy's: an HTTP proxy port for http:// (not a SOCKS, SSH or web port), and for https:// a certificate this machine trusts (see the hop's reason)."},
	{"proxy.pac_unreachable", "proxy", StatusFail, "The PAC file could not be fetched. A warning when browsers fall back to a path that works; auto-detect (WPAD) that finds no PAC file at all is no finding (proxy.none).",
		"Network team: make sure the PAC URL is served (HTTP 200) to this machine; desk-side: check the auto-config URL in the proxy settings."},
	{"proxy.pac_invalid", "proxy", StatusFail, "The PAC file does not work: syntax error, runtime error, runaway script or an unusable result. A warning when browsers fall back to a path that works.",
		"Proxy team: fix the PAC script (the details give the line and message); `okviz-check pac FILE URL` reproduces it."},

	{"dns.ok", "dns", StatusPass, "The name resolves to usable addresses.", ""},
	{"dns.nxdomain", "dns", StatusFail, "The resolver says the name does not exist (NXDOMAIN).",
		"Network team: the DNS resolver or a DNS filter blocks the name; allow it in the DNS filter or forward it to a resolver that knows it."},
	{"dns.no_address", "dns", StatusFail, "The name exists but has no A or AAAA record here.",
		"Network team: check the DNS filter or split-horizon zone that serves this name without addresses."},
	{"dns.servfail", "dns", StatusFail, "The resolver failed to resolve the name (SERVFAIL).",
		"Network team: the resolver cannot reach the authoritative servers or fails DNSSEC validation; check its forwarders."},
	{"dns.refused", "dns", StatusFail, "The resolver refused the query (REFUSED).",
		"Network team: the resolver does not serve this client or blocks the name by policy; allow the name or use the company resolver."},
	{"dns.timeout", "dns", StatusFail, "The resolver did not answer in time.",
		"Network team: make sure DNS (UDP and TCP port 53) to the configured resolvers is allowed and the resolvers are up."},
	{"dns.sinkhole", "dns", StatusFail, "The name resolves to a block address (0.0.0.0, ::, loopback, a private address or a known block page).",
		"Security team: a DNS filter sinkholes the name; add it to the allow-list of the DNS filter."},
	{"dns.mismatch", "dns", StatusWarn, "Resolvers disagree about the name: split-horizon DNS or a hijacked answer.",
		"Network team: check that the internal DNS answers for this public name are intended."},
	{"dns.unavailable", "dns", StatusFail, "No DNS resolver is configured on this machine.",
		"Desk-side: configure a DNS server (DHCP or network adapter settings)."},

	{"tcp.ok", "tcp", StatusPass, "A TCP connection to the target port opens.", ""},
	{"tcp.timeout", "tcp", StatusFail, "TCP connections get no answer: a firewall silently drops them.",
		"Firewall team: allow outbound TCP to the target's port, 443 for HTTPS (see `okviz-check rules`), or use the company proxy."},
	{"tcp.refused", "tcp", StatusFail, "TCP connections are reset (refused).",
		"Firewall team: a firewall rejects outbound TCP to the target's port (443 for HTTPS); allow it (see `okviz-check rules`)."},
	{"tcp.unreachable", "tcp", StatusFail, "TCP connections fail with ICMP unreachable, administratively prohibited or no route.",
		"Network team: a router or firewall reports the target unreachable (often an ICMP-rejecting firewall rule, or no default route); allow outbound TCP to the target's port or fix the route."},
	{"tcp.local_firewall", "tcp", StatusFail, "The local host firewall or security software blocked the connection (permission denied).",
		"Desk-side/endpoint team: allow this program or outbound TCP to the target's port in the host firewall or endpoint security product."},
	{"tcp.ipv6_broken", "tcp", StatusWarn, "IPv6 connections fail while IPv4 works.",
		"Network team: fix IPv6 routing or firewalling, or stop announcing IPv6; apps may wait for IPv6 before falling back."},

	{"tls.ok", "tls", StatusPass, "The TLS handshake succeeds and the certificate is publicly trusted.", ""},
	{"tls.intercepted", "tls", StatusWarn, "A middlebox decrypts this connection (TLS inspection): the certificate comes from a CA that only this machine trusts.",
		"Security team: exempt the target from TLS inspection (see `okviz-check rules` for the bypass rule); apps that pin or use their own trust store fail otherwise."},
	{"tls.untrusted", "tls", StatusFail, "The certificate chain is not trusted.",
		"Security team: if a middlebox inspects TLS, exempt the target or deploy its CA to this machine; otherwise the chain is broken."},
	{"tls.expired", "tls", StatusFail, "The certificate has expired.",
		"If this machine's clock is right, the server or a middlebox serves an expired certificate: contact its operator."},
	{"tls.not_yet_valid", "tls", StatusFail, "The certificate is not valid yet.",
		"Desk-side: check this machine's clock; otherwise contact the certificate's operator."},
	{"tls.hostname_mismatch", "tls", StatusFail, "The certificate does not name the target host.",
		"Network team: something else answers for this address (a captive portal, a block page, a wrong DNS answer); check DNS and the path."},
	{"tls.reset", "tls", StatusFail, "The connection was reset or closed during the TLS handshake.",
		"Security team: a firewall or IPS cuts this TLS connection; allow the target by name (SNI) in its policy."},
	{"tls.sni_blocked", "tls", StatusFail, "The handshake is cut only when the SNI names the target: a filter blocks by server name.",
		"Security team: the web filter or firewall blocks the target by SNI; add the host to its allow-list."},
	{"tls.clienthello_blocked", "tls", StatusFail, "The large post-quantum ClientHello is dropped while a classic one passes.",
		"Network team: a middlebox mishandles ClientHellos that span two packets (X25519MLKEM768); update its firmware or disable that inspection."},
	{"tls.timeout", "tls", StatusFail, "The TLS handshake got no answer in time.",
		"Network team: a middlebox swallows the handshake; check firewalls, IPS and the path MTU."},
	{"tls.protocol_error", "tls", StatusFail, "The peer does not speak TLS correctly (garbage, plain HTTP or an alert).",
		"Network team: something that is not the target answers on the target's port (a transparent proxy, captive portal or block page)."},
	{"tls.expiring_soon", "tls", StatusWarn, "The certificate expires soon.",
		"The operator of the certificate must renew it (if it is an inspection certificate, the security team)."},

	{"http.ok", "http", StatusPass, "The target's server answered over HTTPS.", ""},
	{"http.captive_portal", "http", StatusFail, "A captive portal intercepts traffic: the network wants a login or terms acceptance first.",
		"Desk-side: open a browser, complete the portal's sign-in, then run again."},
	{"http.blocked", "http", StatusFail, "A middlebox answered with a block page or refusal instead of the target.",
		"Security team: the web filter blocks the target; add it to the allow-list (see `okviz-check rules`)."},
	{"http.server_error", "http", StatusWarn, "The target's server answered with a 5xx error: reachable, but the service has a problem.",
		"Nothing to change on this network; if it persists, contact the service's support."},
	{"http.timeout", "http", StatusFail, "The HTTPS request got no complete answer in time.",
		"Network team: a middlebox holds the request; check proxies and inspection devices on the path."},
	{"http.protocol_error", "http", StatusFail, "The answer to the HTTPS request was not valid HTTP.",
		"Network team: a middlebox mangles HTTPS traffic to the target."},

	{"browser.ok", "browser", StatusPass, "The real browser (headless or the default one) reached the target, fetching it the way a visual does.", ""},
	{"browser.failed", "browser", StatusFail, "The real browser could not reach the target; the summary says whether that agrees with the tool's own verdict.",
		"When the tool agrees, follow its verdict; when it does not, believe the browser: the details give the browser's own error and route, and the difference lies in what only the browser has (proxy settings, extensions, enterprise policies, trust store)."},
	{"browser.unavailable", "browser", StatusInfo, "No browser could be asked (none found, it did not start, or it did not report in time); the verdict is the tool's own.",
		"Desk-side: run `okviz-check browser` on a machine with Edge, Chrome or Chromium, or name one with --browser PATH."},

	{"clock.ok", "clock", StatusPass, "This machine's clock agrees with the server's.", ""},
	{"clock.skew", "clock", StatusWarn, "This machine's clock differs from the server's by more than a few minutes.",
		"Desk-side: set the clock right (enable time synchronisation); a wrong clock makes valid certificates look expired."},
}

var codeIndex = func() map[string]CodeInfo {
	m := make(map[string]CodeInfo, len(codes))
	for _, c := range codes {
		m[c.Code] = c
	}
	return m
}()

// Lookup returns the table entry of a code; an unknown code is a failure
// with no remediation, so a typo never passes silently.
func Lookup(code string) CodeInfo {
	if c, ok := codeIndex[code]; ok {
		return c
	}
	return CodeInfo{Code: code, Status: StatusFail}
}

// Codes returns the whole table in a stable order (by stage, as in the spec).
func Codes() []CodeInfo {
	out := append([]CodeInfo(nil), codes...)
	order := map[string]int{"overall": 0, "proxy": 1, "dns": 2, "tcp": 3, "tls": 4, "http": 5, "browser": 6, "clock": 7}
	sort.SliceStable(out, func(i, j int) bool { return order[out[i].Stage] < order[out[j].Stage] })
	return out
}

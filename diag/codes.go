package diag

import (
	"sort"
	"strings"
)

// CodeInfo documents one problem code: its usual status, what it means and
// what to do about it (with who does it). The README's code table and the
// report's remediation lines are both generated from this table, so the two
// cannot drift apart.
type CodeInfo struct {
	Code        Code
	Stage       string
	Status      Status
	Meaning     string
	Remediation string
}

// Code is a problem code: the stable name of one finding, "stage.what".
// An alias, so that the many tables and tests that spell codes out as
// strings read the same constants.
type Code = string

// StageOf is the part of the path a code belongs to: dns for dns.nxdomain.
func StageOf(code Code) string {
	stage, _, _ := strings.Cut(code, ".")
	return stage
}

// Check ids: which check of a target a result is. The direct path beside a
// proxy route repeats some with the prefix "direct.".
const (
	CheckProxyRoute   = "proxy.route"
	CheckProxyConnect = "proxy.connect"
	CheckDNSSystem    = "dns.system"
	CheckDNSServers   = "dns.servers"
	CheckDNSCompare   = "dns.compare"
	CheckTCPConnect   = "tcp.connect"
	CheckTLSHandshake = "tls.handshake"
	CheckHTTPGet      = "http.get"
	CheckHTTPPortal   = "http.portal"
	CheckClock        = "clock"
	// CheckHostFirewall is this PC's Windows Firewall outbound policy
	// (Windows only).
	CheckHostFirewall = "host.firewall"
	// CheckHostDefender is what Defender Network Protection blocked or
	// audited of the target's host in the last week (Windows only).
	CheckHostDefender = "host.defender"
	// CodeSkipped is the code of a check that could not run.
	CodeSkipped Code = "skipped"
	// CodeUnfinished is the code of a check the run's end (an interrupt, or
	// the whole run's deadline) cut short or never let start, and of the
	// verdict of a target whose unfinished checks could still change it.
	CodeUnfinished Code = "unfinished"
)

// Problem codes, the stable identifiers of docs/SPEC.md. Scripts match on
// them: never rename one.
const (
	OK Code = "ok"

	ProxyNone           Code = "proxy.none"
	ProxyOK             Code = "proxy.ok"
	ProxyUnreachable    Code = "proxy.unreachable"
	ProxyAuthRequired   Code = "proxy.auth_required"
	ProxyAuthFailed     Code = "proxy.auth_failed"
	ProxyDenied         Code = "proxy.denied"
	ProxyProtocolError  Code = "proxy.protocol_error"
	ProxyUpstreamFailed Code = "proxy.upstream_failed"
	ProxyPACUnreachable Code = "proxy.pac_unreachable"
	ProxyPACInvalid     Code = "proxy.pac_invalid"
	ProxyServiceAccount Code = "proxy.service_account"

	DNSOK          Code = "dns.ok"
	DNSNXDomain    Code = "dns.nxdomain"
	DNSNoAddress   Code = "dns.no_address"
	DNSServFail    Code = "dns.servfail"
	DNSRefused     Code = "dns.refused"
	DNSTimeout     Code = "dns.timeout"
	DNSUnreachable Code = "dns.unreachable"
	DNSSinkhole    Code = "dns.sinkhole"
	DNSRedirected  Code = "dns.redirected"
	DNSMismatch    Code = "dns.mismatch"
	DNSUnavailable Code = "dns.unavailable"

	TCPOK            Code = "tcp.ok"
	TCPTimeout       Code = "tcp.timeout"
	TCPRefused       Code = "tcp.refused"
	TCPUnreachable   Code = "tcp.unreachable"
	TCPLocalFirewall Code = "tcp.local_firewall"
	TCPIPv6Broken    Code = "tcp.ipv6_broken"

	TLSOK                 Code = "tls.ok"
	TLSIntercepted        Code = "tls.intercepted"
	TLSUntrusted          Code = "tls.untrusted"
	TLSExpired            Code = "tls.expired"
	TLSNotYetValid        Code = "tls.not_yet_valid"
	TLSHostnameMismatch   Code = "tls.hostname_mismatch"
	TLSReset              Code = "tls.reset"
	TLSSNIBlocked         Code = "tls.sni_blocked"
	TLSClientHelloBlocked Code = "tls.clienthello_blocked"
	TLSTimeout            Code = "tls.timeout"
	TLSProtocolError      Code = "tls.protocol_error"
	TLSExpiringSoon       Code = "tls.expiring_soon"

	HostOK              Code = "host.ok"
	HostFirewallBlocks  Code = "host.firewall_blocks"
	HostDefenderBlocked Code = "host.defender_blocked"

	HTTPOK            Code = "http.ok"
	HTTPCaptivePortal Code = "http.captive_portal"
	HTTPBlocked       Code = "http.blocked"
	HTTPServerError   Code = "http.server_error"
	HTTPClientError   Code = "http.client_error"
	HTTPTimeout       Code = "http.timeout"
	HTTPProtocolError Code = "http.protocol_error"

	BrowserOK          Code = "browser.ok"
	BrowserFailed      Code = "browser.failed"
	BrowserUnavailable Code = "browser.unavailable"

	ClockOK   Code = "clock.ok"
	ClockSkew Code = "clock.skew"
)

// codes is the contract of docs/SPEC.md, "Problem codes".
var codes = []CodeInfo{
	{OK, "overall", StatusPass, "The target is reachable over HTTPS from this machine.", ""},

	{ProxyNone, "proxy", StatusPass, "No proxy is configured: traffic goes direct.", ""},
	{ProxyOK, "proxy", StatusPass, "The proxy accepted a CONNECT tunnel to the target.", ""},
	{ProxyUnreachable, "proxy", StatusFail, "The proxy could not be reached (no answer, refused or unresolvable).",
		"Desk-side: check the proxy address in the system or PAC settings; network team: make sure the proxy is up and reachable from this network."},
	{ProxyAuthRequired, "proxy", StatusFail, "The proxy wants authentication (HTTP 407) before it opens a tunnel.",
		"Browsers answer NTLM/Negotiate silently with the Windows login; tools need credentials: put them in the proxy URL (http://user:pass@proxy:port) or ask the proxy team to exempt the target from authentication."},
	{ProxyAuthFailed, "proxy", StatusFail, "The proxy rejected the credentials that were sent.",
		"Desk-side: check the user name and password in the proxy URL; proxy team: check the account and the authentication scheme allowed."},
	{ProxyDenied, "proxy", StatusFail, "The proxy refused to open a tunnel to the target (403 or similar).",
		"Proxy team: allow CONNECT to the target host and port (443 unless the target names another; squid's SSL_ports often allows only 443) (see `okviz-check rules --format squid` or your proxy's format)."},
	{ProxyUpstreamFailed, "proxy", StatusFail, "The proxy allowed the tunnel but its own connection to the target failed (502/503/504, e.g. squid's ERR_CONNECT_FAIL or ERR_DNS_FAIL).",
		"Network/proxy team: the proxy cannot reach the target itself: check the proxy's DNS, its outbound firewall and its upstream proxy (the hop's reason gives the proxy's words)."},
	{ProxyProtocolError, "proxy", StatusFail, "The proxy answered the CONNECT request with something that is not valid HTTP.",
		"Network team: check that the configured address and port are the proxy's: an HTTP proxy port for http:// (not a SOCKS, SSH or web port), and for https:// a certificate this machine trusts (see the hop's reason)."},
	{ProxyPACUnreachable, "proxy", StatusFail, "The PAC file could not be fetched. A warning when browsers fall back to a path that works; auto-detect (WPAD) that finds no PAC file at all is no finding (proxy.none).",
		"Network team: make sure the PAC URL is served (HTTP 200) to this machine; desk-side: check the auto-config URL in the proxy settings."},
	{ProxyPACInvalid, "proxy", StatusFail, "The PAC file does not work: syntax error, runtime error, runaway script or an unusable result. A warning when browsers fall back to a path that works.",
		"Proxy team: fix the PAC script (the details give the line and message); `okviz-check pac FILE URL` reproduces it."},
	{ProxyServiceAccount, "proxy", StatusWarn, "okviz-check ran as SYSTEM or a service account (Intune, SCCM, an RMM agent, PsExec -s) and no user was logged on, so the proxy settings it read (and tested) are that account's own, which no user's browser uses.",
		"Desk-side: run it again while the user is logged on (as SYSTEM it then reads that user's settings from HKEY_USERS), or in the user's context (Intune: run the script with the logged-on credentials)."},

	{DNSOK, "dns", StatusPass, "The name resolves to usable addresses.", ""},
	{DNSNXDomain, "dns", StatusFail, "The resolver says the name does not exist (NXDOMAIN).",
		"Network team: the DNS resolver or a DNS filter blocks the name; allow it in the DNS filter or forward it to a resolver that knows it."},
	{DNSNoAddress, "dns", StatusFail, "The name exists but has no A or AAAA record here.",
		"Network team: check the DNS filter or split-horizon zone that serves this name without addresses."},
	{DNSServFail, "dns", StatusFail, "The resolver failed to resolve the name (SERVFAIL).",
		"Network team: the resolver cannot reach the authoritative servers or fails DNSSEC validation; check its forwarders."},
	{DNSRefused, "dns", StatusFail, "The resolver refused the query (REFUSED).",
		"Network team: the resolver does not serve this client or blocks the name by policy; allow the name or use the company resolver."},
	{DNSTimeout, "dns", StatusFail, "The resolver did not answer in time.",
		"Network team: make sure DNS (UDP and TCP port 53) to the configured resolvers is allowed and the resolvers are up."},
	{DNSUnreachable, "dns", StatusFail, "The resolver refused the connection or was reported unreachable (ICMP port or host unreachable, a TCP reset): nothing answers DNS at that address from here.",
		"Network team: the resolver is down or a firewall rejects DNS to it; bring it up, allow UDP and TCP port 53 to it, or give this machine a resolver that answers (DHCP, VPN client or adapter settings)."},
	{DNSSinkhole, "dns", StatusFail, "A public name resolves to a block address (0.0.0.0, ::, loopback or a published block page of a DNS filter).",
		"Security team: a DNS filter sinkholes the name; add it to the allow-list of the DNS filter."},
	{DNSRedirected, "dns", StatusFail, "A public name resolves to a private address that answers as something else (a certificate for another name, a block page): the DNS answer redirects the name. The summary names the address, the resolver that gave it and the proof.",
		"DNS team: remove or fix the internal zone, DNS filter or resolver override that answers this public name with that address (it is not the service), or make the address serve the service."},
	{DNSMismatch, "dns", StatusWarn, "Resolvers disagree about the name: split-horizon DNS or a hijacked answer.",
		"Network team: check that the internal DNS answers for this public name are intended."},
	{DNSUnavailable, "dns", StatusFail, "No DNS resolver is configured on this machine.",
		"Desk-side: configure a DNS server (DHCP or network adapter settings)."},

	{TCPOK, "tcp", StatusPass, "A TCP connection to the target port opens.", ""},
	{TCPTimeout, "tcp", StatusFail, "TCP connections get no answer: a firewall silently drops them.",
		"Firewall team: allow outbound TCP to the target's port, 443 for HTTPS (see `okviz-check rules`), or use the company proxy."},
	{TCPRefused, "tcp", StatusFail, "TCP connections are reset (refused).",
		"Firewall team: a firewall rejects outbound TCP to the target's port (443 for HTTPS); allow it (see `okviz-check rules`)."},
	{TCPUnreachable, "tcp", StatusFail, "TCP connections fail with ICMP unreachable, administratively prohibited or no route.",
		"Network team: a router or firewall reports the target unreachable (often an ICMP-rejecting firewall rule, or no default route); allow outbound TCP to the target's port or fix the route."},
	{TCPLocalFirewall, "tcp", StatusFail, "The local host firewall or security software blocked the connection (permission denied).",
		"Desk-side/endpoint team: allow this program or outbound TCP to the target's port in the host firewall or endpoint security product."},
	{TCPIPv6Broken, "tcp", StatusWarn, "IPv6 connections fail while IPv4 works.",
		"Network team: fix IPv6 routing or firewalling, or stop announcing IPv6; apps may wait for IPv6 before falling back."},

	{TLSOK, "tls", StatusPass, "The TLS handshake succeeds and the certificate is publicly trusted.", ""},
	{TLSIntercepted, "tls", StatusWarn, "A middlebox decrypts this connection (TLS inspection): the certificate comes from a CA that only this machine trusts.",
		"Security team: exempt the target from TLS inspection (see `okviz-check rules` for the bypass rule); apps that pin or use their own trust store fail otherwise."},
	{TLSUntrusted, "tls", StatusFail, "The certificate chain is not trusted.",
		"Security team: if a middlebox inspects TLS, exempt the target or deploy its CA to this machine; otherwise the chain is broken."},
	{TLSExpired, "tls", StatusFail, "The certificate has expired.",
		"If this machine's clock is right, the server or a middlebox serves an expired certificate: contact its operator."},
	{TLSNotYetValid, "tls", StatusFail, "The certificate is not valid yet.",
		"Desk-side: check this machine's clock; otherwise contact the certificate's operator."},
	{TLSHostnameMismatch, "tls", StatusFail, "The certificate does not name the target host.",
		"Network team: something else answers for this address (a captive portal, a block page, a wrong DNS answer); check DNS and the path."},
	{TLSReset, "tls", StatusFail, "The connection was reset or closed during the TLS handshake.",
		"Security team: a firewall or IPS cuts this TLS connection; allow the target by name (SNI) in its policy."},
	{TLSSNIBlocked, "tls", StatusFail, "The handshake is cut only when the SNI names the target: a filter blocks by server name.",
		"Security team: the web filter or firewall blocks the target by SNI; add the host to its allow-list."},
	{TLSClientHelloBlocked, "tls", StatusFail, "The large post-quantum ClientHello is dropped while a classic one passes.",
		"Network team: a middlebox mishandles ClientHellos that span two packets (X25519MLKEM768); update its firmware or disable that inspection."},
	{TLSTimeout, "tls", StatusFail, "The TLS handshake got no answer in time.",
		"Network team: a middlebox swallows the handshake; check firewalls, IPS and the path MTU."},
	{TLSProtocolError, "tls", StatusFail, "The peer does not speak TLS correctly (garbage, plain HTTP or an alert).",
		"Network team: something that is not the target answers on the target's port (a transparent proxy, captive portal or block page)."},
	{TLSExpiringSoon, "tls", StatusWarn, "The certificate expires soon.",
		"The operator of the certificate must renew it (if it is an inspection certificate, the security team)."},

	{HTTPOK, "http", StatusPass, "The target's server answered over HTTPS.", ""},
	{HTTPCaptivePortal, "http", StatusFail, "A captive portal intercepts traffic: the network wants a login or terms acceptance first.",
		"Desk-side: open a browser, complete the portal's sign-in, then run again."},
	{HTTPBlocked, "http", StatusFail, "A middlebox answered with a block page or refusal instead of the target.",
		"Security team: the web filter blocks the target; add it to the allow-list (see `okviz-check rules`)."},
	{HTTPServerError, "http", StatusWarn, "The target's server answered with a 5xx error: reachable, but the service has a problem.",
		"Nothing to change on this network; if it persists, contact the service's support."},
	{HTTPClientError, "http", StatusWarn, "The genuine service (a trusted certificate for the host, no inspection) answered with a 4xx client error: reachable, and no middlebox is involved, but the service refuses the request.",
		"The service's operator: its own edge refuses this request (a WAF or bot rule, a blocked address or region, a wrong path or method); nothing on this network needs to change. Check the URL, then contact the service's support with the status and the report."},
	{HTTPTimeout, "http", StatusFail, "The HTTPS request got no complete answer in time.",
		"Network team: a middlebox holds the request; check proxies and inspection devices on the path."},
	{HTTPProtocolError, "http", StatusFail, "The answer to the HTTPS request was not valid HTTP.",
		"Network team: a middlebox mangles HTTPS traffic to the target."},

	{HostOK, "host", StatusPass, "Nothing on this PC that was looked at blocks HTTPS: Windows Firewall's outbound policy lets TCP 443 and Edge, WebView2 and Power BI Desktop out (host.firewall), and Defender Network Protection neither blocked nor audited the target's host in the last 7 days (host.defender).", ""},
	{HostFirewallBlocks, "host", StatusWarn, "On this PC, Windows Firewall's outbound policy blocks HTTPS (TCP 443) for every program or for Edge, WebView2 or Power BI Desktop: a block rule, or a profile that blocks outbound by default with no allow rule for them. The summary names the rules, profiles and programs. When it blocks every program and this tool's own connection times out or is denied locally, it is the verdict.",
		"Desk-side/endpoint security: remove or narrow the named outbound block rule, or add an outbound allow rule for TCP 443 (or for the named programs) in the profile that applies, in the store named (group policy: in the GPO or Intune firewall policy that sets it)."},
	{HostDefenderBlocked, "host", StatusWarn, "On this PC, Defender Network Protection (SmartScreen for every program) blocked the target's host (event 1126) or would have blocked it in audit mode (event 1125) in the last 7 days, read from the Microsoft-Windows-Windows Defender/Operational event log. The summary names how often, when last, the program and the address Defender logged. A failure when it blocked the host and this run's own connection, TLS or HTTP to it failed: it is then the verdict.",
		"Desk-side/endpoint security: allow the host in Microsoft Defender for Endpoint (Settings > Endpoints > Indicators: a URL/domain indicator with the action Allow), or exclude it from Network Protection (the Intune or GPO setting that turns on Network Protection, EnableNetworkProtection; audit mode only logs); a SmartScreen reputation block is reported to Microsoft as a false positive."},

	{BrowserOK, "browser", StatusPass, "The real browser (headless or the default one) reached the target, fetching it the way a visual does.", ""},
	{BrowserFailed, "browser", StatusFail, "The real browser could not reach the target; the summary says whether that agrees with the tool's own verdict.",
		"When the tool agrees, follow its verdict; when it does not, believe the browser: the details give the browser's own error and route, and the difference lies in what only the browser has (proxy settings, extensions, enterprise policies, trust store)."},
	{BrowserUnavailable, "browser", StatusInfo, "No browser could be asked (none found, it did not start, or it did not report in time); the verdict is the tool's own.",
		"Desk-side: run `okviz-check browser` on a machine with Edge, Chrome or Chromium, or name one with --browser PATH."},

	{ClockOK, "clock", StatusPass, "This machine's clock agrees with the server's.", ""},
	{ClockSkew, "clock", StatusWarn, "This machine's clock differs from the server's by more than a few minutes.",
		"Desk-side: set the clock right (enable time synchronisation); a wrong clock makes valid certificates look expired."},
}

var codeIndex = func() map[Code]CodeInfo {
	m := make(map[Code]CodeInfo, len(codes))
	for _, c := range codes {
		m[c.Code] = c
	}
	return m
}()

// Lookup returns the table entry of a code; an unknown code is a failure
// with no remediation, so a typo never passes silently.
func Lookup(code Code) CodeInfo {
	if c, ok := codeIndex[code]; ok {
		return c
	}
	return CodeInfo{Code: code, Status: StatusFail}
}

// Codes returns the whole table in a stable order (by stage, as in the spec).
func Codes() []CodeInfo {
	out := append([]CodeInfo(nil), codes...)
	order := map[string]int{"overall": 0, "proxy": 1, "dns": 2, "tcp": 3, "tls": 4, "http": 5, "host": 6, "browser": 7, "clock": 8}
	sort.SliceStable(out, func(i, j int) bool { return order[out[i].Stage] < order[out[j].Stage] })
	return out
}

package diag

// Explanation is what `okviz-check explain CODE` prints beside the code
// table's meaning and remediation: the usual causes, how to verify a fix,
// and the rule formats that help.
type Explanation struct {
	CodeInfo
	Causes string
	Verify string
	// Formats are `okviz-check rules --format` names that write the fix
	// for the product that usually causes the finding.
	Formats []string
}

// causes lists the usual causes of each finding, in the words of the
// network engineer who will read them.
var causes = map[Code]string{
	OK: "Nothing is wrong on the path that was tested.",

	ProxyNone:           "No proxy is configured, or auto-detect (WPAD) found none, so browsers connect directly.",
	ProxyOK:             "The configured proxy accepted the tunnel.",
	ProxyUnreachable:    "The proxy host is down, its name does not resolve, a firewall blocks the proxy port, or the PAC file names a proxy that no longer exists.",
	ProxyAuthRequired:   "The proxy authenticates its users (NTLM, Negotiate/Kerberos, Basic or Digest) and no usable credentials were given; browsers answer NTLM/Negotiate silently with the Windows login.",
	ProxyAuthFailed:     "Wrong user name or password, an expired or locked account, or a scheme the proxy does not accept for this account.",
	ProxyDenied:         "The proxy's policy blocks the host or its category, or CONNECT is allowed to port 443 only (squid's SSL_ports).",
	ProxyUpstreamFailed: "The proxy allowed the tunnel but cannot reach the service itself: its own egress firewall, its DNS, or a parent proxy fails.",
	ProxyProtocolError:  "The configured address is not an HTTP proxy (a SOCKS, SSH or web port), or an https:// proxy serves a certificate this machine does not trust.",
	ProxyPACUnreachable: "The PAC server is down or moved, its name does not resolve, the URL answers something other than 200, or the PAC server is only reachable inside the corporate network.",
	ProxyPACInvalid:     "A syntax or runtime error in the PAC script, a script that runs too long, or a result browsers cannot use.",
	ProxyServiceAccount: "A management agent (Intune, SCCM, an RMM tool) or PsExec -s ran the check as SYSTEM or a service while nobody was logged on; HKEY_CURRENT_USER is then the service account's own hive, which holds no user's proxy settings.",

	DNSOK:          "The name resolves to usable addresses.",
	DNSNXDomain:    "A DNS filter (Umbrella, Infoblox, Pi-hole, a firewall's DNS security) blocks the name, or the internal DNS does not forward public names.",
	DNSNoAddress:   "A split-horizon zone or a filter serves the name without A/AAAA records.",
	DNSServFail:    "The resolver cannot reach the authoritative servers, fails DNSSEC validation, or its forwarders are down.",
	DNSRefused:     "The resolver does not serve this client (ACL), or refuses the name by policy.",
	DNSTimeout:     "A firewall blocks DNS (UDP/TCP 53) to the configured resolvers, the resolvers are down, or this machine's own firewall drops the queries.",
	DNSUnreachable: "Nothing listens for DNS at the resolver's address (the service is stopped, or a VPN or DHCP handed out an address that is no resolver), or a firewall rejects DNS to it with an ICMP error or a reset.",
	DNSSinkhole:    "A DNS filter answers 0.0.0.0, loopback or its block-page address instead of the real one.",
	DNSRedirected:  "The resolver answers an address that serves something else: a wrong split-horizon record, a hijacked answer, or a filter's block page on a private address.",
	DNSMismatch:    "Split-horizon DNS, a private endpoint, a security client's synthetic addresses, or a hijacked answer makes resolvers disagree.",
	DNSUnavailable: "No DNS server is configured: a broken DHCP lease or a disconnected adapter.",

	TCPOK:            "A TCP connection to the target port opens.",
	TCPTimeout:       "A firewall silently drops outbound connections to the port (the usual default-deny egress policy).",
	TCPRefused:       "A firewall rejects the connection with a reset, or nothing listens on that address and port.",
	TCPUnreachable:   "A router or firewall answers ICMP unreachable or administratively prohibited, or there is no route.",
	TCPLocalFirewall: "This machine's firewall, an endpoint agent or Defender Network Protection blocked or aborted the connection.",
	TCPIPv6Broken:    "IPv6 is announced on the network but not routed or firewalled like IPv4.",

	TLSOK:                 "The handshake succeeds with a publicly trusted certificate.",
	TLSIntercepted:        "A proxy, firewall or endpoint product decrypts HTTPS (TLS inspection) with its own CA.",
	TLSUntrusted:          "TLS inspection whose CA this machine lacks, an outdated root store, or a server with a broken chain.",
	TLSExpired:            "A wrong local clock, an inspection CA serving an expired certificate, or an expired server certificate.",
	TLSNotYetValid:        "This machine's clock is behind, or the certificate was issued for the future.",
	TLSHostnameMismatch:   "A captive portal, block page or wrong DNS answer puts another server on the target's address.",
	TLSReset:              "A firewall or IPS cuts the TLS connection, often by the server name it sees.",
	TLSSNIBlocked:         "A web filter resets connections whose SNI names the target.",
	TLSClientHelloBlocked: "A middlebox mishandles the large post-quantum ClientHello that spans two packets.",
	TLSTimeout:            "A middlebox swallows the handshake, or the path MTU breaks large packets.",
	TLSProtocolError:      "Something that is not TLS answers on the port: a transparent proxy, captive portal or block page.",
	TLSExpiringSoon:       "The certificate's renewal is due.",

	HTTPOK:            "The service answered over HTTPS.",
	HTTPCaptivePortal: "Hotel, guest or public Wi-Fi wants a sign-in or terms acceptance first.",
	HTTPBlocked:       "A web filter or inspecting proxy answered with its block page or cut the request.",
	HTTPServerError:   "The service or its edge has a problem (5xx).",
	HTTPClientError:   "The service itself refused the request (4xx): its own edge, a geography or rate rule.",
	HTTPTimeout:       "A middlebox holds the request, or the service is overloaded.",
	HTTPProtocolError: "A middlebox mangles the HTTPS traffic.",

	HostOK:              "Windows Firewall lets HTTPS out for every program and for the Power BI programs.",
	HostDefenderBlocked: "Microsoft Defender for Endpoint's Network Protection blocks the host: a custom URL/domain indicator set to block, a web content filtering category, or a SmartScreen reputation verdict (a newly registered or misclassified domain); the network is not involved.",
	HostFirewallBlocks:  "A hardening baseline, an Intune or GPO firewall policy, or a local rule blocks outbound traffic by default or blocks port 443 or the browser's programs; the network is not involved.",

	BrowserOK:          "The real browser reached the target.",
	BrowserFailed:      "Something only the browser has: its proxy settings or credentials, extensions, enterprise policies, or its trust store.",
	BrowserUnavailable: "No Edge, Chrome or Chromium was found or it did not report in time.",

	ClockOK:   "The clock is right.",
	ClockSkew: "Time synchronisation is off or failing (no NTP/w32time source reachable, a VM restored from a snapshot).",
}

// verifyBy says, per stage, how to check that a fix worked.
var verifyBy = map[string]string{
	"overall": "Run `okviz-check` again: the verdict is ok.",
	"proxy":   "Run `okviz-check proxy` as the user who runs Power BI: the route and the tunnel show the fix, then `okviz-check` for the whole path.",
	"dns":     "Run `okviz-check dns`: dns.system and every configured resolver agree on the service's addresses.",
	"tcp":     "Run `okviz-check reach`: tcp.connect opens on every address.",
	"tls":     "Run `okviz-check tls`: tls.handshake is tls.ok (or tls.intercepted as a warning where inspection is accepted).",
	"http":    "Run `okviz-check`: http.get is http.ok.",
	"host":    "Run `okviz-check` on the PC (Windows): host.firewall and host.defender are host.ok; `Get-NetFirewallRule -PolicyStore ActiveStore -Direction Outbound -Action Block` lists the firewall's blocks, and `Get-WinEvent -LogName 'Microsoft-Windows-Windows Defender/Operational' | Where-Object Id -In 1125,1126` Defender's.",
	"browser": "Run `okviz-check browser --headless`: the browser and the tool agree.",
	"clock":   "Check the time (`w32tm /query /status` on Windows, `timedatectl` elsewhere), then run `okviz-check`.",
}

// formatsFor lists, per finding, the rule formats that write its fix.
var formatsFor = map[Code][]string{
	ProxyDenied:         {"squid", "proxysg", "zscaler", "netskope", "pac"},
	ProxyUpstreamFailed: {"iptables", "nftables", "paloalto", "fortigate", "squid"},
	ProxyAuthRequired:   {"squid", "proxysg", "zscaler", "pac", "proxy-bypass"},
	ProxyPACUnreachable: {"pac", "proxy-bypass", "intune-proxy-bypass"},
	ProxyPACInvalid:     {"pac"},
	DNSNXDomain:         {"pihole", "adguard-home", "rpz", "unbound", "umbrella", "infoblox"},
	DNSNoAddress:        {"rpz", "unbound", "infoblox"},
	DNSSinkhole:         {"pihole", "adguard-home", "rpz", "unbound", "umbrella", "infoblox", "cloudflare-gateway"},
	DNSRedirected:       {"rpz", "unbound", "infoblox"},
	DNSMismatch:         {"rpz", "unbound"},
	TCPTimeout:          {"iptables", "nftables", "windows", "paloalto", "fortigate", "cisco-asa", "checkpoint", "azure-firewall", "aws-network-firewall", "gcp"},
	TCPRefused:          {"iptables", "nftables", "windows", "paloalto", "fortigate", "cisco-asa", "checkpoint"},
	TCPUnreachable:      {"iptables", "nftables", "paloalto", "fortigate", "cisco-asa", "juniper-srx", "mikrotik"},
	TCPLocalFirewall:    {"windows"},
	HostFirewallBlocks:  {"windows"},
	TLSIntercepted:      {"paloalto", "fortigate", "checkpoint", "zscaler", "netskope", "proxysg", "squid"},
	TLSUntrusted:        {"paloalto", "fortigate", "zscaler", "netskope", "proxysg"},
	TLSReset:            {"paloalto", "fortigate", "checkpoint", "sophos", "zscaler"},
	TLSSNIBlocked:       {"paloalto", "fortigate", "checkpoint", "sophos", "zscaler", "netskope"},
	HTTPBlocked:         {"zscaler", "netskope", "proxysg", "squid", "paloalto", "fortigate"},
}

// Explain returns what `okviz-check explain` says about a code; ok is false
// for a code the tool does not know.
func Explain(code Code) (Explanation, bool) {
	info, known := codeIndex[code]
	if !known {
		e, ok := checkStates[code]
		return e, ok
	}
	return Explanation{
		CodeInfo: info,
		Causes:   causes[code],
		Verify:   verifyBy[info.Stage],
		Formats:  append([]string(nil), formatsFor[code]...),
	}, true
}

// checkStates are the two codes a check carries when it has no finding of
// its own: they appear in saved reports, so explain knows them, but they
// are not problem codes and stay out of the code table and its list.
var checkStates = map[Code]Explanation{
	CodeSkipped: {
		CodeInfo: CodeInfo{Code: CodeSkipped, Stage: "any", Status: StatusSkip,
			Meaning:     "The check did not run: what it needs was missing (no address resolved, no connection opened) or it does not apply on this system; its summary says which.",
			Remediation: "Whoever fixes the verdict's cause; nothing to do for this check itself."},
		Causes: "An earlier stage failed (its code is the verdict), or the source the check reads does not exist here (a Windows-only check on another OS, a registry key Wine lacks).",
		Verify: "Fix the verdict's cause and run okviz-check again: the check runs once its input exists.",
	},
	CodeUnfinished: {
		CodeInfo: CodeInfo{Code: CodeUnfinished, Stage: "any", Status: StatusSkip,
			Meaning:     "The run ended (Ctrl-C, SIGTERM, or the caller's time limit) before this check finished; the report has \"interrupted\": true and keeps the evidence gathered so far.",
			Remediation: "Whoever ran the check: let it finish (give the CI job or management agent a time limit above --timeout)."},
		Causes: "The run was interrupted by hand or by a CI job's or management agent's time limit, usually while a silent network was being waited for.",
		Verify: "Run okviz-check again without interrupting it; a run on a black-holed network ends near --timeout by itself.",
	},
}

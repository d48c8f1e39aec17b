package rules

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Format is one output format: its name, the line --list prints, and the
// vendor page an admin would check the output against.
type Format struct {
	Name    string
	Summary string
	DocURL  string
	render  func(p *printer, s *Set)
}

// Formats returns every format, in the order --list shows them. It builds a
// new slice on each call, so callers may not change the package's table.
func Formats() []Format {
	return []Format{
		{"text", "what to allow and why, for a human (default)", "", renderText},
		{"csv", "the rules as CSV: host, port, protocol, purpose, comment, addresses", "", renderCSV},
		{"json", "the rules as JSON (schema_version 1)", "", renderJSON},
		{"iptables", "iptables-restore file (IPv4; IPv6 lines for ip6tables as comments), needs --resolve", "https://man7.org/linux/man-pages/man8/iptables-restore.8.html", renderIPTables},
		{"nftables", "nft -f file: a table with named address sets, plus dnsmasq nftset= hints", "https://wiki.nftables.org/wiki-nftables/index.php/Sets", renderNFTables},
		{"windows", "PowerShell New-NetFirewallRule (outbound), dynamic keywords for FQDNs", "https://learn.microsoft.com/powershell/module/netsecurity/new-netfirewallrule", renderWindows},
		{"pfsense", "pfSense FQDN host alias (GUI steps and config.xml) and the pass rule", "https://docs.netgate.com/pfsense/en/latest/firewall/aliases-features.html", renderPfSense},
		{"opnsense", "OPNsense FQDN host alias and pass rule through the REST API", "https://docs.opnsense.org/manual/aliases.html", renderOPNsense},
		{"paloalto", "PAN-OS set commands: FQDN address objects, security rule, decryption exclusion", "https://knowledgebase.paloaltonetworks.com/KCSArticleDetail?id=kA10g000000ClHJCA0", renderPaloAlto},
		{"fortigate", "FortiOS CLI: FQDN addresses, a policy, the SSL-inspection exemption", "https://docs.fortinet.com/document/fortigate/7.0.3/cli-reference/258620", renderFortiGate},
		{"cisco-asa", "Cisco ASA: object network fqdn and access-list entries", "https://www.cisco.com/c/en/us/td/docs/security/asa/asa912/configuration/firewall/asa-912-firewall-config/access-objects.html", renderCiscoASA},
		{"checkpoint", "Check Point mgmt_cli: dns-domain objects, access rule, HTTPS-inspection bypass", "https://sc1.checkpoint.com/documents/R82/WebAdminGuides/EN/CP_R82_SecurityManagement_AdminGuide/Content/Topics-SECMG/Domains.htm", renderCheckPoint},
		{"sophos", "Sophos Firewall XML API: FQDN hosts and a firewall rule", "https://docs.sophos.com/nsg/sophos-firewall/19.0/Help/en-us/webhelp/onlinehelp/AdministratorHelp/HostsAndServices/HostsServicesFQDNHost/index.html", renderSophos},
		{"juniper-srx", "Junos set commands: address-book dns-name entries and a security policy", "https://www.juniper.net/documentation/us/en/software/junos/security-policies/topics/topic-map/security-address-books-sets.html", renderJuniperSRX},
		{"mikrotik", "RouterOS: address-list entries with domain names and filter rules", "https://manual.mikrotik.com/docs/firewall-and-quality-of-service/firewall/address-lists", renderMikroTik},
		{"squid", "squid.conf fragment: dstdomain ACL, CONNECT allowed, ssl_bump splice", "https://www.squid-cache.org/Doc/config/ssl_bump/", renderSquid},
		{"zscaler", "Zscaler ZIA custom URL category (API body and list) and SSL-inspection bypass", "https://help.zscaler.com/zia/url-format-guidelines", renderZscaler},
		{"netskope", "Netskope URL list (REST API v2) and the do-not-decrypt policy", "https://community.netskope.com/real-time-protection-key-policies-72/how-to-automate-url-list-updates-via-api-7167", renderNetskope},
		{"proxysg", "Broadcom ProxySG CPL: allow and ssl.forward_proxy(no)", "https://knowledge.broadcom.com/external/article/165956/how-to-allow-or-deny-https-requests-base.html", renderProxySG},
		{"azure-firewall", "az CLI: Azure Firewall Policy application rule collection", "https://learn.microsoft.com/cli/azure/network/firewall/policy/rule-collection-group/collection", renderAzure},
		{"aws-network-firewall", "AWS Network Firewall domain-list rule group (and the Suricata form)", "https://docs.aws.amazon.com/network-firewall/latest/APIReference/API_RulesSourceList.html", renderAWS},
		{"gcp", "gcloud network firewall policy rule with --dest-fqdns", "https://cloud.google.com/sdk/gcloud/reference/compute/network-firewall-policies/rules/create", renderGCP},
		{"cilium", "CiliumNetworkPolicy with toFQDNs and the DNS rule it needs", "https://docs.cilium.io/en/latest/security/policy/language/#dns-based", renderCilium},
		{"pac", "a complete PAC file: targets DIRECT, the rest to the site default", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Proxy_servers_and_tunneling/Proxy_Auto-Configuration_PAC_file", renderPAC},
		{"proxy-bypass", "Windows ProxyOverride / WinHTTP bypass list and NO_PROXY entries", "https://learn.microsoft.com/powershell/module/winhttpproxy/set-winhttpproxy", renderProxyBypass},
	}
}

// FormatNames returns the format names in --list order.
func FormatNames() []string {
	fs := Formats()
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return names
}

// Lookup finds a format by its exact name.
func Lookup(name string) (Format, bool) {
	for _, f := range Formats() {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// UnknownFormatError is returned by Render for a name that is not a format.
type UnknownFormatError struct{ Name string }

func (e UnknownFormatError) Error() string {
	names := FormatNames()
	sort.Strings(names)
	return fmt.Sprintf("unknown rules format %q (one of: %s)", e.Name, strings.Join(names, ", "))
}

// Render writes the set in the named format. The set is validated first;
// an unknown format is an UnknownFormatError.
func Render(w io.Writer, format string, s Set) error {
	f, ok := Lookup(format)
	if !ok {
		return UnknownFormatError{format}
	}
	if err := s.Validate(); err != nil {
		return err
	}
	p := &printer{}
	f.render(p, &s)
	_, err := io.WriteString(w, p.String())
	return err
}

// WriteList writes the --list output: one line per format.
func WriteList(w io.Writer) error {
	var b strings.Builder
	for _, f := range Formats() {
		fmt.Fprintf(&b, "%-21s %s\n", f.Name, f.Summary)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

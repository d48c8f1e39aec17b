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
	Kind    Kind
	Summary string
	DocURL  string
	render  func(p *printer, s *Set)
}

// Kind is what sort of product a format is for; --list groups by it.
type Kind string

// Kinds, in --list order.
const (
	KindGeneral    Kind = "general"
	KindFirewall   Kind = "firewall"
	KindProxy      Kind = "proxy"
	KindDNS        Kind = "DNS filter"
	KindCloud      Kind = "cloud"
	KindKubernetes Kind = "Kubernetes"
	KindEndpoint   Kind = "endpoint"
)

// Kinds lists the kinds in --list order.
func Kinds() []Kind {
	return []Kind{KindGeneral, KindFirewall, KindProxy, KindDNS, KindCloud, KindKubernetes, KindEndpoint}
}

// Formats returns every format, in the order --list shows them. It builds a
// new slice on each call, so callers may not change the package's table.
func Formats() []Format {
	return []Format{
		{"text", KindGeneral, "what to allow and why, for a human (default)", "", renderText},
		{"csv", KindGeneral, "the rules as CSV: host, port, protocol, purpose, comment, addresses", "", renderCSV},
		{"json", KindGeneral, "the rules as JSON (schema_version 1)", "", renderJSON},
		{"iptables", KindFirewall, "iptables-restore file (IPv4; IPv6 lines for ip6tables as comments), needs --resolve", "https://man7.org/linux/man-pages/man8/iptables-restore.8.html", renderIPTables},
		{"nftables", KindFirewall, "nft -f file: a table with named address sets, plus dnsmasq nftset= hints", "https://wiki.nftables.org/wiki-nftables/index.php/Sets", renderNFTables},
		{"windows", KindEndpoint, "PowerShell New-NetFirewallRule (outbound), dynamic keywords for FQDNs", "https://learn.microsoft.com/powershell/module/netsecurity/new-netfirewallrule", renderWindows},
		{"pfsense", KindFirewall, "pfSense FQDN host alias (GUI steps and config.xml) and the pass rule", "https://docs.netgate.com/pfsense/en/latest/firewall/aliases-features.html", renderPfSense},
		{"opnsense", KindFirewall, "OPNsense FQDN host alias and pass rule through the REST API", "https://docs.opnsense.org/manual/aliases.html", renderOPNsense},
		{"paloalto", KindFirewall, "PAN-OS set commands: FQDN address objects, security rule, decryption exclusion", "https://knowledgebase.paloaltonetworks.com/KCSArticleDetail?id=kA10g000000ClHJCA0", renderPaloAlto},
		{"fortigate", KindFirewall, "FortiOS CLI: FQDN addresses, a policy, the SSL-inspection exemption", "https://docs.fortinet.com/document/fortigate/7.0.3/cli-reference/258620", renderFortiGate},
		{"cisco-asa", KindFirewall, "Cisco ASA: object network fqdn and access-list entries", "https://www.cisco.com/c/en/us/td/docs/security/asa/asa912/configuration/firewall/asa-912-firewall-config/access-objects.html", renderCiscoASA},
		{"checkpoint", KindFirewall, "Check Point mgmt_cli: dns-domain objects, access rule, HTTPS-inspection bypass", "https://sc1.checkpoint.com/documents/R82/WebAdminGuides/EN/CP_R82_SecurityManagement_AdminGuide/Content/Topics-SECMG/Domains.htm", renderCheckPoint},
		{"sophos", KindFirewall, "Sophos Firewall XML API: FQDN hosts and a firewall rule", "https://docs.sophos.com/nsg/sophos-firewall/19.0/Help/en-us/webhelp/onlinehelp/AdministratorHelp/HostsAndServices/HostsServicesFQDNHost/index.html", renderSophos},
		{"juniper-srx", KindFirewall, "Junos set commands: address-book dns-name entries and a security policy", "https://www.juniper.net/documentation/us/en/software/junos/security-policies/topics/topic-map/security-address-books-sets.html", renderJuniperSRX},
		{"mikrotik", KindFirewall, "RouterOS: address-list entries with domain names and filter rules", "https://manual.mikrotik.com/docs/firewall-and-quality-of-service/firewall/address-lists", renderMikroTik},
		{"squid", KindProxy, "squid.conf fragment: dstdomain ACL, CONNECT allowed, ssl_bump splice", "https://www.squid-cache.org/Doc/config/ssl_bump/", renderSquid},
		{"zscaler", KindProxy, "Zscaler ZIA custom URL category (API body and list) and SSL-inspection bypass", "https://help.zscaler.com/zia/url-format-guidelines", renderZscaler},
		{"netskope", KindProxy, "Netskope URL list (REST API v2) and the do-not-decrypt policy", "https://community.netskope.com/real-time-protection-key-policies-72/how-to-automate-url-list-updates-via-api-7167", renderNetskope},
		{"proxysg", KindProxy, "Broadcom ProxySG CPL: allow and ssl.forward_proxy(no)", "https://knowledge.broadcom.com/external/article/165956/how-to-allow-or-deny-https-requests-base.html", renderProxySG},
		{"azure-firewall", KindCloud, "az CLI: Azure Firewall Policy application rule collection", "https://learn.microsoft.com/cli/azure/network/firewall/policy/rule-collection-group/collection", renderAzure},
		{"aws-network-firewall", KindCloud, "AWS Network Firewall domain-list rule group (and the Suricata form)", "https://docs.aws.amazon.com/network-firewall/latest/APIReference/API_RulesSourceList.html", renderAWS},
		{"gcp", KindCloud, "gcloud network firewall policy rule with --dest-fqdns", "https://cloud.google.com/sdk/gcloud/reference/compute/network-firewall-policies/rules/create", renderGCP},
		{"cilium", KindKubernetes, "CiliumNetworkPolicy with toFQDNs and the DNS rule it needs", "https://docs.cilium.io/en/latest/security/policy/language/#dns-based", renderCilium},
		{"pac", KindProxy, "a complete PAC file: targets DIRECT, the rest to the site default", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Proxy_servers_and_tunneling/Proxy_Auto-Configuration_PAC_file", renderPAC},
		{"proxy-bypass", KindEndpoint, "Windows ProxyOverride / WinHTTP bypass list and NO_PROXY entries", "https://learn.microsoft.com/powershell/module/winhttpproxy/set-winhttpproxy", renderProxyBypass},
		{"intune-proxy-bypass", KindEndpoint, "Group Policy / Intune proxy bypass: one list for WinINet and WinHTTP (netsh winhttp)", "https://learn.microsoft.com/windows/win32/winhttp/netsh-exe-commands", renderIntuneProxyBypass},
		{"pihole", KindDNS, "Pi-hole allow-list: exact domains (pihole allow) and regex entries", "https://docs.pi-hole.net/main/pihole-command/", renderPiHole},
		{"adguard-home", KindDNS, "AdGuard Home custom filtering rules: @@||host^$important", "https://adguard-dns.io/kb/general/dns-filtering-syntax/", renderAdGuardHome},
		{"rpz", KindDNS, "response policy zone with rpz-passthru. rules, for BIND and Unbound", "https://bind9.readthedocs.io/en/stable/reference.html#namedconf-statement-response-policy", renderRPZ},
		{"unbound", KindDNS, "Unbound local-zone transparent entries", "https://unbound.docs.nlnetlabs.nl/en/latest/manpages/unbound.conf.html", renderUnbound},
		{"umbrella", KindDNS, "Cisco Umbrella allow destination list: CSV upload and Policies API v2 JSON", "https://developer.cisco.com/docs/cloud-security/umbrella-api-reference-destination-lists-overview", renderUmbrella},
		{"infoblox", KindDNS, "Infoblox NIOS RPZ passthru rules: WAPI record:rpz:cname and CSV import", "https://docs.infoblox.com/space/nios90/280760493/Configuring+Rules+for+RPZs", renderInfoblox},
		{"firewalld", KindFirewall, "firewalld: ipsets and an egress policy with rich rules (firewall-cmd)", "https://firewalld.org/documentation/man-pages/firewalld.policies.html", renderFirewalld},
		{"panorama", KindFirewall, "Palo Alto Panorama set commands: device group, pre-rulebase", "https://docs.paloaltonetworks.com/panorama/11-1/panorama-admin/manage-firewalls/manage-device-groups", renderPanorama},
		{"cisco-ftd", KindFirewall, "Cisco Secure Firewall (FTD): FQDN objects and access rules via the FMC REST API", "https://developer.cisco.com/docs/fmc-rest-api/", renderCiscoFTD},
		{"meraki", KindFirewall, "Cisco Meraki MX L3 outbound rules (Dashboard API JSON)", "https://developer.cisco.com/meraki/api-v1/update-network-appliance-firewall-l-3-firewall-rules/", renderMeraki},
		{"sonicwall", KindFirewall, "SonicWall SonicOS 7 CLI: FQDN address objects and access rules", "https://sonicwall.com/support/technical-documentation/docs/sonicos-8-0-rules_policies_classic/Content/Access_Rules/access_rules_create.htm", renderSonicWall},
		{"watchguard", KindFirewall, "WatchGuard Fireware FQDN alias and policy (Web UI / WSM steps)", "https://www.watchguard.com/help/docs/help-center/en-US/Content/en-US/Fireware/policies/fqdn_about_c.html", renderWatchGuard},
		{"terraform-azurerm", KindCloud, "Terraform azurerm: Azure Firewall Policy rule collection group", "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/firewall_policy_rule_collection_group", renderTerraformAzure},
		{"terraform-aws", KindCloud, "Terraform aws: AWS Network Firewall stateful rule groups", "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/networkfirewall_rule_group", renderTerraformAWS},
		{"terraform-google", KindCloud, "Terraform google: global network firewall policy rules", "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/compute_network_firewall_policy_rule", renderTerraformGoogle},
		{"cloudflare-gateway", KindProxy, "Cloudflare Zero Trust Gateway: DNS allow, Do Not Inspect, network rules (API)", "https://developers.cloudflare.com/cloudflare-one/policies/gateway/", renderCloudflareGateway},
		{"openshift-egressfirewall", KindKubernetes, "OpenShift EgressFirewall: Allow by dnsName and cidrSelector", "https://docs.openshift.com/container-platform/latest/networking/ovn_kubernetes_network_provider/configuring-egress-firewall-ovn.html", renderOpenShift},
		{"calico", KindKubernetes, "Calico GlobalNetworkPolicy: egress by destination.domains", "https://docs.tigera.io/calico-enterprise/latest/network-policy/domain-based-policy", renderCalico},
		{"istio", KindKubernetes, "Istio ServiceEntry: MESH_EXTERNAL, TLS on 443", "https://istio.io/latest/docs/reference/config/networking/service-entry/", renderIstio},
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

// Result is what a render says beside the file, for stderr.
type Result struct {
	// Notes are lines for stderr: the provenance of a format that has no
	// comments (CSV), why the active part of a file is empty.
	Notes []string
	// NothingToApply is set when the file has no active rule: iptables
	// and nftables match addresses, and no rule has one (no --resolve).
	// The file is still valid and loadable; only its comments (the
	// DNS-driven ipset/nftset alternative) say what to do.
	NothingToApply bool
}

// Render writes the set in the named format. The set is validated first;
// an unknown format is an UnknownFormatError. The Result carries what
// belongs on stderr.
func Render(w io.Writer, format string, s Set) (Result, error) {
	f, ok := Lookup(format)
	if !ok {
		return Result{}, UnknownFormatError{format}
	}
	if err := s.Validate(); err != nil {
		return Result{}, err
	}
	p := &printer{}
	f.render(p, &s)
	_, err := io.WriteString(w, p.String())
	return p.res, err
}

// noAddresses reports whether no rule of the set has an address.
func noAddresses(s *Set) bool {
	for _, r := range s.Rules {
		if len(r.IPv4)+len(r.IPv6) > 0 {
			return false
		}
	}
	return true
}

// nothingToApply marks an address-only format's file as empty and says why.
func (p *printer) nothingToApply(format string) {
	p.res.NothingToApply = true
	p.note("note: this %s file allows nothing yet: %s matches addresses, not names, and none is known; run again with --resolve to add the addresses the names resolve to now, or fill the sets from DNS as the file's comments describe", format, format)
}

// WriteList writes the --list output: a heading per kind, then one
// indented line per format of that kind.
func WriteList(w io.Writer) error {
	var b strings.Builder
	for i, k := range Kinds() {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s:\n", k)
		for _, f := range Formats() {
			if f.Kind == k {
				fmt.Fprintf(&b, "  %-27s %s\n", f.Name, f.Summary)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

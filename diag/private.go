package diag

import (
	"net"
	"net/netip"
	"strings"
)

// Private answers. A public name that resolves to a private address is not
// a verdict by itself: split-horizon DNS, cloud private endpoints and
// security clients (which hand out synthetic addresses that their tunnel
// carries) all give working paths this way. The connection decides:
// settlePrivate reads the TCP, TLS and HTTP checks that followed.

var (
	cgnat = netip.MustParsePrefix("100.64.0.0/10") // RFC 6598 shared address space
	// privateProducts are ranges a product is documented to answer from.
	privateProducts = []struct {
		prefix  netip.Prefix
		product string
	}{
		// help.zscaler.com and Zscaler's ZPA DNS notes: Client Connector
		// answers ZPA application names with a synthetic address from
		// 100.64.0.0/16, routed to its virtual interface.
		{netip.MustParsePrefix("100.64.0.0/16"), "Zscaler Client Connector (ZPA synthetic address)"},
		// developers.cloudflare.com, Cloudflare One "Reserved IP addresses":
		// Gateway initial resolved IPs, 100.80.0.0/16 (newer accounts use a
		// public Cloudflare range, which is not private and needs no note).
		{netip.MustParsePrefix("100.80.0.0/16"), "Cloudflare WARP (Gateway initial resolved address)"},
	}
	// privateCNAMEs are canonical-name markers of cloud private endpoints.
	privateCNAMEs = []struct{ marker, product string }{
		{".privatelink.", "Azure Private Link (private endpoint)"}, // learn.microsoft.com, "Azure Private Endpoint DNS configuration"
		{".vpce.amazonaws.com", "AWS PrivateLink (VPC endpoint)"},  // docs.aws.amazon.com, "Access an AWS service using an interface VPC endpoint"
		{".private.googleapis.com", "Google Private Service Connect"},
	}
)

// privateKind names the range of an address that is not publicly routed,
// or "" for a public one.
func privateKind(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case a.Is4() && a.IsPrivate():
		return "rfc1918"
	case a.IsPrivate():
		return "ula"
	case cgnat.Contains(a):
		return "cgnat"
	case a.IsLinkLocalUnicast():
		return "link_local"
	}
	return ""
}

// privateAnswerOf describes the private addresses among a public name's
// answer, and what they usually mean; nil when there are none.
func privateAnswerOf(addrs []netip.Addr, canonical string) *PrivateAnswerDetails {
	var priv []netip.Addr
	for _, a := range addrs {
		if privateKind(a) != "" {
			priv = append(priv, a.Unmap())
		}
	}
	if len(priv) == 0 {
		return nil
	}
	pa := &PrivateAnswerDetails{Addresses: addrStrings(priv), Kind: privateKind(priv[0])}
	cn := strings.ToLower(strings.TrimSuffix(canonical, ".")) + "."
	for _, m := range privateCNAMEs {
		if strings.Contains(cn, m.marker) {
			pa.Product = m.product
		}
	}
	for _, r := range privateProducts {
		if pa.Product == "" && r.prefix.Contains(priv[0]) {
			pa.Product = r.product
		}
	}
	pa.Meaning = pa.Addresses[0] + " is " + privateWhat(pa) + "; the connection shows whether it serves the host"
	return pa
}

// privateWhat says what kind of address a private answer is, and what it
// usually means.
func privateWhat(pa *PrivateAnswerDetails) string {
	if pa.Product != "" {
		return "a private address of " + pa.Product
	}
	return map[string]string{
		"rfc1918":    "a private address (RFC 1918), usually split-horizon DNS or a private endpoint",
		"ula":        "a private IPv6 address (ULA, RFC 4193), usually split-horizon DNS or a private endpoint",
		"cgnat":      "a shared address (100.64.0.0/10, RFC 6598), usually a security client's synthetic address that its tunnel carries (Zscaler, Cloudflare WARP, Tailscale)",
		"link_local": "a link-local address, reachable only on this link: usually a local agent or proxy",
	}[pa.Kind]
}

// settlePrivate lets the connection decide what a private answer meant.
// When the connected address answers as something other than the service
// (a certificate for another name, a block page), the DNS answer is the
// root cause: dns.system becomes dns.redirected, naming the address, the
// resolver that gave it and the proof. When the path fails otherwise, the
// failing checks say which private address they tried.
func settlePrivate(host string, checks []Check) {
	si := -1
	for i, c := range checks {
		if c.ID == CheckDNSSystem {
			si = i
		}
	}
	if si < 0 {
		return
	}
	sd, ok := checks[si].Details.(*DNSSystemDetails)
	if !ok || sd.Private == nil || checks[si].Code != DNSOK {
		return
	}
	connected := ""
	for _, c := range checks {
		if d, ok := c.Details.(*TCPDetails); ok && c.ID == CheckTCPConnect {
			if ip, _, err := net.SplitHostPort(d.Connected); err == nil {
				connected = ip
			}
		}
	}
	if connected != "" && !contains(sd.Private.Addresses, connected) {
		return // a public address of the answer carried the connection
	}
	var proof *Check
	for i, c := range checks {
		if connected != "" && (c.Code == TLSHostnameMismatch || c.Code == HTTPBlocked) && c.Status == StatusFail {
			proof = &checks[i]
			break
		}
	}
	if proof == nil {
		addr := connected
		if addr == "" {
			addr = listAddrs(parseAddrs(sd.Private.Addresses))
		}
		for i, c := range checks {
			switch StageOf(c.Code) {
			case "tcp", "tls", "http":
				if c.Status == StatusFail {
					checks[i].Summary = strings.TrimSuffix(c.Summary, ".") + " (" + host + " resolved to " + addr + ": " +
						privateWhat(sd.Private) + ")."
				}
			}
		}
		return
	}
	resolver := resolversOf(connected, checks)
	d := *sd
	d.Redirected = &RedirectDetails{Address: connected, Resolver: resolver, Proof: proof.ID + ": " + proof.Summary}
	sum := host + " resolves to " + connected + " (from " + resolver + "), but that address is not the service: " +
		lowerFirst(strings.TrimSuffix(proof.Summary, ".")) + " — the DNS answer redirects the name"
	n := newCheck(CheckDNSSystem, DNSRedirected, sum, &d)
	n.DurationMS = checks[si].DurationMS
	checks[si] = n
}

// resolversOf names the configured resolvers whose direct answer holds
// addr, or the system resolver when none was asked or none gave it.
func resolversOf(addr string, checks []Check) string {
	var who []string
	for _, c := range checks {
		d, ok := c.Details.(*DNSViewsDetails)
		if !ok || c.ID != CheckDNSServers {
			continue
		}
		for _, v := range d.Views {
			if contains(v.Addrs, addr) {
				who = append(who, v.Server)
			}
		}
	}
	if len(who) == 0 {
		return "the system resolver"
	}
	return plural(len(who), "the DNS server ", "the DNS servers ") + joinAnd(who)
}

func lowerFirst(s string) string {
	if s == "" || strings.HasPrefix(s, "TLS") || strings.HasPrefix(s, "TCP") || strings.HasPrefix(s, "HTTP") {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

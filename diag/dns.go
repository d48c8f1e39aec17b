package diag

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// DNSSystemDetails is the evidence of dns.system: what the system resolver
// gave applications, and what the configured resolvers said when it failed.
type DNSSystemDetails struct {
	Addresses     []string `json:"addresses"`
	CanonicalName string   `json:"canonical_name,omitempty"`
	// ConfiguredResolvers is absent for an address literal (nothing was
	// looked up), and [] when the machine has none.
	ConfiguredResolvers []string `json:"configured_resolvers,omitzero"`
	Error               string   `json:"error,omitempty"`
	ErrorKind           string   `json:"error_kind,omitempty"`
	Note                string   `json:"note,omitempty"` // direct-path evidence beside a proxy route
	// NRPT is the Name Resolution Policy Table rule the name falls under
	// (Windows): its resolvers, not the adapters', answer for it.
	NRPT *NRPTMatch `json:"nrpt,omitempty"`
	// Private is set when a public name resolves to private addresses:
	// what such an answer usually means. The connection decides.
	Private *PrivateAnswerDetails `json:"private,omitempty"`
	// Redirected is set when the connection proved that the address
	// answers as something other than the service (dns.redirected).
	Redirected *RedirectDetails `json:"redirected,omitempty"`
	Resolver   string           `json:"resolver"` // system, or none for an address literal
	// ResolverAddresses are what the DNS servers answer when a sinkhole
	// answer is local; ResolverRcodes what each configured resolver said
	// when the system lookup failed.
	ResolverAddresses []string          `json:"resolver_addresses,omitempty"`
	ResolverRcodes    map[string]string `json:"resolver_rcodes,omitempty"`
	Sinkhole          *SinkholeDetails  `json:"sinkhole,omitempty"`
}

func (*DNSSystemDetails) CheckDetails() {}

// SinkholeDetails says what kind of block answer the name got.
type SinkholeDetails struct {
	Addresses []string `json:"addresses"`
	Kind      string   `json:"kind"` // unspecified, loopback, block_page
	Product   string   `json:"product,omitempty"`
}

// PrivateAnswerDetails describes the private addresses a public name
// resolved to, and what such an answer usually means.
type PrivateAnswerDetails struct {
	Addresses []string `json:"addresses"`
	Kind      string   `json:"kind"` // rfc1918, cgnat, ula, link_local
	Meaning   string   `json:"meaning"`
	Product   string   `json:"product,omitempty"` // when the range or the CNAME is recognisable
}

// RedirectDetails is the proof that a resolved address is not the service.
type RedirectDetails struct {
	Address  string `json:"address"`
	Proof    string `json:"proof"`    // the check that showed it, and what it saw
	Resolver string `json:"resolver"` // the resolver(s) that gave the address
}

// dnsSystem resolves t.Host the way applications do, with p.Resolver (A
// and AAAA, plus the canonical name), bounded by p.Timeout. An address
// literal passes without a lookup. A sinkhole answer already fails here, so
// the runner does not connect to 0.0.0.0 or a block page.
func (p *Prober) dnsSystem(ctx context.Context, t Target) ([]net.IP, Check) {
	start := p.Now()
	if ip := net.ParseIP(t.Host); ip != nil {
		c := newCheck(CheckDNSSystem, DNSOK, t.Host+" is an IP address: no DNS lookup is needed",
			&DNSSystemDetails{Addresses: []string{ip.String()}, Resolver: "none"})
		return []net.IP{ip}, c
	}
	ctx, cancel := context.WithTimeout(ctx, p.dnsTimeout())
	defer cancel()
	r := p.Resolver
	if r == nil {
		r = &net.Resolver{}
	}
	var (
		canon    string
		canonErr error
		done     = make(chan struct{})
	)
	go func() {
		defer close(done)
		canon, canonErr = r.LookupCNAME(ctx, t.Host)
	}()
	ipas, err := r.LookupIPAddr(ctx, t.Host)
	if err != nil {
		cancel() // the canonical name of a name that does not resolve adds nothing
	}
	<-done

	details := &DNSSystemDetails{
		Resolver:            "system",
		Addresses:           []string{},
		ConfiguredResolvers: append([]string{}, p.configuredFor(t.Host)...),
		NRPT:                nrptFor(p.NRPT, t.Host),
	}
	if err != nil {
		code, kind := classifySystemErr(err)
		details.Error = err.Error()
		details.ErrorKind = kind
		c := newCheck(CheckDNSSystem, code, systemFailSummary(code, kind, t.Host), details)
		if kind == failLocal {
			c.Remediation = localDNSFix
		}
		c.DurationMS = p.since(start)
		return nil, c
	}
	if canonErr == nil && canon != "" {
		details.CanonicalName = strings.TrimSuffix(canon, ".")
	}
	ips := make([]net.IP, 0, len(ipas))
	addrs := make([]netip.Addr, 0, len(ipas))
	for _, a := range ipas {
		ips = append(ips, a.IP)
		if na, ok := netip.AddrFromSlice(a.IP); ok {
			addrs = append(addrs, na.Unmap())
		}
	}
	details.Addresses = addrStrings(addrs)
	public := p.isPublic(t.Host)
	var c Check
	switch sh := sinkholeOf(addrs, public); {
	case len(ips) == 0:
		c = newCheck(CheckDNSSystem, DNSNoAddress, t.Host+" resolves to no address", details)
	case sh.kind != "":
		details.Sinkhole = sh.details()
		c = newCheck(CheckDNSSystem, DNSSinkhole, sh.summary(t.Host, nil), details)
	default:
		sum := t.Host + " resolves to " + listAddrs(addrs)
		if cn := details.CanonicalName; cn != "" && !sameName(cn, t.Host) {
			sum += " (canonical name " + cn + ")"
		}
		if public {
			if pa := privateAnswerOf(addrs, details.CanonicalName); pa != nil {
				details.Private = pa
				sum += ": " + pa.Meaning
			}
		}
		c = newCheck(CheckDNSSystem, DNSOK, sum, details)
	}
	c.DurationMS = p.since(start)
	return ips, c
}

// classifySystemErr maps a resolver error to a problem code and a kind. Go
// reports NXDOMAIN and "no data" alike as not found (the direct views tell
// them apart); SERVFAIL as a temporary "server misbehaving", REFUSED and the
// other rcodes as a permanent one.
func classifySystemErr(err error) (code Code, kind string) {
	if errors.Is(err, context.Canceled) {
		// Nobody waited for the answer (the direct path beside a proxy
		// route, an interrupt): one fixed code, whatever the resolver was
		// doing when it was stopped.
		return DNSTimeout, failCanceled
	}
	if code, kind, ok := windowsDNSErr(err); ok {
		return code, kind
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		switch {
		case de.IsNotFound:
			return DNSNXDomain, "not_found"
		case de.IsTimeout:
			return DNSTimeout, failTimeout
		case de.Err == "server misbehaving" && de.IsTemporary:
			return DNSServFail, "servfail"
		case de.Err == "server misbehaving":
			return DNSRefused, "refused_query"
		case strings.Contains(de.Err, "connection refused"):
			// Nothing listens on the resolver's port (an empty resolv.conf
			// makes Go try 127.0.0.1:53).
			return DNSUnreachable, failRefused
		case strings.Contains(de.Err, "operation not permitted") || strings.Contains(de.Err, "permission denied"):
			// A local firewall refused to send the query: no server said anything.
			return DNSTimeout, failLocal
		}
		if k := classifyNetErr(err); k == failLocal || k == failUnreachable || k == failRefused {
			return noAnswerCode(k), k
		}
		if de.IsTemporary {
			return DNSServFail, kindTemporary
		}
	}
	switch k := classifyNetErr(err); k {
	case failTimeout, failRefused, failUnreachable, failLocal, failReset:
		return noAnswerCode(k), k
	}
	return DNSServFail, failOther
}

// kindTemporary is a system lookup that failed "temporarily" without
// saying how (EAI_AGAIN from getaddrinfo): no rcode, no network error.
const kindTemporary = "temporary"

// noAnswerCode is the code of a resolver that sent no answer, by why: a
// refused, reset or unreachable connection is dns.unreachable (nothing
// answers DNS there); silence, this machine's own firewall and a lookup
// nobody waited for are dns.timeout.
func noAnswerCode(kind string) Code {
	switch kind {
	case failRefused, failReset, failUnreachable:
		return DNSUnreachable
	}
	return DNSTimeout
}

func systemFailSummary(code Code, kind, host string) string {
	switch code {
	case DNSNXDomain:
		return "The system resolver finds no such host as " + host
	case DNSTimeout:
		if kind == failLocal {
			return "This machine's firewall or security software blocked the DNS queries for " + host + " (nothing was sent)"
		}
		if kind == failCanceled {
			return "The lookup of " + host + " was not waited for (stopped before an answer came)"
		}
		return "The system resolver got no answer for " + host + " in time"
	case DNSUnreachable:
		return "The system resolver could not reach a DNS server to resolve " + host + " (" + noAnswerText(kind) + ")"
	case DNSServFail:
		return "The system resolver failed to resolve " + host + " (server failure)"
	case DNSRefused:
		return "The DNS server refused to resolve " + host
	}
	return "The system resolver could not resolve " + host
}

// internalSuffixes are the names that never exist in the public DNS, where a
// private address is normal.
var internalSuffixes = []string{
	"local", "localhost", "localdomain", "internal", "intranet", "lan", "home",
	"corp", "private", "home.arpa", "in-addr.arpa", "ip6.arpa",
}

// isPublic is isPublicName with this machine's search domains.
func (p *Prober) isPublic(host string) bool { return isPublicName(host, p.SearchDomains...) }

// isPublicName reports whether host is a name of the public DNS: not an
// address, not a single label (localhost, intranet), not under a suffix
// that never exists publicly (.local, .internal, RFC 6762 and RFC 8375
// names), and not under one of the machine's search domains, whose names
// the local DNS serves as it likes. Only a public name can be sinkholed,
// and only for one does a private address say something.
func isPublicName(host string, search ...string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if net.ParseIP(h) != nil || !strings.Contains(h, ".") {
		return false
	}
	for _, s := range internalSuffixes {
		if h == s || strings.HasSuffix(h, "."+s) {
			return false
		}
	}
	for _, s := range search {
		s = strings.ToLower(strings.Trim(s, "."))
		if s != "" && (h == s || strings.HasSuffix(h, "."+s)) {
			return false
		}
	}
	return true
}

// blockPage is a range of addresses that DNS filters answer to send the
// browser to their block page. Sources, one per product:
//   - Cisco Umbrella: "Umbrella block page IP addresses", docs.umbrella.com
//     (146.112.61.104-110; 208.69.32.164 is the older OpenDNS block page);
//   - AdGuard DNS: its "blocking mode: default IP" (94.140.14.35/.36,
//     176.103.130.135 before the 2020 renumbering), adguard-dns.io knowledge base;
//   - FortiGuard, Securly, CleanBrowsing, WatchGuard DNSWatch, SafeDNS:
//     ooni/blocking-fingerprints (fingerprints/dns.csv) and the vendors' docs.
//
// Quad9 and Cloudflare's 1.1.1.2/1.1.1.3 answer NXDOMAIN or 0.0.0.0 for a
// blocked name (quad9.net FAQ; developers.cloudflare.com 1.1.1.1 for
// Families), which the NXDOMAIN and unspecified rules already read.
type blockPage struct {
	from, to netip.Addr
	product  string
}

var blockPages = func() []blockPage {
	r := func(from, to, product string) blockPage {
		return blockPage{netip.MustParseAddr(from), netip.MustParseAddr(to), product}
	}
	one := func(a, product string) blockPage { return r(a, a, product) }
	return []blockPage{
		r("146.112.61.104", "146.112.61.110", "Cisco Umbrella"),
		one("208.69.32.164", "Cisco Umbrella"),
		one("94.140.14.35", "AdGuard DNS"),
		one("94.140.14.36", "AdGuard DNS"),
		one("176.103.130.135", "AdGuard DNS"),
		one("208.91.112.55", "FortiGuard"),
		one("204.110.220.2", "Securly"),
		one("52.52.63.90", "Securly"),
		one("185.228.168.254", "CleanBrowsing"),
		one("3.93.224.57", "WatchGuard DNSWatch"),
		one("52.206.227.167", "WatchGuard DNSWatch"),
		one("195.46.39.11", "SafeDNS"),
		one("1.2.3.4", "a generic fake answer"),
	}
}()

func blockPageOf(a netip.Addr) string {
	for _, b := range blockPages {
		if a.Compare(b.from) >= 0 && a.Compare(b.to) <= 0 {
			return b.product
		}
	}
	return ""
}

// sinkhole describes a blocked answer; kind is empty for a usable one.
type sinkhole struct {
	kind    string // unspecified, loopback, block_page
	product string // for block_page
	addrs   []netip.Addr
}

// sinkholeOf looks for block answers to a public name: an address that
// cannot be a public service (0.0.0.0 and :: — the "null IP" blocking
// style of Pi-hole, AdGuard Home, Quad9 and hosts-file blockers —
// loopback, multicast, broadcast) or a published block page. Private
// addresses are not block answers: split-horizon DNS, private endpoints
// and security clients answer them for working paths, so the connection
// decides (dns.redirected). A name that is not public is never sinkholed:
// localhost resolving to 127.0.0.1 is its real answer.
func sinkholeOf(addrs []netip.Addr, public bool) sinkhole {
	if !public {
		return sinkhole{}
	}
	for _, a := range addrs {
		a = a.Unmap()
		switch {
		case a.IsUnspecified(), a.IsMulticast(), a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
			return sinkhole{kind: "unspecified", addrs: []netip.Addr{a}}
		case a.IsLoopback():
			return sinkhole{kind: "loopback", addrs: []netip.Addr{a}}
		}
		if prod := blockPageOf(a); prod != "" {
			return sinkhole{kind: "block_page", product: prod, addrs: []netip.Addr{a}}
		}
	}
	return sinkhole{}
}

func (s sinkhole) details() *SinkholeDetails {
	return &SinkholeDetails{Kind: s.kind, Addresses: addrStrings(s.addrs), Product: s.product}
}

// summary says what was seen; real is what the configured resolvers answer
// instead, when they give usable addresses (then the override is local).
func (s sinkhole) summary(host string, real []netip.Addr) string {
	got := host + " resolves to " + listAddrs(s.addrs)
	if s.kind == "block_page" {
		got += ", a " + s.product + " block page"
	}
	if len(real) > 0 {
		return got + " on this machine while its DNS servers answer " + listAddrs(real) +
			" — a hosts-file entry or local security software overrides it"
	}
	switch s.kind {
	case "block_page":
		return got + " — a DNS filter blocks it"
	}
	return got + " — a DNS filter sinkholes it"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func addrStrings(addrs []netip.Addr) []string {
	out := make([]string, 0, len(addrs))
	for _, a := range addrs {
		out = append(out, a.String())
	}
	return out
}

// parseAddrs reads the addresses of a view (ours, so always valid).
func parseAddrs(ss []string) []netip.Addr {
	out := make([]netip.Addr, 0, len(ss))
	for _, s := range ss {
		if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, a.Unmap())
		}
	}
	return out
}

// listAddrs names up to three addresses for a summary.
func listAddrs(addrs []netip.Addr) string {
	ss := addrStrings(addrs)
	switch {
	case len(ss) == 0:
		return "no address"
	case len(ss) == 1:
		return ss[0]
	case len(ss) <= 3:
		return strings.Join(ss[:len(ss)-1], ", ") + " and " + ss[len(ss)-1]
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ss[:3], ", "), len(ss)-3)
}

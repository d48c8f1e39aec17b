package lab

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/okviz/okviz-check/internal/lab/labconf"
)

// Host names the lab's DNS answers. They are public-looking names on
// purpose (okviz-check treats private names differently), but they only ever
// resolve inside the lab's namespaces, which have no route out.
const (
	HostGood        = "api.okviz.com"          // trusted chain, 200 with a Date header, dual stack
	HostExpired     = "expired.okviz.com"      // expired leaf
	HostWrongName   = "wrong-host.okviz.com"   // leaf for another name
	HostUntrusted   = "untrusted.okviz.com"    // leaf from a CA nobody trusts
	HostIntercepted = "intercepted.okviz.com"  // leaf from "Zscaler Root CA", trusted only through --ca-file
	HostPlainHTTP   = "plain-http.okviz.com"   // plain HTTP on port 443
	HostCaptive     = "captive.okviz.com"      // captive portal: 302 to HostPortal, portal certificate
	HostPortal      = "portal.hotspot.example" // the captive portal's own name
	HostSNIBlocked  = "filtered.okviz.com"     // Direct resets any TCP segment carrying this SNI
	HostServerError = "error.okviz.com"        // answers 503
	HostDropped     = "dropped.okviz.com"      // Direct drops TCP to it
	HostRefused     = "refused.okviz.com"      // Direct rejects TCP with an RST
	HostProhibited  = "prohibited.okviz.com"   // Direct rejects with ICMP administratively prohibited
	HostIPv6Broken  = "v6-broken.okviz.com"    // dual stack; Direct drops its IPv6 address
	HostReset       = "reset.okviz.com"        // the server resets after the ClientHello, whatever the SNI
	HostStall       = "stall.okviz.com"        // the server accepts and never answers
	HostBlockPage   = "blocked.okviz.com"      // 403 block page behind an inspection certificate
	HostPQDrop      = "pq-drop.okviz.com"      // Direct drops large TCP segments to it (big ClientHello)
	HostClockSkew   = "skew.okviz.com"         // Date header three hours behind
	HostNXDomain    = "missing.okviz.com"      // NXDOMAIN
	HostSinkhole    = "sinkholed.okviz.com"    // 0.0.0.0 and ::
	HostNotYetValid = "not-yet.okviz.com"      // leaf valid only from a month from now
	HostExpiring    = "expiring.okviz.com"     // leaf ending ExpiringSoonIn after the lab started
	HostForbidden   = "forbidden.okviz.com"    // the genuine service (trusted chain) answers 403 with its edge's page
	// HostPrivate resolves to an RFC 1918 address (split horizon, a
	// private endpoint) that serves the host: the path works.
	HostPrivate = "private.okviz.com"
	// HostSynthetic resolves to a synthetic address in Zscaler ZPA's part
	// of 100.64.0.0/10 that serves the host: the path works.
	HostSynthetic = "zpa.okviz.com"
	// HostPrivateBlock resolves to an RFC 1918 address where a filter
	// serves its block page (under the inspection CA): dns.redirected.
	HostPrivateBlock = "redirected.okviz.com"
	// HostSameSite serves an untrusted chain; its http:// redirects to
	// https://www.okv.io/, its own site (okv.io is a registrable domain
	// under io): no captive portal, the TLS cause stays the verdict.
	HostSameSite = "api.okv.io"
	// HostHijacked is served by a genuine origin; DNS2Addr answers it with
	// HijackAddr, in another network, which serves another name's
	// certificate: a disagreement TLS cannot settle (dns.mismatch).
	HostHijacked = "hijacked.okviz.com"
	// HostSecureProxy is the name of the https:// proxy (HTTPSProxyAddr);
	// its certificate names it and that address.
	HostSecureProxy = "proxy.corp.example"
)

// ExpiringSoonIn is how long HostExpiring's certificate has left when the
// lab starts: inside okviz-check's warning window, and far enough from a
// day boundary that its summary says "3 days" for the whole run.
const ExpiringSoonIn = 3*24*time.Hour + time.Hour

// Addresses of the lab's infrastructure.
const (
	GatewayAddr  = "198.18.0.1"     // the internet namespace on the client link; the clients' resolver
	GatewayAddr6 = "fd00:198:18::1" // its IPv6 address
	DNS2Addr     = "198.18.2.53"    // a second resolver that answers HostGood differently
	// MismatchAddr is what DNS2Addr answers for HostGood (also a good
	// origin), in another /24 than HostGood's address: answers in one /24
	// are one operator's and agree; these share nothing, and TLS settles
	// them (MismatchAddr serves HostGood's certificate).
	MismatchAddr = "198.18.9.40"
	// HijackAddr is what DNS2Addr answers for HostHijacked: an origin in
	// the same other network that serves a certificate for another name.
	HijackAddr    = "198.18.9.41"
	ProxyAddr     = "198.18.2.30:3128" // squid, open
	AuthProxyAddr = "198.18.2.31:3128" // squid, Basic authentication
	DenyProxyAddr = "198.18.2.32:3128" // squid, denies .okviz.com
	DeadProxyAddr = "198.18.2.39:3128" // nothing listens: refused
	PACAddr       = "198.18.2.80"      // labserver serving PAC files on port 80
	ProxyUser     = "lab"              // the account AuthProxyAddr accepts
	ProxyPassword = "lab-Secret-42"    // its password; it must never appear in okviz-check's output
)

// Proxies beside squid's http:// ports.
const (
	// HTTPSProxyAddr is squid's https_port with a certificate from the
	// lab's public root (so --ca-file CAFile trusts it): use HTTPSProxyURL.
	HTTPSProxyAddr   = "198.18.2.33:3129"
	SOCKSProxyAddr   = "198.18.2.34:1080" // labserver: SOCKS5 without authentication
	GarbageProxyAddr = "198.18.2.35:3128" // labserver: answers CONNECT with an SSH banner
	NTLMProxyAddr    = "198.18.2.36:3128" // labserver: 407 offering NTLM and Negotiate only
)

// Resolvers that fail, each the only resolver of one client.
const (
	ServfailDNSAddr = "198.18.2.54" // dnsmasq forwarding to an upstream that answers SERVFAIL
	RefusedDNSAddr  = "198.18.2.55" // dnsmasq with no upstream: REFUSED for every outside name
	SilentDNSAddr   = "198.18.2.56" // the internet namespace drops DNS to it (UDP and TCP)
	failingUpstream = "198.18.2.57" // labserver: SERVFAIL to everything, ServfailDNSAddr's upstream
	// RefusingDNSAddr is an address where nothing listens on port 53: UDP
	// queries get ICMP port unreachable, TCP ones a reset.
	RefusingDNSAddr = "198.18.2.58"
)

// InterceptedDoHAddr is a DoH endpoint behind TLS inspection: it serves a
// certificate for its address from the interception CA (Zscaler's name),
// which only --ca-file trusts. Use InterceptedDoHURL with --dns-compare.
const InterceptedDoHAddr = "198.18.2.59"

// InterceptedDoHURL is the DoH URL of InterceptedDoHAddr.
const InterceptedDoHURL = "https://" + InterceptedDoHAddr + "/dns-query"

// PAC files served on http://PACAddr/.
const (
	PACProxy    = "proxy.pac"    // PROXY ProxyAddr
	PACFailover = "failover.pac" // PROXY DeadProxyAddr; PROXY ProxyAddr
	PACDead     = "dead.pac"     // PROXY DeadProxyAddr
	PACSyntax   = "syntax.pac"   // syntax error
	PACRunaway  = "runaway.pac"  // never returns: an empty loop at line 3, column 3
	PACNumber   = "number.pac"   // returns 42, not a string
)

// Client addresses on the shared link (the rest are in clients()).
const (
	blackholeAddr  = "198.18.0.4"
	blackholeAddr6 = "fd00:198:18::4"
	originNet      = "198.18.1.0/24"
	originNet6     = "fd00:198:18::1:0/112"
	otherNet       = "198.18.9.0/24" // a second origin network (MismatchAddr)
	// The private origins: inside the namespaces any range may be used,
	// and these are what private answers look like (no route leaves).
	privateNet = "10.198.18.0/24" // RFC 1918
	cgnatNet   = "100.64.18.0/24" // RFC 6598, in Zscaler ZPA's 100.64.0.0/16
	// linkPrefix6 keeps the client link to fd00:198:18::/112, so the
	// origins (fd00:198:18::1:x) are off-link and reached through the
	// gateway, as on the IPv4 side; with /64 the clients would look for
	// them with neighbour discovery and never find them.
	linkPrefix6 = "112"
)

// GarbageBanner is what GarbageProxyAddr answers CONNECT with.
const GarbageBanner = "SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n"

// HTTPSProxyURL is the https:// proxy URL of HTTPSProxyAddr, by name.
func HTTPSProxyURL() string {
	_, port, _ := net.SplitHostPort(HTTPSProxyAddr)
	return "https://" + net.JoinHostPort(HostSecureProxy, port)
}

// client is one client namespace: its role (part of the namespace name,
// lower-case letters only), its addresses on the shared link and the
// resolver its resolv.conf names.
type client struct {
	role, addr, addr6, resolver string
}

// clients lists the client namespaces; clientRules has each one's firewall.
func clients() []client {
	return []client{
		{"direct", "198.18.0.2", "fd00:198:18::2", GatewayAddr},
		{"proxyonly", "198.18.0.3", "fd00:198:18::3", GatewayAddr},
		{"blackhole", blackholeAddr, blackholeAddr6, GatewayAddr},
		{"servfail", "198.18.0.5", "fd00:198:18::5", ServfailDNSAddr},
		{"refused", "198.18.0.6", "fd00:198:18::6", RefusedDNSAddr},
		{"silentdns", "198.18.0.7", "fd00:198:18::7", SilentDNSAddr},
		{"fwreject", "198.18.0.8", "fd00:198:18::8", GatewayAddr},
		{"fwdrop", "198.18.0.9", "fd00:198:18::9", GatewayAddr},
		{"refusingdns", "198.18.0.10", "fd00:198:18::10", RefusingDNSAddr},
	}
}

// infraAddrs are the internet namespace's addresses besides the origins:
// resolvers, proxies, the PAC server.
func infraAddrs() []string {
	return append([]string{DNS2Addr, ServfailDNSAddr, RefusedDNSAddr, SilentDNSAddr, failingUpstream, RefusingDNSAddr,
		ProxyAddr, AuthProxyAddr, DenyProxyAddr, DeadProxyAddr, HTTPSProxyAddr,
		SOCKSProxyAddr, GarbageProxyAddr, NTLMProxyAddr, PACAddr, InterceptedDoHAddr}, authProxyAddrs()...)
}

// hostOf strips the port from a host:port address (and leaves a bare IP).
func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// PACURL is the URL of one of the lab's PAC files.
func PACURL(name string) string { return "http://" + PACAddr + "/" + name }

// PACFile is the path of one of the lab's PAC files, for --pac FILE.
func (l *Lab) PACFile(name string) string { return filepath.Join(l.Dir, "pac", name) }

// ProxyURL is an http:// proxy URL for addr, with credentials when user is set.
func ProxyURL(addr, user, password string) string {
	u := url.URL{Scheme: "http", Host: addr}
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	return u.String()
}

// origin is one address the labserver answers on, and how.
type origin struct {
	host  string // name the lab's main resolver gives this address
	addr  string // IPv4 address
	addr6 string // IPv6 address, if any
	cert  string // which certificate it serves on 443 (certGood, …); "" for plain HTTP
	mode  string // labconf mode on 443 ("" for HTTP)
	// HTTP answer on 443
	status     int
	location   string
	body       string
	dateOffset string
	// http80 adds a plain HTTP listener on port 80 with this location (status 301/302)
	http80 string
}

// Certificate names used by origins.
const (
	certGood         = "good"
	certMismatch     = "mismatch" // the HostGood name served under MismatchAddr
	certExpired      = "expired"
	certWrongName    = "wrong-name"
	certUntrusted    = "untrusted"
	certIntercepted  = "intercepted"
	certBlockPage    = "block-page"
	certPortal       = "portal"
	certSNIBlocked   = "sni-blocked"
	certError        = "error"
	certFirewalled   = "firewalled" // one leaf for every origin the client firewall blocks
	certSkew         = "skew"
	certNotYetValid  = "not-yet-valid"
	certExpiring     = "expiring"
	certProxy        = "proxy" // HostSecureProxy, for squid's https_port
	certPrivate      = "private"
	certPrivateBlock = "private-block"
	certForbidden    = "forbidden"
	certSameSite     = "same-site"
	certHijacked     = "hijacked"
	certDoH          = "doh" // InterceptedDoHAddr, from the interception CA
)

// edgeDenied is the genuine service's own edge refusing a request (a WAF rule).
const edgeDenied = `<html><head><title>403 Forbidden</title></head><body><h1>Access denied</h1>` +
	`<p>The request is blocked by this site's security rules.</p></body></html>`

const blockPage = `<html><head><title>Website blocked</title></head><body><h1>Website blocked</h1>` +
	`<p>Access to this site is not allowed by your organization's internet usage policy (category: Uncategorized).</p></body></html>`

// origins is the list of origin addresses, in address order.
func origins() []origin {
	okBody := `{"status":"ok"}`
	return []origin{
		{host: HostGood, addr: "198.18.1.10", addr6: "fd00:198:18::1:10", cert: certGood, body: okBody, http80: "https://" + HostGood + "/"},
		{host: HostExpired, addr: "198.18.1.11", cert: certExpired, body: okBody},
		{host: HostWrongName, addr: "198.18.1.12", cert: certWrongName, body: okBody},
		{host: HostUntrusted, addr: "198.18.1.13", cert: certUntrusted, body: okBody},
		{host: HostIntercepted, addr: "198.18.1.14", cert: certIntercepted, body: okBody},
		{host: HostPlainHTTP, addr: "198.18.1.15", body: "plain http on the TLS port"},
		{host: HostCaptive, addr: "198.18.1.16", cert: certPortal, status: 302, location: "http://" + HostPortal + "/login",
			body: "<html><body>Sign in to the guest network</body></html>", http80: "http://" + HostPortal + "/login"},
		{host: HostSNIBlocked, addr: "198.18.1.17", cert: certSNIBlocked, body: okBody},
		{host: HostServerError, addr: "198.18.1.18", cert: certError, status: 503, body: "service unavailable"},
		{host: HostDropped, addr: "198.18.1.19", cert: certFirewalled, body: okBody},
		{host: HostRefused, addr: "198.18.1.20", cert: certFirewalled, body: okBody},
		{host: HostProhibited, addr: "198.18.1.21", cert: certFirewalled, body: okBody},
		{host: HostIPv6Broken, addr: "198.18.1.22", addr6: "fd00:198:18::1:22", cert: certFirewalled, body: okBody},
		{host: HostReset, addr: "198.18.1.23", mode: "reset"},
		{host: HostStall, addr: "198.18.1.24", mode: "stall"},
		{host: HostBlockPage, addr: "198.18.1.25", cert: certBlockPage, status: 403, body: blockPage},
		{host: HostPQDrop, addr: "198.18.1.26", cert: certFirewalled, body: okBody},
		{host: HostClockSkew, addr: "198.18.1.27", cert: certSkew, body: okBody, dateOffset: "-3h"},
		{host: HostNotYetValid, addr: "198.18.1.28", cert: certNotYetValid, body: okBody},
		{host: HostExpiring, addr: "198.18.1.29", cert: certExpiring, body: okBody},
		{host: "", addr: MismatchAddr, cert: certMismatch, body: okBody},
		{host: "", addr: HijackAddr, cert: certWrongName, body: okBody},
		{host: HostForbidden, addr: "198.18.1.30", cert: certForbidden, status: 403, body: edgeDenied},
		{host: HostSameSite, addr: "198.18.1.31", cert: certSameSite, body: okBody, http80: "https://www.okv.io/"},
		{host: HostHijacked, addr: "198.18.1.32", cert: certHijacked, body: okBody},
		{host: HostPrivate, addr: "10.198.18.10", cert: certPrivate, body: okBody},
		{host: HostSynthetic, addr: "100.64.18.10", cert: certPrivate, body: okBody},
		{host: HostPrivateBlock, addr: "10.198.18.66", cert: certPrivateBlock, status: 403, body: blockPage},
	}
}

// OriginAddrs returns the addresses the lab's main resolver gives host, or
// nil when it has none.
func OriginAddrs(host string) []string {
	for _, o := range origins() {
		if o.host == host {
			if o.addr6 != "" {
				return []string{o.addr, o.addr6}
			}
			return []string{o.addr}
		}
	}
	return nil
}

func originAddr(host string) string {
	a := OriginAddrs(host)
	if a == nil {
		panic("lab: no origin " + host)
	}
	return a[0]
}

// resolver is one dnsmasq instance: its log name, where it listens, and
// its records and upstreams.
type resolver struct {
	name, listen string
	args         []string
	// answers: a lookup of HostGood succeeds (else it must fail with an
	// answer, not a timeout), which is how the lab knows it is up.
	answers bool
}

// resolvers are the lab's DNS servers. Names in the zones they serve that
// are not listed answer NXDOMAIN (--local); only ServfailDNSAddr forwards,
// and only to the lab's own failing upstream.
func resolvers() []resolver {
	zones := []string{"--local=/okviz.com/", "--local=/hotspot.example/", "--local=/corp.example/", "--local=/okv.io/"}
	primary := zones
	for _, o := range origins() {
		if o.host == "" {
			continue
		}
		rec := "--host-record=" + o.host + "," + o.addr
		if o.addr6 != "" {
			rec += "," + o.addr6
		}
		primary = append(primary, rec)
	}
	primary = append(primary,
		"--host-record="+HostPortal+","+originAddr(HostCaptive),
		"--host-record="+HostSecureProxy+","+hostOf(HTTPSProxyAddr),
		"--address=/"+HostSinkhole+"/0.0.0.0",
		"--address=/"+HostSinkhole+"/::",
	)
	primary = append(primary, kerberosHostRecords()...)
	return []resolver{
		{"dnsmasq", GatewayAddr, primary, true},
		{"dnsmasq2", DNS2Addr, append(zones[:len(zones):len(zones)],
			"--host-record="+HostGood+","+MismatchAddr, "--host-record="+HostHijacked+","+HijackAddr), true},
		// A forwarder whose only upstream fails: it relays the SERVFAIL.
		{"dnsmasq-servfail", ServfailDNSAddr, []string{"--server=" + failingUpstream}, false},
		// No upstream at all: dnsmasq answers REFUSED, like a resolver that
		// does not recurse for this client.
		{"dnsmasq-refused", RefusedDNSAddr, nil, false},
	}
}

// rules is an iptables-restore input for the filter table.
func rules(policy string, lines ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT %s [0:0]\n", policy)
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	b.WriteString("COMMIT\n")
	return b.String()
}

// clientRules returns the IPv4 and IPv6 firewall of each client.
func clientRules(name string) (v4, v6 string) {
	tcp := func(host, action string) string {
		return fmt.Sprintf("-A OUTPUT -d %s/32 -p tcp -j %s", originAddr(host), action)
	}
	switch name {
	case "direct":
		return rules("ACCEPT",
				tcp(HostDropped, "DROP"),
				tcp(HostRefused, "REJECT --reject-with tcp-reset"),
				tcp(HostProhibited, "REJECT --reject-with icmp-admin-prohibited"),
				// An SNI filter: any segment to 443 carrying the name, i.e. the ClientHello.
				fmt.Sprintf("-A OUTPUT -p tcp --dport 443 -m string --string %s --algo bm -j REJECT --reject-with tcp-reset", HostSNIBlocked),
				// A middlebox that loses ClientHellos too big for one small packet.
				fmt.Sprintf("-A OUTPUT -d %s/32 -p tcp --dport 443 -m length --length 1000:65535 -j DROP", originAddr(HostPQDrop)),
			),
			rules("ACCEPT", fmt.Sprintf("-A OUTPUT -d %s/128 -p tcp -j DROP", OriginAddrs(HostIPv6Broken)[1]))
	case "proxyonly":
		// Direct egress to the origins is dropped, the proxies and DNS are reachable.
		return rules("ACCEPT", "-A OUTPUT -d "+originNet+" -j DROP", "-A OUTPUT -d "+otherNet+" -j DROP",
				"-A OUTPUT -d "+privateNet+" -j DROP", "-A OUTPUT -d "+cgnatNet+" -j DROP"),
			rules("ACCEPT", "-A OUTPUT -d "+originNet6+" -j DROP")
	case "blackhole", "servfail", "refused", "silentdns", "refusingdns":
		// Blackhole's packets vanish on the path (internetRules), not
		// locally: a local DROP would fail UDP sends at once with EPERM.
		// The others differ only in their resolver.
		return rules("ACCEPT"), rules("ACCEPT")
	case "fwreject":
		// A host firewall that blocks DNS to anything: what security
		// software forcing its own DNS client does.
		dns := []string{"-A OUTPUT -p udp --dport 53 -j REJECT", "-A OUTPUT -p tcp --dport 53 -j REJECT --reject-with tcp-reset"}
		return rules("ACCEPT", dns...), rules("ACCEPT", dns...)
	case "fwdrop":
		dns := []string{"-A OUTPUT -p udp --dport 53 -j DROP", "-A OUTPUT -p tcp --dport 53 -j DROP"}
		return rules("ACCEPT", dns...), rules("ACCEPT", dns...)
	}
	panic("lab: unknown client " + name)
}

// internetRules is the internet namespace's firewall: it silently drops
// everything the Blackhole client sends, DNS included, and every DNS
// query to SilentDNSAddr.
func internetRules() (v4, v6 string) {
	return rules("ACCEPT", "-A INPUT -s "+blackholeAddr+"/32 -j DROP",
			"-A INPUT -d "+SilentDNSAddr+"/32 -p udp --dport 53 -j DROP",
			"-A INPUT -d "+SilentDNSAddr+"/32 -p tcp --dport 53 -j DROP"),
		rules("ACCEPT", "-A INPUT -s "+blackholeAddr6+"/128 -j DROP")
}

// fakeServers are the labserver's listeners that are not origins: proxies
// that misbehave in ways squid cannot, a SOCKS5 proxy, and the failing
// DNS upstream.
func fakeServers() []labconf.Listener {
	return []labconf.Listener{
		{Addr: GarbageProxyAddr, Mode: labconf.ModeGarbage, Body: GarbageBanner},
		{Addr: NTLMProxyAddr, Status: 407, Body: "<html><body>Proxy authentication required</body></html>",
			Headers: map[string][]string{"Proxy-Authenticate": {"NTLM", "Negotiate"}}},
		{Addr: SOCKSProxyAddr, Mode: labconf.ModeSOCKS5, Resolver: net.JoinHostPort(GatewayAddr, "53")},
		{Addr: net.JoinHostPort(failingUpstream, "53"), Mode: labconf.ModeDNS, Rcode: "SERVFAIL"},
	}
}

// pacFiles are the PAC scripts the PAC server serves.
func pacFiles() map[string]string {
	fn := func(body string) string {
		return "function FindProxyForURL(url, host) {\n" + body + "\n}\n"
	}
	return map[string]string{
		PACProxy:    fn(`  return "PROXY ` + ProxyAddr + `";`),
		PACFailover: fn(`  return "PROXY ` + DeadProxyAddr + `; PROXY ` + ProxyAddr + `";`),
		PACDead:     fn(`  return "PROXY ` + DeadProxyAddr + `";`),
		PACSyntax:   "function FindProxyForURL(url, host) {\n  return \"PROXY " + ProxyAddr + "\";\n", // no closing brace
		// An empty loop compiles to code without a source position: the
		// error must still name its line (see proxy/pac's pacstop.go).
		PACRunaway: fn("  var n = 0;\n  while (true) {}\n  return \"DIRECT\";"),
		PACNumber:  fn("  return 42;"),
	}
}

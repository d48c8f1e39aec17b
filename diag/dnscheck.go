package diag

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// failRank orders DNS failure codes by how much they explain: a resolver
// that says the name does not exist explains a failed lookup better than
// one that timed out.
var failRank = map[Code]int{
	DNSNXDomain:    6,
	DNSNoAddress:   5,
	DNSRefused:     4,
	DNSServFail:    3,
	DNSUnreachable: 2,
	DNSTimeout:     1,
}

// viewCode is the problem code one direct answer implies on its own. One
// outcome, one code: an rcode as it reads; no answer by why — a refused
// or unreachable connection (dns.unreachable), silence (dns.timeout), a
// DoH server whose certificate fails (that TLS cause's code) or that
// answers HTTP instead of DNS (dohStatusCode), an unreadable answer
// (dns.servfail).
func viewCode(v DNSView, public bool) Code {
	switch v.Rcode {
	case "":
		switch {
		case v.ErrKind == kindMalformed:
			return DNSServFail
		case v.ErrKind == kindHTTP:
			return dohStatusCode(v.HTTPStatus)
		case strings.HasPrefix(v.ErrKind, kindTLSPrefix):
			return "tls." + strings.TrimPrefix(v.ErrKind, kindTLSPrefix)
		}
		return noAnswerCode(v.ErrKind)
	case "NOERROR":
		if len(v.Addrs) == 0 {
			return DNSNoAddress
		}
		if sinkholeOf(parseAddrs(v.Addrs), public).kind != "" {
			return DNSSinkhole
		}
		return DNSOK
	case "NXDOMAIN":
		return DNSNXDomain
	case "REFUSED":
		return DNSRefused
	}
	return DNSServFail
}

// dohStatusCode reads what answered a DoH query with HTTP instead of DNS:
// a redirect, an authentication demand, a refusal or a page where the DNS
// message should be is something else answering for the resolver (a web
// filter, proxy or portal: http.blocked); another status is the server's
// own failure (dns.servfail).
func dohStatusCode(status int) Code {
	switch {
	case status >= 300 && status < 400, status == http.StatusOK,
		status == http.StatusUnauthorized, status == http.StatusForbidden,
		status == http.StatusProxyAuthRequired, status == http.StatusUnavailableForLegalReasons:
		return HTTPBlocked
	}
	return DNSServFail
}

// dnsChecks turns the system answer and the direct views into the final
// DNS checks: dns.system (its failure named from the configured resolvers'
// answers), dns.servers (do the configured and extra resolvers agree with
// what applications get?) and dns.compare (only when comparison resolvers
// are set: do they see a clearly different name?).
func (p *Prober) dnsChecks(t Target, sys []net.IP, sysCheck Check, views []DNSView) []Check {
	if t.IsIP() {
		return []Check{sysCheck}
	}
	public := p.isPublic(t.Host)
	sysAddrs := make([]netip.Addr, 0, len(sys))
	for _, ip := range sys {
		if a, ok := netip.AddrFromSlice(ip); ok {
			sysAddrs = append(sysAddrs, a.Unmap())
		}
	}
	sd, _ := sysCheck.Details.(*DNSSystemDetails)
	if sd == nil {
		sd = &DNSSystemDetails{}
	} else {
		c := *sd
		sd = &c
	}
	sysCheck.Details = sd

	var local, compare []DNSView
	for _, v := range views {
		v.Code = viewCode(v, public)
		if v.Role == roleCompare {
			compare = append(compare, v)
		} else {
			local = append(local, v)
		}
	}

	// The names the system's answer went through, for telling a CDN's
	// rotation from a different answer.
	names := map[string]bool{}
	canon := sd.CanonicalName
	if canon != "" && !sameName(canon, t.Host) {
		names[strings.ToLower(canon)] = true
	}
	for i := range local {
		local[i].Agrees = agreesWithSystem(local[i], sysAddrs, names)
		if local[i].Agrees {
			local[i].TLS = nil // agreed without it: the handshake proves nothing more
		} else {
			local[i].Agrees = servesHost(local[i])
		}
		if local[i].Agrees && len(sysAddrs) > 0 {
			for _, n := range local[i].CNAMEs {
				names[strings.ToLower(n)] = true
			}
		}
	}

	sc := p.refineSystem(t.Host, public, sysAddrs, sysCheck, local)
	if sd, ok := sc.Details.(*DNSSystemDetails); ok && sc.Code == DNSTimeout && sd.ErrorKind == failLocal {
		sc.Remediation = localDNSFix
	}
	checks := []Check{sc, p.serversCheck(t.Host, sysAddrs, local)}
	if len(p.Compare) > 0 {
		checks = append(checks, compareCheck(t.Host, public, sysAddrs, sc.Code, names, compare))
	}
	return checks
}

// agreesWithSystem: the resolver answered, and either both answers hold no
// address, or they share an address, a network (a CDN rotating within its
// /24 or /48) or a canonical name. No answer never agrees.
func agreesWithSystem(v DNSView, sys []netip.Addr, sysNames map[string]bool) bool {
	if v.Rcode == "" {
		return false
	}
	if len(sys) == 0 || len(v.Addrs) == 0 {
		return len(sys) == 0 && len(v.Addrs) == 0
	}
	if overlap(parseAddrs(v.Addrs), sys) || sameNetwork(parseAddrs(v.Addrs), sys) {
		return true
	}
	for _, n := range v.CNAMEs {
		if sysNames[strings.ToLower(n)] {
			return true
		}
	}
	return false
}

// sameNetwork: an address of a and one of b share their IPv4 /24 or IPv6
// /48, the smallest prefixes announced on the Internet, so one operator's.
func sameNetwork(a, b []netip.Addr) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Is4() != y.Is4() {
				continue
			}
			bits := 48
			if x.Is4() {
				bits = 24
			}
			px, _ := x.Prefix(bits)
			if px.Contains(y) {
				return true
			}
		}
	}
	return false
}

func overlap(a, b []netip.Addr) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// refineSystem names a failed system lookup from what the configured
// resolvers answer directly, and says whether a sinkhole is local.
func (p *Prober) refineSystem(host string, public bool, sys []netip.Addr, sc Check, local []DNSView) Check {
	c := p.refineLookup(host, public, sys, sc, local)
	// Under an NRPT namespace only the rule's resolvers were asked: say
	// so, so that a failure goes to whoever runs them.
	if m := nrptFor(p.NRPT, host); m != nil && len(m.Servers) > 0 && c.Status == StatusFail {
		c.Summary += " (" + host + " is under the NRPT namespace " + m.Namespace + ", so Windows asks only that rule's DirectAccess/VPN resolvers " +
			joinAnd(m.Servers) + "; " + m.Store + " rule)"
	}
	return c
}

// refineLookup is refineSystem without the NRPT note.
func (p *Prober) refineLookup(host string, public bool, sys []netip.Addr, sc Check, local []DNSView) Check {
	configured := filterViews(local, func(v DNSView) bool { return v.Role == roleConfigured })
	if len(sys) > 0 {
		if sc.Code != DNSSinkhole {
			return sc
		}
		// Only when no DNS server gives the sinkhole answer is the override
		// local; otherwise one of the servers is the filter.
		var real []netip.Addr
		for _, v := range configured {
			switch v.Code {
			case DNSOK:
				real = append(real, parseAddrs(v.Addrs)...)
			case DNSSinkhole:
				return sc
			}
		}
		if len(real) > 0 {
			sc.Summary = sinkholeOf(sys, public).summary(host, real)
			sc.Details.(*DNSSystemDetails).ResolverAddresses = addrStrings(real)
		}
		return sc
	}
	if sc.Status != StatusFail {
		return sc
	}
	rcodes := map[string]string{}
	for _, v := range configured {
		rcodes[v.Server] = viewOutcome(v)
	}
	if len(configured) > 0 {
		sc.Details.(*DNSSystemDetails).ResolverRcodes = rcodes
	}
	if len(p.configuredFor(host)) == 0 && sc.Code != DNSNXDomain {
		return renew(sc, DNSUnavailable, "No DNS resolver is configured on this machine, so "+host+" cannot be resolved")
	}

	if working := filterViews(configured, func(v DNSView) bool { return len(v.Addrs) > 0 }); len(working) > 0 {
		sc.Summary += ", although " + working[0].Server + " answers " + listAddrs(parseAddrs(working[0].Addrs)) +
			" when asked directly — the local resolver stack (hosts file, NRPT rule, VPN or security DNS client) fails"
		return sc
	}
	best := bestFailure(configured)
	if best == "" {
		return sc
	}
	if sc.Code == DNSNXDomain && best != DNSNXDomain && best != DNSNoAddress {
		return sc // the system's "no such host" is an answer; the views only failed to get one
	}
	// A bare "temporary failure" (getaddrinfo's EAI_AGAIN, through glibc
	// or macOS) says nothing of why: the resolvers' own answers decide.
	vague := sc.Details.(*DNSSystemDetails).ErrorKind == kindTemporary
	if sc.Code != DNSNXDomain && !vague && failRank[best] < failRank[sc.Code] {
		return sc
	}
	return renew(sc, best, failureSummary(host, best, configured))
}

// renew rebuilds a check with another code, keeping its evidence.
func renew(c Check, code Code, summary string) Check {
	n := newCheck(c.ID, code, summary, c.Details)
	n.DurationMS = c.DurationMS
	return n
}

func filterViews(vs []DNSView, keep func(DNSView) bool) []DNSView {
	var out []DNSView
	for _, v := range vs {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// bestFailure is the most explanatory failure code among the views.
func bestFailure(vs []DNSView) Code {
	var best Code
	for _, v := range vs {
		if failRank[v.Code] > failRank[best] {
			best = v.Code
		}
	}
	return best
}

// viewOutcome is a view's answer in a word: its rcode, or why none came.
func viewOutcome(v DNSView) string {
	if v.Rcode != "" {
		return v.Rcode
	}
	if v.ErrKind != "" {
		return v.ErrKind
	}
	return "no answer"
}

// failureSummary says what the resolvers with this failure code answered.
func failureSummary(host string, code Code, vs []DNSView) string {
	same := filterViews(vs, func(v DNSView) bool { return v.Code == code })
	if len(same) == 0 {
		return Lookup(code).Meaning
	}
	who := "The resolver " + same[0].Server
	verb := func(one, many string) string { return plural(len(same), one, many) }
	if len(same) > 1 {
		servers := make([]string, len(same))
		for i, v := range same {
			servers[i] = v.Server
		}
		who = "The resolvers " + joinAnd(servers)
	}
	v := same[0]
	switch code {
	case DNSNXDomain:
		return who + " " + verb("says", "say") + " " + host + " does not exist (NXDOMAIN" + negativeHint(v) + ")"
	case DNSNoAddress:
		return who + " " + verb("knows", "know") + " " + host + " but " + verb("returns", "return") + " no A or AAAA record for it" + ednsHint(v)
	case DNSRefused:
		return who + " refused to resolve " + host + " (REFUSED" + negativeHint(v) + ")"
	case DNSServFail:
		if v.Rcode == "" {
			return who + " sent no usable answer for " + host + " (" + noAnswerText(v.ErrKind) + ")"
		}
		return who + " failed to resolve " + host + " (" + v.Rcode + ednsHint(v) + ")"
	case DNSUnreachable:
		return who + " " + noAnswerText(v.ErrKind) + " for " + host + ": nothing answers DNS there"
	case DNSTimeout:
		if v.ErrKind == failLocal {
			return "This machine's firewall or security software blocked the DNS queries to " + strings.TrimPrefix(strings.TrimPrefix(who, "The resolvers "), "The resolver ") + " for " + host + " (nothing was sent)"
		}
		return who + " did not answer for " + host + " in time"
	}
	return Lookup(code).Meaning
}

// negativeHint reads the signs of a DNS filter in a negative answer: a
// policy extended error, or an NXDOMAIN without the zone's SOA.
func negativeHint(v DNSView) string {
	if h := ednsHint(v); h != "" {
		return h
	}
	if v.Rcode == "NXDOMAIN" && !v.SOA {
		return ", without the zone's SOA record: typical of a DNS filter"
	}
	return ""
}

func ednsHint(v DNSView) string {
	for _, e := range v.ExtendedErrors {
		if edeBlocks(e.Code) {
			return ", with extended error " + e.Name + ": a DNS filter blocks it"
		}
	}
	if len(v.ExtendedErrors) > 0 {
		return ", with extended error " + v.ExtendedErrors[0].Name
	}
	return ""
}

func joinAnd(ss []string) string {
	if len(ss) <= 1 {
		return strings.Join(ss, "")
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " and " + ss[len(ss)-1]
}

// answerText says what a view answered, for a summary.
func answerText(v DNSView) string {
	switch {
	case len(v.Addrs) > 0:
		return "answers " + listAddrs(parseAddrs(v.Addrs))
	case v.Rcode == "NOERROR":
		return "answers with no address"
	case v.Rcode != "":
		return "answers " + v.Rcode
	case v.ErrKind == kindHTTP && v.HTTPStatus != 0:
		return "answered HTTP " + strconv.Itoa(v.HTTPStatus) + " instead of DNS"
	}
	return noAnswerText(v.ErrKind)
}

// tlsCauses says in words why a DoH server's certificate failed, by the
// TLS code's name.
var tlsCauses = map[string]string{
	"intercepted":       "the connection is intercepted (TLS inspection)",
	"untrusted":         "its certificate is not trusted",
	"hostname_mismatch": "its certificate is for another name",
	"expired":           "its certificate has expired",
	"not_yet_valid":     "its certificate is not valid yet",
}

// noAnswerText says, in words, why no answer came (an error kind).
func noAnswerText(kind string) string {
	switch {
	case kind == failRefused:
		return "refused the connection"
	case kind == failReset:
		return "reset the connection"
	case kind == failUnreachable:
		return "is unreachable (no route, or an ICMP reject)"
	case kind == failTimeout:
		return "did not answer in time"
	case kind == failLocal:
		return "was not asked: this machine's firewall blocked the query"
	case kind == kindHTTP:
		return "answered HTTP instead of DNS"
	case kind == kindMalformed:
		return "sent an answer that cannot be read"
	case strings.HasPrefix(kind, kindTLSPrefix):
		if why, ok := tlsCauses[strings.TrimPrefix(kind, kindTLSPrefix)]; ok {
			return "failed TLS: " + why
		}
		return "failed TLS (" + kind + ")"
	case kind == "":
		return "did not answer"
	}
	return "did not answer (" + kind + ")"
}

// DNSViewsDetails is the evidence of dns.servers and dns.compare: each
// resolver asked directly, next to what applications got.
type DNSViewsDetails struct {
	Disagreeing     []string  `json:"disagreeing"`
	SystemAddresses []string  `json:"system_addresses"`
	Views           []DNSView `json:"views"`
}

func (*DNSViewsDetails) CheckDetails() {}

// serversCheck compares each configured and extra resolver's direct answer
// with the system's.
func (p *Prober) serversCheck(host string, sys []netip.Addr, local []DNSView) Check {
	if len(local) == 0 {
		if len(p.Nameservers)+len(p.ExtraNameservers) == 0 {
			return SkipCheck(CheckDNSServers, "No DNS server is configured to query directly")
		}
		return SkipCheck(CheckDNSServers, "The DNS servers were not queried directly")
	}
	var disagree, parts, said, settled []string
	var silent []DNSView
	for _, v := range local {
		switch {
		case v.Agrees:
			if servesHost(v) {
				settled = append(settled, settledText(v))
			}
		case v.Rcode == "":
			// No answer at all is not a different answer: the resolver is
			// down or unreachable (and it does not agree either).
			silent = append(silent, v)
			said = append(said, v.Server+" "+answerText(v))
		default:
			disagree = append(disagree, v.Server)
			parts = append(parts, v.Server+" "+answerText(v)+tlsProofText(v))
		}
	}
	details := &DNSViewsDetails{Views: local, SystemAddresses: addrStrings(sys), Disagreeing: append([]string{}, disagree...)}
	if len(disagree) > 0 {
		var sum string
		if len(sys) > 0 {
			sum = "DNS servers disagree about " + host + ": the system resolver gets " + listAddrs(sys) + " but " + joinAnd(parts)
		} else {
			sum = "DNS servers disagree about " + host + ": the system lookup fails but " + joinAnd(parts) +
				" — the local resolver stack (hosts file, NRPT rule, VPN or security DNS client) differs from the DNS servers"
		}
		return newCheck(CheckDNSServers, DNSMismatch, sum, details)
	}
	if len(silent) > 0 && len(sys) > 0 {
		// Each silent server says why: refused or unreachable (nothing
		// answers DNS there) is not the same as timed out.
		code := bestFailure(silent)
		if code == "" {
			code = silent[0].Code // a DoH server's TLS or HTTP failure
		}
		c := newCheck(CheckDNSServers, code, plural(len(said), "The DNS server ", "The DNS servers ")+joinAnd(said)+" for "+host+
			"; the system lookup worked through another, but applications may wait for it first"+settledNote(settled), details)
		c.Status = StatusWarn
		return c
	}
	if len(sys) == 0 {
		if code := bestFailure(local); code != "" {
			return newCheck(CheckDNSServers, code, failureSummary(host, code, local), details)
		}
	}
	if len(local) == 1 {
		return newCheck(CheckDNSServers, DNSOK, "The DNS server "+local[0].Server+" agrees with the system answer for "+host+settledNote(settled), details)
	}
	return newCheck(CheckDNSServers, DNSOK, "The "+strconv.Itoa(len(local))+" DNS servers agree with the system answer for "+host+settledNote(settled), details)
}

// compareCheck looks for clear signs that the comparison resolvers see
// another name: no shared address and no shared CNAME (a CDN answers each
// resolver differently, but through the same names), a public answer where
// the local one is a sinkhole or missing, or no public name at all.
func compareCheck(host string, public bool, sys []netip.Addr, sysCode Code, names map[string]bool, views []DNSView) Check {
	if len(views) == 0 {
		return SkipCheck(CheckDNSCompare, "The comparison resolvers were not queried")
	}
	var parts, disagree, failed, aside, settled []string
	answered := 0
	var working []DNSView
	for i := range views {
		v := &views[i]
		v.Agrees = false // no answer never agrees; an answer agrees unless flagged below
		if v.Rcode == "" {
			failed = append(failed, v.Server+" "+answerText(*v))
			continue
		}
		answered++
		clean := v.Code == DNSOK
		if clean {
			working = append(working, *v)
		}
		flag := false
		switch {
		case sysCode == DNSSinkhole || sysCode == DNSNXDomain || sysCode == DNSNoAddress:
			flag = clean
		case len(sys) > 0 && clean:
			// Another CDN node is the same service: a shared address,
			// network or canonical name says so; anything else is a
			// different answer, whatever the CNAMEs leave unknown.
			a := parseAddrs(v.Addrs)
			flag = !(overlap(a, sys) || sameNetwork(a, sys) || sharesName(v.CNAMEs, names))
			if !flag {
				v.TLS = nil
			}
			// A handshake may settle the doubt: the other address serves
			// a certificate valid for the host, so it is the same service.
			flag = flag && !servesHost(*v)
		case len(sys) > 0 && v.Code == DNSNXDomain && public:
			flag = true
		}
		// Agreement needs an answer like the system's: a comparison
		// resolver that filters or fails the name itself neither agrees
		// nor makes a mismatch.
		v.Agrees = !flag && (clean == (len(sys) > 0))
		if !flag && !v.Agrees {
			aside = append(aside, v.Server+" "+answerText(*v))
		}
		if flag {
			disagree = append(disagree, v.Server)
			parts = append(parts, v.Server+" "+answerText(*v)+chainText(*v)+tlsProofText(*v))
		} else if servesHost(*v) {
			settled = append(settled, settledText(*v))
		}
	}
	details := &DNSViewsDetails{Views: views, SystemAddresses: addrStrings(sys), Disagreeing: append([]string{}, disagree...)}
	if len(disagree) > 0 {
		local := "this machine gets " + listAddrs(sys)
		switch {
		case sysCode == DNSNXDomain:
			local = "this machine is told it does not exist"
		case len(sys) == 0:
			local = "this machine gets no address"
		}
		return newCheck(CheckDNSCompare, DNSMismatch,
			"The comparison resolvers see "+host+" differently: "+joinAnd(parts)+" while "+local+" — split-horizon DNS or a hijacked answer", details)
	}
	if answered == 0 {
		why := "outbound DNS to public resolvers is blocked here, which many networks do on purpose"
		for _, v := range views {
			if v.ErrKind == kindHTTP || strings.HasPrefix(v.ErrKind, kindTLSPrefix) {
				why = "something on this network answers in their place (TLS inspection, a web filter or a proxy), which many networks do on purpose"
			}
		}
		c := newCheck(CheckDNSCompare, DNSOK, "No comparison resolver answered for "+host+" ("+joinAnd(failed)+"): "+why, details)
		c.Status = StatusInfo
		return c
	}
	if len(sys) == 0 && len(working) > 0 {
		return newCheck(CheckDNSCompare, DNSOK, "The comparison resolver "+working[0].Server+" resolves "+host+" to "+
			listAddrs(parseAddrs(working[0].Addrs))+", so the name works publicly and only the local resolvers fail", details)
	}
	if len(aside) > 0 {
		c := newCheck(CheckDNSCompare, DNSOK, "No comparison resolver contradicts this machine's answer for "+host+", but "+joinAnd(aside)+
			": that resolver's own filtering or failure, which says nothing about this network"+settledNote(settled), details)
		c.Status = StatusInfo
		return c
	}
	return newCheck(CheckDNSCompare, DNSOK, "The comparison resolvers agree with this machine's answer for "+host+settledNote(settled), details)
}

// sharesName: the answer went through one of the names the system's
// answer went through (a CDN answering each resolver differently).
func sharesName(chain []string, names map[string]bool) bool {
	for _, n := range chain {
		if names[strings.ToLower(n)] {
			return true
		}
	}
	return false
}

func chainText(v DNSView) string {
	if len(v.CNAMEs) == 0 || len(v.Addrs) == 0 {
		return ""
	}
	return " (via " + v.CNAMEs[len(v.CNAMEs)-1] + ")"
}

// localDNSFix is the remediation when this machine itself refused to send
// the queries: the fix is on the desk, not in the network.
const localDNSFix = "Desk-side/endpoint team: the host firewall or endpoint security product blocks DNS from this machine; allow UDP and TCP 53 to the configured resolvers."

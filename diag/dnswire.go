package diag

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// ednsUDPSize is the UDP payload size we advertise: the DNS flag day 2020
// value, small enough to avoid IP fragmentation on any sane path. Sending an
// OPT record at all is what lets resolvers attach Extended DNS Errors.
const ednsUDPSize = 1232

// maxCNAMEChain bounds how many CNAME hops we follow in one answer; real
// chains are a handful long (CDNs use two or three).
const maxCNAMEChain = 16

// ednsOptionEDE is the EDNS option code of Extended DNS Errors (RFC 8914).
const ednsOptionEDE = 15

// errMismatch marks a datagram that is not the answer to our query (wrong
// ID, not a response, another question). Such packets are ignored, not
// believed: they may be late answers to an earlier query or forgeries.
var errMismatch = errors.New("not the answer to this query")

// DNSExtendedError is one Extended DNS Error (RFC 8914) a resolver attached
// to its answer, e.g. 15 "Blocked" or 17 "Filtered" from a DNS filter.
type DNSExtendedError struct {
	Code uint16 `json:"code"`
	Name string `json:"name"`
	Text string `json:"text,omitempty"` // as sent by the resolver, unsanitised
}

// dnsAnswer is what one DNS response says about one question.
type dnsAnswer struct {
	RCode         dnsmessage.RCode // including the EDNS extended bits
	Truncated     bool
	Authoritative bool
	Addrs         []netip.Addr // of the queried type, owned by the end of the CNAME chain
	CNAMEs        []string     // the chain from the queried name, without trailing dots
	TTL           uint32       // smallest TTL along the chain and the addresses
	SOA           bool         // the authority section carries an SOA record
	EDE           []DNSExtendedError
}

// buildQuery packs a recursive query for name (a host name without the
// trailing dot) with an EDNS OPT record.
func buildQuery(id uint16, name string, qtype dnsmessage.Type) ([]byte, error) {
	qname, err := dnsmessage.NewName(fqdn(name))
	if err != nil {
		return nil, fmt.Errorf("query name %q: %w", name, err)
	}
	b := dnsmessage.NewBuilder(make([]byte, 0, 64+len(name)), dnsmessage.Header{ID: id, RecursionDesired: true})
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(dnsmessage.Question{Name: qname, Type: qtype, Class: dnsmessage.ClassINET}); err != nil {
		return nil, fmt.Errorf("query name %q: %w", name, err)
	}
	if err := b.StartAdditionals(); err != nil {
		return nil, err
	}
	var opt dnsmessage.ResourceHeader
	if err := opt.SetEDNS0(ednsUDPSize, dnsmessage.RCodeSuccess, false); err != nil {
		return nil, err
	}
	if err := b.OPTResource(opt, dnsmessage.OPTResource{}); err != nil {
		return nil, err
	}
	return b.Finish()
}

// parseAnswer reads msg as the answer to the query (id, name, qtype).
// It returns errMismatch (wrapped) for packets that are not that answer, and
// another error for an answer to our question that cannot be read. The
// parser bounds compression pointers, so a loop is an error, not a hang.
func parseAnswer(msg []byte, id uint16, name string, qtype dnsmessage.Type) (dnsAnswer, error) {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil {
		return dnsAnswer{}, fmt.Errorf("%w: unreadable header: %v", errMismatch, err)
	}
	if h.ID != id || !h.Response {
		return dnsAnswer{}, fmt.Errorf("%w: ID %d, response %v", errMismatch, h.ID, h.Response)
	}
	qs, err := p.AllQuestions()
	if err != nil {
		return dnsAnswer{}, fmt.Errorf("%w: unreadable question: %v", errMismatch, err)
	}
	// A server that cannot parse the query may answer FORMERR without the
	// question; accept that one case so the rcode is not lost.
	if len(qs) == 0 && h.RCode == dnsmessage.RCodeFormatError {
		return dnsAnswer{RCode: h.RCode, Truncated: h.Truncated}, nil
	}
	if len(qs) != 1 || qs[0].Type != qtype || qs[0].Class != dnsmessage.ClassINET || !sameName(qs[0].Name.String(), name) {
		return dnsAnswer{}, fmt.Errorf("%w: another question", errMismatch)
	}
	a := dnsAnswer{RCode: h.RCode, Truncated: h.Truncated, Authoritative: h.Authoritative}

	type addrRR struct {
		owner string
		addr  netip.Addr
		ttl   uint32
	}
	type cnameRR struct {
		target string
		ttl    uint32
	}
	cnames := map[string]cnameRR{}
	var addrs []addrRR
	for {
		rh, err := p.AnswerHeader()
		if err == dnsmessage.ErrSectionDone {
			break
		}
		if err != nil {
			return dnsAnswer{}, fmt.Errorf("malformed answer section: %w", err)
		}
		owner := strings.ToLower(rh.Name.String())
		switch {
		case rh.Class != dnsmessage.ClassINET:
			err = p.SkipAnswer()
		case rh.Type == dnsmessage.TypeCNAME:
			var r dnsmessage.CNAMEResource
			r, err = p.CNAMEResource()
			if _, dup := cnames[owner]; err == nil && !dup {
				cnames[owner] = cnameRR{r.CNAME.String(), rh.TTL}
			}
		case rh.Type == dnsmessage.TypeA && qtype == dnsmessage.TypeA:
			var r dnsmessage.AResource
			r, err = p.AResource()
			addrs = append(addrs, addrRR{owner, netip.AddrFrom4(r.A), rh.TTL})
		case rh.Type == dnsmessage.TypeAAAA && qtype == dnsmessage.TypeAAAA:
			var r dnsmessage.AAAAResource
			r, err = p.AAAAResource()
			addrs = append(addrs, addrRR{owner, netip.AddrFrom16(r.AAAA), rh.TTL})
		default:
			err = p.SkipAnswer()
		}
		if err != nil {
			return dnsAnswer{}, fmt.Errorf("malformed answer record: %w", err)
		}
	}
	for {
		rh, err := p.AuthorityHeader()
		if err == dnsmessage.ErrSectionDone {
			break
		}
		if err != nil {
			return dnsAnswer{}, fmt.Errorf("malformed authority section: %w", err)
		}
		if rh.Type == dnsmessage.TypeSOA {
			a.SOA = true
		}
		if err := p.SkipAuthority(); err != nil {
			return dnsAnswer{}, fmt.Errorf("malformed authority record: %w", err)
		}
	}
	for {
		rh, err := p.AdditionalHeader()
		if err == dnsmessage.ErrSectionDone {
			break
		}
		if err != nil {
			return dnsAnswer{}, fmt.Errorf("malformed additional section: %w", err)
		}
		if rh.Type != dnsmessage.TypeOPT {
			if err := p.SkipAdditional(); err != nil {
				return dnsAnswer{}, fmt.Errorf("malformed additional record: %w", err)
			}
			continue
		}
		a.RCode = rh.ExtendedRCode(h.RCode)
		opt, err := p.OPTResource()
		if err != nil {
			return dnsAnswer{}, fmt.Errorf("malformed OPT record: %w", err)
		}
		for _, o := range opt.Options {
			if o.Code == ednsOptionEDE && len(o.Data) >= 2 {
				code := binary.BigEndian.Uint16(o.Data)
				a.EDE = append(a.EDE, DNSExtendedError{Code: code, Name: edeName(code), Text: string(o.Data[2:])})
			}
		}
	}

	// Follow the chain from the question; only records owned by its end
	// count, as a stub resolver would (anything else is out of place).
	cur := strings.ToLower(fqdn(name))
	a.TTL = ^uint32(0)
	seen := map[string]bool{cur: true}
	for {
		c, ok := cnames[cur]
		if !ok {
			break
		}
		if len(a.CNAMEs) == maxCNAMEChain {
			return dnsAnswer{}, fmt.Errorf("CNAME chain longer than %d", maxCNAMEChain)
		}
		next := strings.ToLower(c.target)
		if seen[next] {
			return dnsAnswer{}, fmt.Errorf("CNAME loop at %s", strings.TrimSuffix(c.target, "."))
		}
		seen[next] = true
		a.CNAMEs = append(a.CNAMEs, strings.TrimSuffix(c.target, "."))
		a.TTL = min(a.TTL, c.ttl)
		cur = next
	}
	for _, r := range addrs {
		if r.owner == cur {
			a.Addrs = append(a.Addrs, r.addr)
			a.TTL = min(a.TTL, r.ttl)
		}
	}
	if a.TTL == ^uint32(0) {
		a.TTL = 0
	}
	return a, nil
}

// fqdn adds the root dot.
func fqdn(name string) string {
	if strings.HasSuffix(name, ".") {
		return name
	}
	return name + "."
}

// sameName compares DNS names ASCII-case-insensitively, ignoring the root dot.
func sameName(a, b string) bool {
	a, b = strings.TrimSuffix(a, "."), strings.TrimSuffix(b, ".")
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// rcodeName is the mnemonic dig prints (RFC 1035, 2136, 6891).
func rcodeName(rc dnsmessage.RCode) string {
	switch rc {
	case dnsmessage.RCodeSuccess:
		return "NOERROR"
	case dnsmessage.RCodeFormatError:
		return "FORMERR"
	case dnsmessage.RCodeServerFailure:
		return "SERVFAIL"
	case dnsmessage.RCodeNameError:
		return "NXDOMAIN"
	case dnsmessage.RCodeNotImplemented:
		return "NOTIMP"
	case dnsmessage.RCodeRefused:
		return "REFUSED"
	case 16:
		return "BADVERS"
	}
	return "RCODE" + strconv.Itoa(int(rc))
}

// edeNames are the INFO-CODEs registered by RFC 8914.
var edeNames = [...]string{
	"Other Error", "Unsupported DNSKEY Algorithm", "Unsupported DS Digest Type",
	"Stale Answer", "Forged Answer", "DNSSEC Indeterminate", "DNSSEC Bogus",
	"Signature Expired", "Signature Not Yet Valid", "DNSKEY Missing",
	"RRSIGs Missing", "No Zone Key Bit Set", "NSEC Missing", "Cached Error",
	"Not Ready", "Blocked", "Censored", "Filtered", "Prohibited",
	"Stale NXDOMAIN Answer", "Not Authoritative", "Not Supported",
	"No Reachable Authority", "Network Error", "Invalid Data",
}

func edeName(code uint16) string {
	if int(code) < len(edeNames) {
		return edeNames[code]
	}
	return "EDE " + strconv.Itoa(int(code))
}

// edeBlocks reports whether an extended error says the name was blocked by
// policy (Blocked, Censored, Filtered, Prohibited, or Forged Answer).
func edeBlocks(code uint16) bool {
	switch code {
	case 4, 15, 16, 17, 18:
		return true
	}
	return false
}

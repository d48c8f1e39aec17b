package diag

import (
	"context"
	"crypto/x509"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Settling a doubtful comparison by TLS. Two resolvers that share no
// address, network or canonical name may still both be right: a service
// answered from nodes in several networks (anycast-less CDNs, geo DNS,
// split horizon onto a private endpoint). The address itself can say: a
// TLS handshake with the other answer's address, naming the target, shows
// whether it serves a certificate valid for the host. If it does, both
// answers reach the same service; if not, the disagreement stands with the
// handshake as its proof.

// Outcomes of a TLS settlement.
const (
	settleServes = "serves_host"       // a certificate valid for the host: the same service
	settleOther  = "other_certificate" // the address answers TLS, but not as the host
	settleNone   = "not_settled"       // no handshake completed in time: nothing proven
)

// TLSSettlement is the evidence of one doubtful resolver answer settled by
// TLS: the address asked, the outcome, and what the handshake showed.
type TLSSettlement struct {
	Address string `json:"address"`
	Result  string `json:"result"` // serves_host, other_certificate, not_settled
	Proof   string `json:"proof"`
}

// doubtful says whether a view's answer needs TLS to settle it: it is a
// clean answer (no filter, no failure), the system's is one too, and they
// share no address, network or canonical name.
func doubtful(v DNSView, sys []netip.Addr, sysCanon string) bool {
	if v.Code != DNSOK || len(v.Addrs) == 0 || len(sys) == 0 {
		return false
	}
	a := parseAddrs(v.Addrs)
	if overlap(a, sys) || sameNetwork(a, sys) {
		return false
	}
	return sysCanon == "" || !sharesName(v.CNAMEs, map[string]bool{strings.ToLower(strings.TrimSuffix(sysCanon, ".")): true})
}

// settleAddr is the address of a doubtful answer to handshake with: its
// first IPv4 address (IPv6 is more often broken on the path, which would
// prove nothing), else its first address.
func settleAddr(addrs []netip.Addr) netip.Addr {
	for _, a := range addrs {
		if a.Is4() {
			return a
		}
	}
	return addrs[0]
}

// settleByTLS handshakes with addr on the target's port, naming the
// target, until deadline, and says whether the address serves a
// certificate valid for the host: trusted by this machine's roots (with
// --ca-file) or the public roots, for the host's name, at this time.
func (p *Prober) settleByTLS(ctx context.Context, t Target, addr netip.Addr, deadline time.Time) *TLSSettlement {
	s := &TLSSettlement{Address: addr.String(), Result: settleNone}
	if time.Until(deadline) <= 0 {
		s.Proof = "no time was left within --timeout to ask " + s.Address + " by TLS"
		return s
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	hostport := net.JoinHostPort(s.Address, strconv.Itoa(t.Port))
	p.logf("dns: settling by TLS: handshake to %s (sni %q)", hostport, t.Host)
	conn, err := p.Dialer.DialContext(ctx, "tcp", hostport)
	if err != nil {
		s.Proof = "no TCP connection to " + hostport + " (" + classifyNetErr(err) + ")"
		return s
	}
	a := p.handshake(ctx, "settle", conn, tlsConfig(t.Host, false))
	if a.err != nil {
		kind, _ := classifyTLSErr(a.err, a.first)
		s.Proof = "the TLS handshake with " + hostport + " failed (" + kind + ")"
		return s
	}
	chain := a.conn.ConnectionState().PeerCertificates
	a.conn.Close()
	s.Result, s.Proof = p.judgeSettlement(t.Host, hostport, chain)
	return s
}

// judgeSettlement reads a settling handshake's chain as the target's own
// is read (judgeChain): the address serves the host when the leaf names it,
// is within its validity, and either this machine's roots or the public
// web's anchor the chain. Anything else is the proof that it does not.
func (p *Prober) judgeSettlement(host, hostport string, chain []*x509.Certificate) (result, proof string) {
	d := &TLSDetails{}
	c := p.judgeChain(Target{Host: host}, chain, d)
	v := d.Verify
	if v != nil && v.Hostname.OK && (v.System.OK || v.Public.OK) {
		by := "this machine's roots"
		if v.Public.OK {
			by = "the public roots"
		}
		return settleServes, hostport + " serves a certificate valid for " + host + " (trusted by " + by + ")"
	}
	sum := c.Summary
	if sum == "" {
		sum = Lookup(c.Code).Meaning
	}
	return settleOther, hostport + " does not serve " + host + ": " + lowerFirst(strings.TrimSuffix(sum, "."))
}

// servesHost: a handshake settled the view's doubtful answer as the same
// service.
func servesHost(v DNSView) bool { return v.TLS != nil && v.TLS.Result == settleServes }

// settledText says, for an agreeing summary, how TLS settled a view.
func settledText(v DNSView) string {
	return v.Server + " " + answerText(v) + ", another network, but " + v.TLS.Proof
}

// settledNote ends an agreeing summary with the views TLS settled.
func settledNote(settled []string) string {
	if len(settled) == 0 {
		return ""
	}
	return "; " + joinAnd(settled) + ": the same service on another node (settled by TLS)"
}

// tlsProofText ends a disagreeing view's part of a summary with what the
// handshake showed, or why it could not settle the doubt.
func tlsProofText(v DNSView) string {
	switch {
	case v.TLS == nil:
		return ""
	case v.TLS.Result == settleOther:
		return " (settled by TLS: " + v.TLS.Proof + ")"
	}
	return " (TLS could not settle it: " + v.TLS.Proof + ")"
}

package diag

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"golang.org/x/net/dns/dnsmessage"
)

const wireHost = "api.okviz.example"

// wireMsg builds a response to (id, wireHost, qtype) from zone-file lines,
// with miekg/dns so the parser under test is checked against another
// implementation.
func wireMsg(t testing.TB, id uint16, qtype uint16, rcode int, answer, ns []string, opt func(*dns.OPT)) []byte {
	t.Helper()
	m := new(dns.Msg)
	m.Id, m.Response, m.Rcode, m.RecursionAvailable = id, true, rcode, true
	m.Question = []dns.Question{{Name: dns.Fqdn(wireHost), Qtype: qtype, Qclass: dns.ClassINET}}
	for _, s := range answer {
		m.Answer = append(m.Answer, mustRR(t, s))
	}
	for _, s := range ns {
		m.Ns = append(m.Ns, mustRR(t, s))
	}
	if opt != nil {
		m.SetEdns0(1232, false)
		opt(m.IsEdns0())
	}
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustRR(t testing.TB, s string) dns.RR {
	t.Helper()
	rr, err := dns.NewRR(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return rr
}

// loopMsg is an answer whose record name is a compression pointer to itself.
func loopMsg(id uint16) []byte {
	b := binary.BigEndian.AppendUint16(nil, id)
	b = append(b, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0)
	for _, l := range strings.Split(wireHost, ".") {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	b = append(b, 0, 0, 1, 0, 1) // root, type A, class IN
	off := len(b)
	b = append(b, 0xc0|byte(off>>8), byte(off)) // points at itself
	return append(b, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1)
}

const soaLine = "okviz.example. 300 IN SOA ns1.okviz.example. hostmaster.okviz.example. 1 3600 600 86400 60"

func TestParseAnswer(t *testing.T) {
	const id = 0x4242
	A, AAAA := dnsmessage.TypeA, dnsmessage.TypeAAAA
	tests := []struct {
		name     string
		msg      []byte
		qtype    dnsmessage.Type
		mismatch bool   // errMismatch: ignore and keep reading
		errHas   string // another error: the answer to our question is broken
		rcode    string
		addrs    []string
		chain    []string
		ttl      uint32
		soa      bool
		ede      []uint16
	}{
		{name: "A records", qtype: A, rcode: "NOERROR", addrs: []string{"192.0.2.1", "192.0.2.2"}, ttl: 30,
			msg: wireMsg(t, id, dns.TypeA, 0, []string{wireHost + ". 60 IN A 192.0.2.1", wireHost + ". 30 IN A 192.0.2.2"}, nil, nil)},
		{name: "AAAA records, A ignored", qtype: AAAA, rcode: "NOERROR", addrs: []string{"2001:db8::1"}, ttl: 60,
			msg: wireMsg(t, id, dns.TypeAAAA, 0, []string{wireHost + ". 60 IN AAAA 2001:db8::1", wireHost + ". 60 IN A 192.0.2.9"}, nil, nil)},
		{name: "CNAME chain, out of order", qtype: A, rcode: "NOERROR", addrs: []string{"198.51.100.7"},
			chain: []string{"edge.cdn.example", "e1.cdn.example"}, ttl: 20,
			msg: wireMsg(t, id, dns.TypeA, 0, []string{
				"e1.cdn.example. 20 IN A 198.51.100.7",
				wireHost + ". 300 IN CNAME edge.cdn.example.",
				"other.example. 1 IN A 203.0.113.66", // not on the chain: ignored
				"edge.cdn.example. 60 IN CNAME e1.cdn.example.",
			}, nil, nil)},
		{name: "case-insensitive names", qtype: A, rcode: "NOERROR", addrs: []string{"192.0.2.3"}, chain: []string{"Edge.CDN.example"}, ttl: 60,
			msg: wireMsg(t, id, dns.TypeA, 0, []string{"API.Okviz.Example. 60 IN CNAME Edge.CDN.example.", "edge.cdn.EXAMPLE. 60 IN A 192.0.2.3"}, nil, nil)},
		{name: "NXDOMAIN with SOA", qtype: A, rcode: "NXDOMAIN", soa: true,
			msg: wireMsg(t, id, dns.TypeA, dns.RcodeNameError, nil, []string{soaLine}, nil)},
		{name: "NXDOMAIN with EDE Blocked", qtype: A, rcode: "NXDOMAIN", ede: []uint16{15},
			msg: wireMsg(t, id, dns.TypeA, dns.RcodeNameError, nil, nil, func(o *dns.OPT) {
				o.Option = append(o.Option, &dns.EDNS0_EDE{InfoCode: 15, ExtraText: "blocked by policy"})
			})},
		{name: "REFUSED", qtype: A, rcode: "REFUSED", msg: wireMsg(t, id, dns.TypeA, dns.RcodeRefused, nil, nil, nil)},
		{name: "extended rcode BADVERS", qtype: A, rcode: "BADVERS",
			msg: wireMsg(t, id, dns.TypeA, dns.RcodeBadVers, nil, nil, func(*dns.OPT) {})},
		{name: "wrong ID", qtype: A, mismatch: true, msg: wireMsg(t, id+1, dns.TypeA, 0, []string{wireHost + ". 60 IN A 192.0.2.1"}, nil, nil)},
		{name: "wrong type", qtype: AAAA, mismatch: true, msg: wireMsg(t, id, dns.TypeA, 0, nil, nil, nil)},
		{name: "a query, not a response", qtype: A, mismatch: true, msg: func() []byte {
			b := wireMsg(t, id, dns.TypeA, 0, nil, nil, nil)
			b[2] &^= 0x80
			return b
		}()},
		{name: "empty", qtype: A, mismatch: true, msg: nil},
		{name: "header only", qtype: A, mismatch: true, msg: []byte{0x42, 0x42, 0x81, 0x80}},
		{name: "compression loop in the answer", qtype: A, errHas: "malformed answer", msg: loopMsg(id)},
		{name: "cut in the middle of an answer", qtype: A, errHas: "malformed answer", msg: func() []byte {
			b := wireMsg(t, id, dns.TypeA, 0, []string{wireHost + ". 60 IN A 192.0.2.1"}, nil, nil)
			return b[:len(b)-2]
		}()},
		{name: "CNAME loop", qtype: A, errHas: "CNAME loop", msg: wireMsg(t, id, dns.TypeA, 0, []string{
			wireHost + ". 60 IN CNAME a.loop.example.", "a.loop.example. 60 IN CNAME b.loop.example.", "b.loop.example. 60 IN CNAME a.loop.example.",
		}, nil, nil)},
		{name: "CNAME chain too long", qtype: A, errHas: "longer than", msg: func() []byte {
			var rrs []string
			prev := wireHost + "."
			for i := range maxCNAMEChain + 1 {
				next := "hop" + strings.Repeat("x", i) + ".example."
				rrs = append(rrs, prev+" 60 IN CNAME "+next)
				prev = next
			}
			return wireMsg(t, id, dns.TypeA, 0, rrs, nil, nil)
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseAnswer(tt.msg, id, wireHost, tt.qtype)
			switch {
			case tt.mismatch:
				if !errors.Is(err, errMismatch) {
					t.Fatalf("err = %v, want a mismatch", err)
				}
				return
			case tt.errHas != "":
				if err == nil || errors.Is(err, errMismatch) || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("err = %v, want one containing %q", err, tt.errHas)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if got := rcodeName(a.RCode); got != tt.rcode {
				t.Errorf("rcode = %s, want %s", got, tt.rcode)
			}
			var addrs []string
			for _, x := range a.Addrs {
				addrs = append(addrs, x.String())
			}
			if !slices.Equal(addrs, tt.addrs) {
				t.Errorf("addrs = %q, want %q", addrs, tt.addrs)
			}
			if !slices.Equal(a.CNAMEs, tt.chain) {
				t.Errorf("chain = %q, want %q", a.CNAMEs, tt.chain)
			}
			if a.TTL != tt.ttl || a.SOA != tt.soa {
				t.Errorf("ttl, soa = %d, %v, want %d, %v", a.TTL, a.SOA, tt.ttl, tt.soa)
			}
			var ede []uint16
			for _, e := range a.EDE {
				ede = append(ede, e.Code)
			}
			if !slices.Equal(ede, tt.ede) {
				t.Errorf("EDE = %v, want %v", ede, tt.ede)
			}
		})
	}
}

func TestBuildQuery(t *testing.T) {
	b, err := buildQuery(0xbeef, wireHost, dnsmessage.TypeAAAA)
	if err != nil {
		t.Fatal(err)
	}
	m := new(dns.Msg)
	if err := m.Unpack(b); err != nil {
		t.Fatal(err)
	}
	if m.Id != 0xbeef || !m.RecursionDesired || m.Response || len(m.Question) != 1 ||
		m.Question[0].Name != wireHost+"." || m.Question[0].Qtype != dns.TypeAAAA {
		t.Errorf("query = %v", m)
	}
	if o := m.IsEdns0(); o == nil || o.UDPSize() != ednsUDPSize {
		t.Errorf("no EDNS OPT with UDP size %d: %v", ednsUDPSize, m)
	}
	if _, err := buildQuery(1, strings.Repeat("a", 64)+".example", dnsmessage.TypeA); err == nil {
		t.Error("a 64-byte label was packed")
	}
}

func TestRcodeAndEDENames(t *testing.T) {
	for rc, want := range map[dnsmessage.RCode]string{0: "NOERROR", 2: "SERVFAIL", 3: "NXDOMAIN", 5: "REFUSED", 23: "RCODE23"} {
		if got := rcodeName(rc); got != want {
			t.Errorf("rcodeName(%d) = %s, want %s", rc, got, want)
		}
	}
	for code, want := range map[uint16]string{15: "Blocked", 17: "Filtered", 24: "Invalid Data", 99: "EDE 99"} {
		if got := edeName(code); got != want {
			t.Errorf("edeName(%d) = %s, want %s", code, got, want)
		}
	}
}

// FuzzParseAnswer feeds arbitrary packets to the answer parser: it must
// never panic or loop, and what it accepts must be consistent.
func FuzzParseAnswer(f *testing.F) {
	f.Add(wireMsg(f, 0x1234, dns.TypeA, 0, []string{wireHost + ". 60 IN CNAME e.cdn.example.", "e.cdn.example. 60 IN A 192.0.2.1"}, nil, nil))
	f.Add(wireMsg(f, 0x1234, dns.TypeA, dns.RcodeNameError, nil, []string{soaLine}, func(o *dns.OPT) {
		o.Option = append(o.Option, &dns.EDNS0_EDE{InfoCode: 17, ExtraText: "filtered"})
	}))
	f.Add(loopMsg(0x1234))
	f.Fuzz(func(t *testing.T, msg []byte) {
		for _, qt := range []dnsmessage.Type{dnsmessage.TypeA, dnsmessage.TypeAAAA} {
			a, err := parseAnswer(msg, 0x1234, wireHost, qt)
			if err != nil {
				continue
			}
			if len(a.CNAMEs) > maxCNAMEChain {
				t.Fatalf("chain of %d", len(a.CNAMEs))
			}
			for _, x := range a.Addrs {
				if !x.IsValid() || x.Is4() != (qt == dnsmessage.TypeA) {
					t.Fatalf("address %v for a %v query", x, qt)
				}
				if _, err := netip.ParseAddr(x.String()); err != nil {
					t.Fatal(err)
				}
			}
			rcodeName(a.RCode)
		}
	})
}

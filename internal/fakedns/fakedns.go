package fakedns

import (
	"context"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/okviz/okviz-check/internal/wine"
)

// Record scripts the answer for one name, for every query type.
type Record struct {
	Rcode int      // dns.RcodeSuccess (0), dns.RcodeNameError, dns.RcodeServerFailure, dns.RcodeRefused, ...
	A     []string // IPv4 addresses, owned by the end of the CNAME chain
	AAAA  []string // IPv6 addresses, likewise
	// CNAME is the chain from the queried name: name → CNAME[0] → CNAME[1] ...
	CNAME []string
	TTL   uint32 // 0 means 60
	SOA   bool   // put the zone's SOA in the authority section (genuine negative answers do)
	EDE   *EDE   // attach an Extended DNS Error (needs an EDNS query)

	Drop        bool          // never answer
	Delay       time.Duration // wait before answering
	TruncateUDP bool          // over UDP answer with TC set and no records; TCP gets the full answer
	// Decoys sends this many wrong answers before the right one: first one
	// with another ID, then one with the right ID and another question,
	// alternating.
	Decoys int
	// Raw, when set, replaces the answer by these bytes (for malformed
	// answers); it gets the query so the ID and question can be echoed.
	Raw func(query []byte) []byte
}

// EDE is an Extended DNS Error (RFC 8914).
type EDE struct {
	Code uint16
	Text string
}

// Query is one query the server received.
type Query struct {
	Name string // as sent, with the trailing dot
	Type string // "A", "AAAA", ...
	Net  string // "udp", "tcp" or "doh"
	ID   uint16
}

// Server answers on Addr over UDP and TCP (the same port) until the test ends.
type Server struct {
	Addr string // 127.0.0.1:port

	mu      sync.Mutex
	records map[string]Record
	def     Record
	queries []Query
	stop    chan struct{}
}

// Start runs a server with these records (names with or without the
// trailing dot, any case). Unknown names get NXDOMAIN with an SOA.
func Start(tb testing.TB, records map[string]Record) *Server {
	tb.Helper()
	// Go's net package sets SIO_UDP_CONNRESET on every UDP socket it opens
	// on Windows, and Wine 8's WSAIoctl refuses it (10045): no UDP socket,
	// and so no DNS over UDP, from a Go program under Wine.
	wine.Skip(tb, "UDP sockets cannot be opened (WSAIoctl SIO_UDP_CONNRESET fails with WSAEOPNOTSUPP 10045)")
	s := &Server{records: map[string]Record{}, def: Record{Rcode: dns.RcodeNameError, SOA: true}, stop: make(chan struct{})}
	for n, r := range records {
		s.records[key(n)] = r
	}
	var pc net.PacketConn
	var ln net.Listener
	for attempt := 0; ; attempt++ {
		var err error
		pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			tb.Fatalf("fakedns: %v", err)
		}
		ln, err = net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			break
		}
		pc.Close()
		if attempt == 20 {
			tb.Fatalf("fakedns: no port free for both UDP and TCP: %v", err)
		}
	}
	s.Addr = pc.LocalAddr().String()
	h := dns.HandlerFunc(s.serveDNS)
	servers := []*dns.Server{{PacketConn: pc, Handler: h}, {Listener: ln, Handler: h}}
	var started sync.WaitGroup
	for _, srv := range servers {
		started.Add(1)
		srv.NotifyStartedFunc = started.Done
		go srv.ActivateAndServe()
	}
	started.Wait()
	tb.Cleanup(func() {
		close(s.stop)
		for _, srv := range servers {
			srv.Shutdown()
		}
	})
	return s
}

func key(name string) string { return strings.ToLower(dns.Fqdn(name)) }

// Set adds or replaces the record of a name.
func (s *Server) Set(name string, r Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records[key(name)] = r
}

// SetDefault scripts the answer for names without a record.
func (s *Server) SetDefault(r Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.def = r
}

// Queries returns the queries received so far, in order.
func (s *Server) Queries() []Query {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Query(nil), s.queries...)
}

// QueriesFor returns the queries received for one name.
func (s *Server) QueriesFor(name string) []Query {
	var out []Query
	for _, q := range s.Queries() {
		if key(q.Name) == key(name) {
			out = append(out, q)
		}
	}
	return out
}

// Dial connects to this server whatever address is asked for: plug it into
// net.Resolver.Dial so a resolver sends everything here.
func (s *Server) Dial(ctx context.Context, network, _ string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, s.Addr)
}

// Resolver is a pure-Go resolver that sends every query to this server
// (the hosts file is still read first, as for any Go resolver).
func (s *Server) Resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: s.Dial}
}

// lookup returns the record for a name, logging the query.
func (s *Server) lookup(q dns.Question, id uint16, network string) Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queries = append(s.queries, Query{Name: q.Name, Type: dns.TypeToString[q.Qtype], Net: network, ID: id})
	if r, ok := s.records[key(q.Name)]; ok {
		return r
	}
	return s.def
}

// wait sleeps d, or less when the server stops.
func (s *Server) wait(d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.stop:
	}
}

func (s *Server) serveDNS(w dns.ResponseWriter, req *dns.Msg) {
	network := "udp"
	if _, ok := w.LocalAddr().(*net.TCPAddr); ok {
		network = "tcp"
	}
	if len(req.Question) != 1 {
		m := new(dns.Msg)
		m.SetRcode(req, dns.RcodeFormatError)
		w.WriteMsg(m)
		return
	}
	rec := s.lookup(req.Question[0], req.Id, network)
	if rec.Drop {
		return
	}
	s.wait(rec.Delay)
	if rec.Raw != nil {
		packed, err := req.Pack()
		if err == nil {
			w.Write(rec.Raw(packed))
		}
		return
	}
	m := s.reply(req, rec)
	if network == "udp" && rec.TruncateUDP {
		m.Answer, m.Ns = nil, nil
		m.Truncated = true
	}
	for i := 0; i < rec.Decoys; i++ {
		d := m.Copy()
		if i%2 == 0 {
			d.Id = m.Id + 1 + uint16(i)
		} else {
			d.Question[0].Name = "decoy." + d.Question[0].Name
		}
		w.WriteMsg(d)
	}
	w.WriteMsg(m)
}

// reply builds the scripted answer to req.
func (s *Server) reply(req *dns.Msg, rec Record) *dns.Msg {
	q := req.Question[0]
	m := new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = true
	m.Rcode = rec.Rcode
	ttl := rec.TTL
	if ttl == 0 {
		ttl = 60
	}
	hdr := func(name string, t uint16) dns.RR_Header {
		return dns.RR_Header{Name: name, Rrtype: t, Class: dns.ClassINET, Ttl: ttl}
	}
	if rec.Rcode == dns.RcodeSuccess {
		owner := q.Name
		for _, c := range rec.CNAME {
			target := dns.Fqdn(c)
			m.Answer = append(m.Answer, &dns.CNAME{Hdr: hdr(owner, dns.TypeCNAME), Target: target})
			owner = target
		}
		switch q.Qtype {
		case dns.TypeA:
			for _, a := range rec.A {
				m.Answer = append(m.Answer, &dns.A{Hdr: hdr(owner, dns.TypeA), A: net.ParseIP(a)})
			}
		case dns.TypeAAAA:
			for _, a := range rec.AAAA {
				m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr(owner, dns.TypeAAAA), AAAA: net.ParseIP(a)})
			}
		}
	}
	if rec.SOA {
		zone := zoneOf(q.Name)
		m.Ns = append(m.Ns, &dns.SOA{Hdr: hdr(zone, dns.TypeSOA), Ns: "ns1." + zone, Mbox: "hostmaster." + zone,
			Serial: 1, Refresh: 3600, Retry: 600, Expire: 86400, Minttl: 60})
	}
	if o := req.IsEdns0(); o != nil {
		m.SetEdns0(1232, false)
		if rec.EDE != nil {
			m.IsEdns0().Option = append(m.IsEdns0().Option, &dns.EDNS0_EDE{InfoCode: rec.EDE.Code, ExtraText: rec.EDE.Text})
		}
	}
	return m
}

// zoneOf guesses the zone of a name: its last two labels.
func zoneOf(name string) string {
	labels := dns.SplitDomainName(name)
	if len(labels) <= 2 {
		return dns.Fqdn(name)
	}
	return dns.Fqdn(strings.Join(labels[len(labels)-2:], "."))
}

// ServeHTTP answers DNS over HTTPS (RFC 8484): POST with an
// application/dns-message body, or GET with ?dns=base64url. Wrap it in an
// httptest TLS server.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var raw []byte
	var err error
	switch r.Method {
	case http.MethodPost:
		raw, err = io.ReadAll(io.LimitReader(r.Body, 65536))
	case http.MethodGet:
		raw, err = base64.RawURLEncoding.DecodeString(r.URL.Query().Get("dns"))
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	req := new(dns.Msg)
	if err != nil || req.Unpack(raw) != nil || len(req.Question) != 1 {
		http.Error(w, "bad DNS message", http.StatusBadRequest)
		return
	}
	rec := s.lookup(req.Question[0], req.Id, "doh")
	if rec.Drop {
		select {
		case <-r.Context().Done():
		case <-s.stop:
		}
		return
	}
	s.wait(rec.Delay)
	var out []byte
	if rec.Raw != nil {
		out = rec.Raw(raw)
	} else if out, err = s.reply(req, rec).Pack(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/dns-message")
	w.Write(out)
}

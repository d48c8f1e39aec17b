package fakedns

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func exchange(t *testing.T, s *Server, network, name string, qtype uint16) (*dns.Msg, error) {
	t.Helper()
	c := &dns.Client{Net: network, Timeout: 300 * time.Millisecond}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.SetEdns0(1232, false)
	r, _, err := c.Exchange(m, s.Addr)
	return r, err
}

func TestRecords(t *testing.T) {
	s := Start(t, map[string]Record{
		"Chain.Example":  {CNAME: []string{"a.cdn.example", "b.cdn.example"}, A: []string{"192.0.2.1"}, TTL: 7},
		"gone.example":   {Rcode: dns.RcodeNameError, SOA: true, EDE: &EDE{Code: 15, Text: "blocked"}},
		"big.example":    {A: []string{"192.0.2.2"}, TruncateUDP: true},
		"silent.example": {Drop: true},
	})
	tests := []struct {
		name, network string
		qname         string
		rcode         int
		answers       int
		truncated     bool
		ns            int
		ede           uint16
		timeout       bool
	}{
		{name: "chain over udp", network: "udp", qname: "chain.example", answers: 3},
		{name: "chain over tcp", network: "tcp", qname: "CHAIN.example", answers: 3},
		{name: "nxdomain with SOA and EDE", network: "udp", qname: "gone.example", rcode: dns.RcodeNameError, ns: 1, ede: 15},
		{name: "unknown name", network: "udp", qname: "nobody.example", rcode: dns.RcodeNameError, ns: 1},
		{name: "truncated over udp", network: "udp", qname: "big.example", truncated: true},
		{name: "full over tcp", network: "tcp", qname: "big.example", answers: 1},
		{name: "never answers", network: "udp", qname: "silent.example", timeout: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := exchange(t, s, tt.network, tt.qname, dns.TypeA)
			if tt.timeout {
				if err == nil {
					t.Fatalf("got an answer: %v", r)
				}
				return
			}
			if err != nil && !(tt.truncated && r != nil) {
				t.Fatal(err)
			}
			if r.Rcode != tt.rcode || len(r.Answer) != tt.answers || r.Truncated != tt.truncated || len(r.Ns) != tt.ns {
				t.Errorf("answer = %v", r)
			}
			var ede uint16
			if o := r.IsEdns0(); o != nil {
				for _, opt := range o.Option {
					if e, ok := opt.(*dns.EDNS0_EDE); ok {
						ede = e.InfoCode
					}
				}
			}
			if ede != tt.ede {
				t.Errorf("EDE = %d, want %d", ede, tt.ede)
			}
			if tt.answers == 3 {
				if last, ok := r.Answer[2].(*dns.A); !ok || last.Hdr.Name != "b.cdn.example." || last.Hdr.Ttl != 7 {
					t.Errorf("chain end = %v", r.Answer[2])
				}
			}
		})
	}
	var nets []string
	for _, q := range s.QueriesFor("big.example") {
		nets = append(nets, q.Net)
	}
	if !slices.Equal(nets, []string{"udp", "tcp"}) {
		t.Errorf("queries for big.example came over %q", nets)
	}
}

func TestDecoys(t *testing.T) {
	s := Start(t, map[string]Record{"d.example": {A: []string{"192.0.2.3"}, Decoys: 2}})
	conn, err := (&dns.Client{Net: "udp"}).Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	q := new(dns.Msg)
	q.SetQuestion("d.example.", dns.TypeA)
	if err := conn.WriteMsg(q); err != nil {
		t.Fatal(err)
	}
	var wrongID, wrongQ, right int
	for range 3 {
		r, err := conn.ReadMsg()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case r.Id != q.Id:
			wrongID++
		case r.Question[0].Name != "d.example.":
			wrongQ++
		default:
			right++
		}
	}
	if wrongID != 1 || wrongQ != 1 || right != 1 {
		t.Errorf("wrong ID %d, wrong question %d, right %d", wrongID, wrongQ, right)
	}
}

func TestResolverAndDoH(t *testing.T) {
	s := Start(t, map[string]Record{"r.example": {A: []string{"192.0.2.4"}, AAAA: []string{"2001:db8::4"}}})
	addrs, err := s.Resolver().LookupHost(context.Background(), "r.example")
	if err != nil || len(addrs) != 2 {
		t.Fatalf("LookupHost = %v, %v", addrs, err)
	}

	srv := httptest.NewTLSServer(s)
	defer srv.Close()
	q := new(dns.Msg)
	q.SetQuestion("r.example.", dns.TypeAAAA)
	raw, _ := q.Pack()
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		var req *http.Request
		if method == http.MethodPost {
			req, _ = http.NewRequest(method, srv.URL+"/dns-query", bytes.NewReader(raw))
		} else {
			req, _ = http.NewRequest(method, srv.URL+"/dns-query?dns="+base64.RawURLEncoding.EncodeToString(raw), nil)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		body.ReadFrom(resp.Body)
		resp.Body.Close()
		r := new(dns.Msg)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/dns-message" || r.Unpack(body.Bytes()) != nil || len(r.Answer) != 1 {
			t.Errorf("%s: %s %v", method, resp.Status, r)
		}
	}
	resp, err := srv.Client().Post(srv.URL, "application/dns-message", bytes.NewReader([]byte("junk")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("junk: %s", resp.Status)
	}
}

package diag

import (
	"net"
	"strings"
	"testing"
)

// TestClassifySystemErr covers the resolver errors that name no rcode: a
// send refused by a local firewall must not read as a SERVFAIL nobody sent.
func TestClassifySystemErr(t *testing.T) {
	tests := []struct {
		err  error
		code Code
		kind string
	}{
		{&net.DNSError{Err: "no such host", IsNotFound: true}, "dns.nxdomain", "not_found"},
		{&net.DNSError{Err: "i/o timeout", IsTimeout: true}, "dns.timeout", failTimeout},
		{&net.DNSError{Err: "server misbehaving", IsTemporary: true}, "dns.servfail", "servfail"},
		{&net.DNSError{Err: "server misbehaving"}, "dns.refused", "refused_query"},
		{&net.DNSError{Err: "write udp 198.18.0.2:5353->198.18.0.1:53: write: operation not permitted", IsTemporary: true}, "dns.timeout", failLocal},
		{&net.DNSError{Err: "read udp: connection refused", IsTemporary: true}, "dns.unreachable", failRefused},
	}
	for _, tt := range tests {
		code, kind := classifySystemErr(tt.err)
		if code != tt.code || kind != tt.kind {
			t.Errorf("classifySystemErr(%q) = %s/%s, want %s/%s", tt.err, code, kind, tt.code, tt.kind)
		}
	}
}

// TestRefineVagueSystemFailure: getaddrinfo's bare "temporary failure"
// (the cgo resolver, macOS) is named by what the configured resolver
// says when asked directly, here a refused connection.
func TestRefineVagueSystemFailure(t *testing.T) {
	p := &Prober{Nameservers: []string{"192.0.2.53"}}
	code, kind := classifySystemErr(&net.DNSError{Err: "Temporary failure in name resolution", Name: wireHost, IsTemporary: true})
	sc := newCheck(CheckDNSSystem, code, systemFailSummary(code, kind, wireHost), &DNSSystemDetails{ErrorKind: kind})
	views := []DNSView{{Server: "192.0.2.53", Role: roleConfigured, ErrKind: failRefused, Code: DNSUnreachable}}
	got := p.refineSystem(wireHost, true, nil, sc, views)
	if got.Code != DNSUnreachable || !strings.Contains(got.Summary, "refused the connection") {
		t.Errorf("refined to %s %q, want dns.unreachable naming the refusal", got.Code, got.Summary)
	}
	// A SERVFAIL the system resolver did see stays, over a less telling view.
	code, kind = classifySystemErr(&net.DNSError{Err: "server misbehaving", Name: wireHost, IsTemporary: true})
	sc = newCheck(CheckDNSSystem, code, systemFailSummary(code, kind, wireHost), &DNSSystemDetails{ErrorKind: kind})
	if got := p.refineSystem(wireHost, true, nil, sc, views); got.Code != DNSServFail {
		t.Errorf("a seen SERVFAIL became %s", got.Code)
	}
}

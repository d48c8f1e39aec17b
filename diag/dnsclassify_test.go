package diag

import (
	"net"
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

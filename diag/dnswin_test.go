package diag

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/okviz/okviz-check/internal/netclass/netclasstest"
)

// TestClassifyWindowsDNS runs on every OS: the errors GetAddrInfoW gives,
// wrapped the way Go's Windows resolver wraps them (net.DNSError around an
// os.SyscallError around the number), with Microsoft's messages.
func TestClassifyWindowsDNS(t *testing.T) {
	tests := []struct {
		n    uintptr
		msg  string // FormatMessage text, as Windows prints it
		code Code
		kind string
	}{
		{11001, "No such host is known.", DNSNXDomain, "not_found"},
		{11002, "This is usually a temporary error during hostname resolution and means that the local server did not receive a response from an authoritative server.", DNSServFail, "servfail"},
		{11003, "A non-recoverable error occurred during a database lookup.", DNSRefused, "refused_query"},
		{11004, "The requested name is valid, but no data of the requested type was found.", DNSNoAddress, "no_data"},
		{9002, "DNS server failure.", DNSServFail, "servfail"},
		{9003, "DNS name does not exist.", DNSNXDomain, "not_found"},
		{9005, "DNS operation refused.", DNSRefused, "refused_query"},
		{9501, "No records found for given DNS query.", DNSNoAddress, "no_data"},
		{1460, "This operation returned because the timeout period expired.", DNSTimeout, failTimeout},
		{9852, "No DNS servers configured for local system.", DNSUnavailable, "no_servers"},
	}
	for _, tt := range tests {
		err := &net.DNSError{Err: "getaddrinfow: " + tt.msg, Name: "api.okviz.example",
			UnwrapErr: os.NewSyscallError("getaddrinfow", syscall.Errno(tt.n))}
		code, kind := classifySystemErr(err)
		if code != tt.code || kind != tt.kind {
			t.Errorf("%d (%s): got %s/%s, want %s/%s", tt.n, tt.msg, code, kind, tt.code, tt.kind)
		}
	}
	// Not a resolver number: the other rules decide.
	if _, _, ok := classifyWindowsDNS(10061); ok {
		t.Error("WSAECONNREFUSED read as a resolver error")
	}
}

// TestTLSLocalAbort: a handshake cut by this machine's own software
// (WSAECONNABORTED on Windows, which netclass's recorded values map to a
// local firewall; EACCES on Unix) names the desk-side/endpoint team.
func TestTLSLocalAbort(t *testing.T) {
	err := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", netclasstest.LocalFirewall)}
	kind, _ := classifyTLSErr(err, nil)
	if kind != failLocal {
		t.Fatalf("kind = %q, want %q", kind, failLocal)
	}
	c := (&Prober{}).failedCheck(kind, nil, attempt{err: err}, nil, &TLSDetails{})
	if !strings.Contains(c.Summary, "own software") || !strings.HasPrefix(c.Remediation, "Desk-side/endpoint") {
		t.Errorf("check = %s %q, remediation %q", c.Code, c.Summary, c.Remediation)
	}
}

// TestSystemLookupCanceled: a lookup nobody waited for has one code, also
// when the resolver's own error is an NXDOMAIN- or SERVFAIL-looking one.
func TestSystemLookupCanceled(t *testing.T) {
	for _, inner := range []error{context.Canceled, fmt.Errorf("lookup: %w", context.Canceled)} {
		for _, notFound := range []bool{false, true} {
			err := &net.DNSError{Err: "operation was canceled", Name: "api.okviz.example", IsNotFound: notFound, UnwrapErr: inner}
			if code, kind := classifySystemErr(err); code != DNSTimeout || kind != failCanceled {
				t.Errorf("classifySystemErr(%v, notFound=%v) = %s/%s, want %s/%s", inner, notFound, code, kind, DNSTimeout, failCanceled)
			}
		}
	}
}

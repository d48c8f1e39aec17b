package diag

import (
	"errors"
	"syscall"
)

// Windows resolver errors. On Windows the system resolver is GetAddrInfoW
// (through DnsQueryEx), whose failures are Winsock and DNS error numbers,
// never the text of Go's own resolver; net.DNSError unwraps to them. The
// numbers are Microsoft's, "Windows Sockets Error Codes" and "DNS Error
// Codes" (learn.microsoft.com/windows/win32/winsock/windows-sockets-error-codes-2,
// learn.microsoft.com/windows/win32/dns/dns-error-codes), kept in a file built
// everywhere so the mapping is tested on every OS.
const (
	wsaHostNotFound = 11001 // WSAHOST_NOT_FOUND: "No such host is known."
	wsaTryAgain     = 11002 // WSATRY_AGAIN: the local server got no answer from an authoritative one
	wsaNoRecovery   = 11003 // WSANO_RECOVERY: "A nonrecoverable error" (refused, not implemented)
	wsaNoData       = 11004 // WSANO_DATA: the name exists, no record of the type asked
	winErrorTimeout = 1460  // ERROR_TIMEOUT: "This operation returned because the timeout period expired."

	dnsRcodeFormatError    = 9001 // DNS_ERROR_RCODE_FORMAT_ERROR
	dnsRcodeServerFailure  = 9002 // DNS_ERROR_RCODE_SERVER_FAILURE
	dnsRcodeNameError      = 9003 // DNS_ERROR_RCODE_NAME_ERROR
	dnsRcodeNotImplemented = 9004 // DNS_ERROR_RCODE_NOT_IMPLEMENTED
	dnsRcodeRefused        = 9005 // DNS_ERROR_RCODE_REFUSED
	dnsInfoNoRecords       = 9501 // DNS_INFO_NO_RECORDS
	dnsErrorNoDNSServers   = 9852 // DNS_ERROR_NO_DNS_SERVERS: "No DNS servers configured for local system."
)

// classifyWindowsDNS maps a Windows resolver error number to a problem code
// and an error kind; ok is false for a number that is not a resolver error.
func classifyWindowsDNS(n uintptr) (code Code, kind string, ok bool) {
	switch n {
	case wsaHostNotFound, dnsRcodeNameError:
		return DNSNXDomain, "not_found", true
	case wsaNoData, dnsInfoNoRecords:
		return DNSNoAddress, "no_data", true
	case wsaTryAgain, dnsRcodeServerFailure, dnsRcodeFormatError:
		return DNSServFail, "servfail", true
	case wsaNoRecovery, dnsRcodeRefused, dnsRcodeNotImplemented:
		return DNSRefused, "refused_query", true
	case winErrorTimeout:
		return DNSTimeout, failTimeout, true
	case dnsErrorNoDNSServers:
		return DNSUnavailable, "no_servers", true
	}
	return "", "", false
}

// windowsDNSErr reads the Windows error number inside a resolver error.
func windowsDNSErr(err error) (Code, string, bool) {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return "", "", false
	}
	return classifyWindowsDNS(uintptr(errno))
}

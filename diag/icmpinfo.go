package diag

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
)

// Windows can say which ICMP error failed a connect: after a connect that
// TCP_FAIL_CONNECT_ON_ICMP_ERROR made fail, getsockopt(IPPROTO_TCP,
// TCP_ICMP_ERROR_INFO, 19) returns an ICMP_ERROR_INFO (ws2ipdef.h;
// learn.microsoft.com, "ICMP_ERROR_INFO structure" and "SOCKADDR_INET
// union"):
//
//	typedef struct ICMP_ERROR_INFO {
//	  SOCKADDR_INET srcaddress; // union of SOCKADDR_IN and SOCKADDR_IN6: 28 bytes
//	  IPPROTO       protocol;   // an enum: 4 bytes, IPPROTO_ICMP (1) or IPPROTO_ICMPV6 (58)
//	  UINT8         type;
//	  UINT8         code;
//	} ICMP_ERROR_INFO;          // 36 bytes with the trailing padding
//
// SOCKADDR_INET starts with the family (USHORT, little-endian on Windows:
// AF_INET 2, AF_INET6 23), then the port (network order); an IPv4 address
// follows at offset 4, an IPv6 one (after the 4-byte flow info) at offset
// 8. Go's dial closes the socket on a failed connect before this can be
// read, so on Windows a refused or unreachable connect is made once more
// with a Winsock socket of okviz-check's own (icmpprobe_windows.go), which
// reads it; any dial error that wraps an *icmpError is reported with it too.
const (
	icmpErrorInfoLen = 36
	winAFInet        = 2
	winAFInet6       = 23
)

// icmpError is the ICMP error that failed a connect, as Windows reports it.
type icmpError struct {
	From       netip.Addr
	Protocol   int // 1 ICMP, 58 ICMPv6
	Type, Code uint8
	err        error // the connect's own error
}

func (e *icmpError) Error() string { return e.err.Error() + " (" + e.describe() + ")" }
func (e *icmpError) Unwrap() error { return e.err }

// parseICMPErrorInfo reads an ICMP_ERROR_INFO as getsockopt returns it.
func parseICMPErrorInfo(b []byte) (*icmpError, error) {
	if len(b) < icmpErrorInfoLen-2 { // the trailing padding may be cut
		return nil, fmt.Errorf("ICMP_ERROR_INFO: %d bytes, want %d", len(b), icmpErrorInfoLen)
	}
	e := &icmpError{Protocol: int(int32(binary.LittleEndian.Uint32(b[28:32]))), Type: b[32], Code: b[33]}
	switch fam := binary.LittleEndian.Uint16(b[0:2]); fam {
	case winAFInet:
		e.From = netip.AddrFrom4([4]byte(b[4:8]))
	case winAFInet6:
		e.From = netip.AddrFrom16([16]byte(b[8:24]))
	default:
		return nil, fmt.Errorf("ICMP_ERROR_INFO: address family %d", fam)
	}
	if e.Protocol != 1 && e.Protocol != 58 {
		return nil, fmt.Errorf("ICMP_ERROR_INFO: protocol %d is not ICMP", e.Protocol)
	}
	return e, nil
}

// icmpMeanings names the destination-unreachable codes (RFC 792, RFC
// 1812 for 13, RFC 4443 for ICMPv6) a firewall or router answers a SYN with.
var icmpMeanings = map[int]map[uint8]map[uint8]string{
	1: {3: {0: "network unreachable", 1: "host unreachable", 2: "protocol unreachable", 3: "port unreachable",
		9: "network administratively prohibited", 10: "host administratively prohibited", 13: "administratively prohibited"},
		11: {0: "TTL exceeded in transit"}},
	58: {1: {0: "no route to destination", 1: "administratively prohibited", 3: "address unreachable", 4: "port unreachable",
		5: "source address failed ingress/egress policy", 6: "reject route to destination"}},
}

// describe says the error in the words of a network engineer:
// "ICMP type 3 code 13 (administratively prohibited) from 198.18.0.1".
func (e *icmpError) describe() string {
	proto := "ICMP"
	if e.Protocol == 58 {
		proto = "ICMPv6"
	}
	s := proto + " type " + strconv.Itoa(int(e.Type)) + " code " + strconv.Itoa(int(e.Code))
	if m := icmpMeanings[e.Protocol][e.Type][e.Code]; m != "" {
		s += " (" + m + ")"
	}
	return s + " from " + e.From.String()
}

// icmpOf returns the ICMP error inside a dial error, if the dialer read one.
func icmpOf(err error) *icmpError {
	e, _ := errors.AsType[*icmpError](err)
	return e
}

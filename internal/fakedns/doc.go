// Package fakedns is a scriptable DNS server on 127.0.0.1 for tests: every
// rcode, timeouts (never answering), truncation (TC over UDP, the full
// answer over TCP), answers with a wrong ID or question before the right
// one, sinkhole addresses, CNAME chains, Extended DNS Errors, raw malformed
// packets, and DNS over HTTPS (RFC 8484) through ServeHTTP.
//
// It is built on github.com/miekg/dns and only ever imported by tests, so
// that dependency never reaches the okviz-check binary.
package fakedns

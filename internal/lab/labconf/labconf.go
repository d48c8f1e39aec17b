// Package labconf is the configuration the network lab hands to its origin
// server program (internal/lab/labserver): one JSON file listing every
// listener and how it behaves. It lives in its own package so the harness and
// the server agree on one type without the server importing the harness.
package labconf

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// Modes a listener can have.
const (
	// ModeHTTP answers HTTP requests (over TLS when CertFile is set).
	ModeHTTP = "http"
	// ModeReset reads the first bytes a client sends (its ClientHello), then
	// closes with an RST: what an IPS that cuts every TLS handshake does.
	ModeReset = "reset"
	// ModeStall accepts and never answers: a middlebox that swallows the handshake.
	ModeStall = "stall"
	// ModeGarbage reads the client's first bytes (a CONNECT request) and
	// answers with Body, which is not HTTP: a "proxy" setting that points
	// at some other service.
	ModeGarbage = "garbage"
	// ModeSOCKS5 is a SOCKS5 proxy without authentication that serves
	// CONNECT, resolving names with Resolver.
	ModeSOCKS5 = "socks5"
	// ModeDNS is a UDP DNS server that answers every query with Rcode and
	// no records: a broken upstream for a forwarding resolver.
	ModeDNS = "dns"
)

// RcodeNumber is the number of a DNS response code name the DNS mode
// accepts (NOERROR, SERVFAIL, NXDOMAIN, REFUSED).
func RcodeNumber(name string) (int, bool) {
	switch name {
	case "NOERROR":
		return 0, true
	case "SERVFAIL":
		return 2, true
	case "NXDOMAIN":
		return 3, true
	case "REFUSED":
		return 5, true
	}
	return 0, false
}

// Config is the whole labserver configuration.
type Config struct {
	Listeners []Listener `json:"listeners"`
}

// Listener is one address the server listens on.
type Listener struct {
	Addr     string `json:"addr"`               // host:port to listen on (UDP for ModeDNS, else TCP)
	Mode     string `json:"mode,omitempty"`     // ModeHTTP (default), ModeReset, ModeStall, …
	CertFile string `json:"cert,omitempty"`     // PEM chain; when set, serve TLS
	KeyFile  string `json:"key,omitempty"`      // PEM key for CertFile
	Status   int    `json:"status,omitempty"`   // HTTP status (default 200)
	Location string `json:"location,omitempty"` // Location header (for redirects)
	Body     string `json:"body,omitempty"`     // response body (ModeGarbage: the whole answer)
	// Headers are added to every HTTP answer (several values of one name
	// become several header lines, as proxies send Proxy-Authenticate).
	Headers map[string][]string `json:"headers,omitempty"`
	// Rcode is what ModeDNS answers: a name RcodeNumber knows.
	Rcode string `json:"rcode,omitempty"`
	// Resolver is the DNS server (ip:port) ModeSOCKS5 resolves names with,
	// so it never asks the host's own resolver.
	Resolver string `json:"resolver,omitempty"`
	// Dir serves the files of a directory instead of Status/Body (PAC files).
	Dir string `json:"dir,omitempty"`
	// Keytab, when set, makes the HTTP answers need Negotiate (Kerberos)
	// with a service ticket the keytab's keys open: a PAC file on a web
	// server with Windows authentication. Read at each request, so the
	// keytab may be written after the server starts.
	Keytab string `json:"keytab,omitempty"`
	// BasicAuth, when set ("user:password"), makes the HTTP answers need
	// Basic authentication with that account.
	BasicAuth string `json:"basic_auth,omitempty"`
	// DateOffset shifts the Date header from the server's clock, to make
	// the client's clock look wrong. A Go duration string, e.g. "-3h".
	DateOffset string `json:"date_offset,omitempty"`
}

// Offset parses DateOffset (zero when empty).
func (l Listener) Offset() (time.Duration, error) {
	if l.DateOffset == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(l.DateOffset)
	if err != nil {
		return 0, fmt.Errorf("listener %s: date_offset: %w", l.Addr, err)
	}
	return d, nil
}

// Write stores c as JSON in path.
func (c Config) Write(path string) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// Read loads a configuration written by Write and checks it.
func Read(path string) (Config, error) {
	var c Config
	b, err := os.ReadFile(path)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("%s: %w", path, err)
	}
	for _, l := range c.Listeners {
		switch l.Mode {
		case "", ModeHTTP, ModeReset, ModeStall, ModeGarbage:
		case ModeSOCKS5:
			if l.Resolver == "" {
				return c, fmt.Errorf("%s: listener %s: socks5 needs a resolver", path, l.Addr)
			}
		case ModeDNS:
			if _, ok := RcodeNumber(l.Rcode); !ok {
				return c, fmt.Errorf("%s: listener %s: unknown rcode %q", path, l.Addr, l.Rcode)
			}
		default:
			return c, fmt.Errorf("%s: listener %s: unknown mode %q", path, l.Addr, l.Mode)
		}
		if (l.CertFile == "") != (l.KeyFile == "") {
			return c, fmt.Errorf("%s: listener %s: cert and key go together", path, l.Addr)
		}
		if _, err := l.Offset(); err != nil {
			return c, fmt.Errorf("%s: %w", path, err)
		}
	}
	return c, nil
}

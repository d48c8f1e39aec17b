package pac

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"golang.org/x/net/idna"
)

// Bounds on what one evaluation remembers about DNS.
const (
	pacMaxCachedAnswers = 10000
	pacMaxLookups       = 200 // Lookup records kept in the Evaluation
)

type pacAnswer struct {
	ips []net.IP
	err error
}

// lookup resolves host for a helper: IP literals answer themselves, names
// are converted to punycode (as Chromium does), looked up once per
// evaluation under DNSTimeout, and recorded in the Evaluation.
func (st *pacState) lookup(host string) ([]net.IP, error) {
	if ip := net.ParseIP(host); ip != nil {
		return []net.IP{ip}, nil
	}
	name := host
	if !pacIsASCII(name) {
		a, err := idna.Lookup.ToASCII(name)
		if err != nil {
			return nil, fmt.Errorf("%q is not a valid host name: %w", host, err)
		}
		name = a
	}
	if name == "" || strings.ContainsAny(name, " \t\r\n\x00") {
		return nil, fmt.Errorf("%q is not a valid host name", host)
	}
	if a, ok := st.answers[name]; ok {
		return a.ips, a.err
	}
	start := st.env.Now()
	ips, err := st.resolveBounded(name)
	if st.answers == nil {
		st.answers = map[string]pacAnswer{}
	}
	if len(st.answers) < pacMaxCachedAnswers {
		st.answers[name] = pacAnswer{ips, err}
	}
	if len(st.ev.Lookups) < pacMaxLookups {
		l := Lookup{Host: name, Err: err, Duration: st.env.Now().Sub(start)}
		for _, ip := range ips {
			l.Addresses = append(l.Addresses, ip.String())
		}
		st.ev.Lookups = append(st.ev.Lookups, l)
	} else {
		st.ev.LookupsDropped++
	}
	return ips, err
}

// resolveBounded calls Resolve on its own goroutine so that a resolver
// which ignores its context cannot hold the script past its deadline.
func (st *pacState) resolveBounded(name string) ([]net.IP, error) {
	ctx, cancel := context.WithTimeout(st.ctx, st.env.DNSTimeout)
	defer cancel()
	ch := make(chan pacAnswer, 1)
	st.pending.Add(1)
	go func() {
		defer st.pending.Done()
		ips, err := st.env.Resolve(ctx, name)
		ch <- pacAnswer{ips, err}
	}()
	select {
	case a := <-ch:
		if a.err == nil && len(a.ips) == 0 {
			a.err = errors.New("no addresses")
		}
		return a.ips, a.err
	case <-ctx.Done():
		return nil, fmt.Errorf("lookup %s: %w", name, ctx.Err())
	}
}

// waitLookups gives abandoned lookups a moment to return, so that an
// evaluation leaves no goroutine behind when its resolver honours ctx.
func (st *pacState) waitLookups() {
	done := make(chan struct{})
	go func() {
		st.pending.Wait()
		close(done)
	}()
	t := time.NewTimer(pacResolverGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// dnsResolve is Chromium's: the first IPv4 address, or "" (null) on failure.
func (st *pacState) dnsResolve(host string) (string, bool) {
	ips, err := st.lookup(host)
	if err != nil {
		return "", false
	}
	for _, ip := range ips {
		if v4 := ip.To4(); v4 != nil && !strings.Contains(host, ":") {
			return v4.String(), true
		}
	}
	return "", false
}

// dnsResolveEx is Microsoft's: every address, ';'-separated, "" on failure.
func (st *pacState) dnsResolveEx(host string) string {
	ips, err := st.lookup(host)
	if err != nil {
		return ""
	}
	return pacJoinIPs(ips)
}

// myIPAddress is what myIpAddress() returns: the first IPv4 address of
// MyIP, else its first address, else "127.0.0.1".
func pacMyIPAddress(ips []net.IP) string {
	for _, ip := range ips {
		if v4 := ip.To4(); v4 != nil {
			return v4.String()
		}
	}
	if len(ips) > 0 && ips[0] != nil {
		return ips[0].String()
	}
	return "127.0.0.1"
}

func pacJoinIPs(ips []net.IP) string {
	s := make([]string, 0, len(ips))
	for _, ip := range ips {
		if ip != nil {
			s = append(s, ip.String())
		}
	}
	return strings.Join(s, ";")
}

func pacIsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

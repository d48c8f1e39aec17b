package diag

import (
	"bufio"
	"io"
	"net/netip"
	"strings"
)

// maxResolvConfServers is how many nameserver lines glibc (MAXNS) and Go's
// resolver use; later ones are ignored by every application.
const maxResolvConfServers = 3

// ParseResolvConf reads resolv.conf(5): the nameserver addresses (at most
// three, as the resolvers use; unparsable ones skipped) and the search list
// (the last "search" or "domain" line wins, as in glibc).
func ParseResolvConf(r io.Reader) (servers, search []string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	servers, search = []string{}, []string{}
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexAny(line, "#;"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "nameserver":
			a, err := netip.ParseAddr(f[1])
			if err != nil || len(servers) == maxResolvConfServers {
				continue
			}
			servers = append(servers, a.String())
		case "domain":
			search = []string{strings.TrimSuffix(f[1], ".")}
		case "search":
			search = search[:0:0]
			for _, d := range f[1:] {
				if d = strings.TrimSuffix(d, "."); d != "" {
					search = append(search, d)
				}
			}
		}
	}
	return servers, search
}

// systemdStub is systemd-resolved's local stub; behind it, the real servers
// are listed in systemdUpstreamConf.
const (
	systemdStub         = "127.0.0.53"
	systemdUpstreamConf = "/run/systemd/resolve/resolv.conf"
)

// withUpstreams appends the servers behind a systemd-resolved stub, so the
// upstream resolvers are queried directly too.
func withUpstreams(servers, upstream []string) []string {
	stub := false
	for _, s := range servers {
		stub = stub || s == systemdStub
	}
	if !stub {
		return servers
	}
	for _, u := range upstream {
		if u != systemdStub && !contains(servers, u) {
			servers = append(servers, u)
		}
	}
	return servers
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// winAdapter is what okviz-check needs of one Windows network adapter
// (GetAdaptersAddresses). It has JSON tags so recorded adapter lists can be
// replayed in tests on every OS.
type winAdapter struct {
	Name     string   `json:"name"`
	Up       bool     `json:"up"`       // OperStatus == IfOperStatusUp
	Gateways []string `json:"gateways"` // default gateways
	DNS      []string `json:"dns_servers"`
	Suffix   string   `json:"dns_suffix,omitempty"` // the connection-specific DNS suffix
}

// windowsSearchDomains lists the DNS suffixes of the adapters that are up,
// once each: Windows appends them to single-label names, and they are the
// local network's own zones.
func windowsSearchDomains(adapters []winAdapter) []string {
	out := []string{}
	for _, ad := range adapters {
		s := strings.Trim(strings.TrimSpace(ad.Suffix), ".")
		if ad.Up && s != "" && !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// windowsNameservers picks the DNS servers Windows applications use: those
// of the adapters that are up, the ones with a default gateway first. An
// adapter without a gateway still counts: a split-tunnel VPN routes only
// its own networks (no default gateway) and its resolvers answer for them,
// and Windows' DNS client asks every connected adapter's servers when the
// first ones fail. A disconnected adapter keeps its old servers and is
// skipped, as are the fec0::/10 site-local defaults Windows sets when no
// IPv6 server is configured.
func windowsNameservers(adapters []winAdapter) []string {
	out := []string{}
	for _, withGateway := range []bool{true, false} {
		for _, ad := range adapters {
			if !ad.Up || (len(ad.Gateways) > 0) != withGateway {
				continue
			}
			for _, s := range ad.DNS {
				a, err := netip.ParseAddr(strings.TrimSpace(s))
				if err != nil || a.IsUnspecified() {
					continue
				}
				if a.Is6() && !a.Is4In6() && a.As16()[0] == 0xfe && a.As16()[1]&0xc0 == 0xc0 {
					continue // fec0::/10
				}
				if a.Is4In6() {
					a = a.Unmap()
				}
				if s := a.String(); !contains(out, s) {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

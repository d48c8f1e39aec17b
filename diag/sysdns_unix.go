//go:build !windows

package diag

import (
	"fmt"
	"os"
)

// SystemNameservers returns the resolvers configured on this machine, read
// from /etc/resolv.conf (Linux, macOS's generated primary resolvers, the
// BSDs). Behind systemd-resolved's stub (127.0.0.53) it adds the upstream
// servers the stub forwards to, so they are queried directly too.
func SystemNameservers() ([]string, error) {
	servers, err := readResolvConf("/etc/resolv.conf")
	if err != nil {
		return nil, err
	}
	if up, err := readResolvConf(systemdUpstreamConf); err == nil {
		servers = withUpstreams(servers, up)
	}
	return servers, nil
}

// SystemSearchDomains returns resolv.conf's search list: names under those
// domains are the local DNS's own (see Prober.SearchDomains).
func SystemSearchDomains() ([]string, error) {
	f, err := os.Open("/etc/resolv.conf")
	if err != nil {
		return nil, fmt.Errorf("reading the DNS configuration: %w", err)
	}
	defer f.Close()
	_, search := ParseResolvConf(f)
	return search, nil
}

func readResolvConf(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the DNS configuration: %w", err)
	}
	defer f.Close()
	servers, _ := ParseResolvConf(f)
	return servers, nil
}

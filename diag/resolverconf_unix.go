//go:build !windows

package diag

import "os"

// ResolverConfig returns the resolver configuration as read: resolv.conf,
// and behind systemd-resolved's stub the file of its upstream servers.
func ResolverConfig() ([]ConfigFile, error) {
	var out []ConfigFile
	var first error
	for _, f := range []struct{ name, path string }{{"resolv.conf", "/etc/resolv.conf"}, {"resolv.conf.systemd-upstream", systemdUpstreamConf}} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			if first == nil && f.path == "/etc/resolv.conf" {
				first = err
			}
			continue
		}
		out = append(out, ConfigFile{Name: f.name, From: f.path, Data: b})
	}
	return out, first
}

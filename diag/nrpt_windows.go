//go:build windows

package diag

import "golang.org/x/sys/windows/registry"

// Where the NRPT rules are: group policy's (which, when present, replace
// the local ones for the DNS client) and the local table that
// Add-DnsClientNrptRule and VPN clients write.
var nrptKeys = []struct{ store, path string }{
	{"group policy", `SOFTWARE\Policies\Microsoft\Windows NT\DNSClient\DnsPolicyConfig`},
	{"local", `SYSTEM\CurrentControlSet\Services\Dnscache\Parameters\DnsPolicyConfig`},
}

// SystemNRPT reads the NRPT rules that name resolvers. A machine without
// any (most, and Wine) has none: nil, no error.
func SystemNRPT() ([]NRPTRule, error) {
	for _, k := range nrptKeys {
		rules := readNRPT(k.store, k.path)
		if len(rules) > 0 {
			return rules, nil // group policy's rules, when any, are the ones in effect
		}
	}
	return nil, nil
}

func readNRPT(store, path string) []NRPTRule {
	root, err := registry.OpenKey(registry.LOCAL_MACHINE, path, registry.ENUMERATE_SUB_KEYS)
	if err != nil {
		return nil
	}
	defer root.Close()
	names, _ := root.ReadSubKeyNames(-1)
	var out []NRPTRule
	for _, n := range names {
		k, err := registry.OpenKey(root, n, registry.QUERY_VALUE)
		if err != nil {
			continue
		}
		ns, _, _ := k.GetStringsValue("Name")
		generic, _, _ := k.GetStringValue("GenericDNSServers")
		da, _, _ := k.GetStringValue("DirectAccessDNSServers")
		k.Close()
		servers := parseNRPTServers(generic)
		if len(servers) == 0 {
			servers = parseNRPTServers(da)
		}
		if len(ns) > 0 && len(servers) > 0 {
			out = append(out, NRPTRule{Namespaces: ns, Servers: servers, Store: store})
		}
	}
	return out
}

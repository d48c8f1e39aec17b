package diag

import (
	"strings"
)

// The Name Resolution Policy Table (NRPT) is how Windows sends names under
// some namespaces to other resolvers than the adapters': DirectAccess,
// Always On VPN and security clients (Tailscale, Zscaler) write rules, by
// group policy under SOFTWARE\Policies\Microsoft\Windows NT\DNSClient\
// DnsPolicyConfig or locally under SYSTEM\CurrentControlSet\Services\
// Dnscache\Parameters\DnsPolicyConfig, one subkey per rule: "Name" (a
// REG_MULTI_SZ of namespaces: ".corp.example" for a suffix, a full name
// for one host, "." for every name), "GenericDNSServers" (the resolvers,
// separated by semicolons), "DirectAccessDNSServers", and "ConfigOptions"
// (0x8: the rule names DNS servers). A name under a rule's namespace is
// resolved by that rule's servers only, so those are the resolvers that
// explain its answer.

// NRPTRule is one NRPT rule: its namespaces and the resolvers it names.
type NRPTRule struct {
	Namespaces []string
	Servers    []string
	Store      string // group policy, local
}

// NRPTMatch is the rule a name falls under, as evidence.
type NRPTMatch struct {
	Namespace string   `json:"namespace"`
	Servers   []string `json:"servers"`
	Store     string   `json:"store"`
}

// parseNRPTServers splits a GenericDNSServers or DirectAccessDNSServers
// value ("10.0.0.1; 10.0.0.2", as Add-DnsClientNrptRule and VPN clients
// write it) into addresses, dropping what is not one.
func parseNRPTServers(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == ' ' }) {
		if _, err := parseDNSServer(f); err == nil && !contains(out, f) && !strings.Contains(f, "://") {
			out = append(out, f)
		}
	}
	return out
}

// nrptFor returns the rule host falls under, the most specific namespace
// winning (Windows picks the longest match), or nil.
func nrptFor(rules []NRPTRule, host string) *NRPTMatch {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	var best *NRPTMatch
	for _, r := range rules {
		for _, ns := range r.Namespaces {
			n := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(ns), "."))
			ok := false
			switch {
			case ns == ".":
				ok, n = true, ""
			case strings.HasPrefix(n, "."):
				ok = strings.HasSuffix(h, n) || h == n[1:]
			case n != "":
				ok = h == n
			}
			if ok && (best == nil || len(n) > len(strings.TrimSuffix(best.Namespace, "."))) {
				disp := ns
				if ns != "." {
					disp = n
				}
				best = &NRPTMatch{Namespace: disp, Servers: append([]string{}, r.Servers...), Store: r.Store}
			}
		}
	}
	return best
}

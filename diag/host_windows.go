//go:build windows

package diag

import (
	"context"
	"sync"

	"golang.org/x/sys/windows/registry"
)

// Where Windows keeps the firewall policy: the local store (what the
// Windows Defender Firewall console and netsh write) and the group-policy
// store (GPO, and Intune's firewall CSP), whose profile settings win.
const (
	fwLocalKey  = `SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy`
	fwPolicyKey = `SOFTWARE\Policies\Microsoft\WindowsFirewall`
)

// hostChecks reads the firewall policy once per run (it is the machine's,
// not a target's); every target gets the same check.
func hostChecks() func(context.Context) []Check {
	once := sync.OnceValue(func() Check { return readFirewallCheck() })
	return func(context.Context) []Check { return []Check{once()} }
}

// readFirewallCheck reads both stores. A machine (or Wine) without the
// local store has no policy to read: the check says it was not checked,
// and why, instead of failing.
func readFirewallCheck() Check {
	var stores []fwStore
	if s, err := readFWStore("group policy", fwPolicyKey, map[string]string{
		"Domain": "DomainProfile", "Private": "PrivateProfile", "Public": "PublicProfile"}); err == nil {
		stores = append(stores, s)
	}
	local, err := readFWStore("local", fwLocalKey, map[string]string{
		"Domain": "DomainProfile", "Private": "StandardProfile", "Public": "PublicProfile"})
	if err != nil {
		return SkipCheck(CheckHostFirewall, "Windows Firewall's policy was not checked: HKLM\\"+fwLocalKey+" cannot be read ("+err.Error()+")")
	}
	stores = append(stores, local)
	return firewallCheck(firewallOutbound(stores))
}

// readFWStore reads one store's profiles and rules. A profile key without
// the values leaves that profile to the next store.
func readFWStore(name, path string, profileKeys map[string]string) (fwStore, error) {
	root, err := registry.OpenKey(registry.LOCAL_MACHINE, path, registry.READ)
	if err != nil {
		return fwStore{}, err
	}
	defer root.Close()
	s := fwStore{Name: name, Rules: map[string]string{}}
	for _, prof := range fwProfileNames {
		k, err := registry.OpenKey(root, profileKeys[prof], registry.QUERY_VALUE)
		if err != nil {
			continue
		}
		enabled, _, errE := k.GetIntegerValue("EnableFirewall")
		out, _, errO := k.GetIntegerValue("DefaultOutboundAction")
		k.Close()
		if errE != nil && errO != nil {
			continue
		}
		// Windows' defaults where a value is absent: the firewall on,
		// outbound allowed.
		if errE != nil {
			enabled = 1
		}
		s.Profiles = append(s.Profiles, fwProfile{Name: prof, Enabled: enabled != 0, BlockOutbound: errO == nil && out == 1})
	}
	rk, err := registry.OpenKey(root, "FirewallRules", registry.QUERY_VALUE)
	if err != nil {
		return s, nil // no rules (or unreadable ones): the profiles still say something
	}
	defer rk.Close()
	names, _ := rk.ReadValueNames(-1)
	for _, n := range names {
		if v, _, err := rk.GetStringValue(n); err == nil {
			s.Rules[n] = v
		}
	}
	return s, nil
}

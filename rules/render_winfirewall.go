package rules

import (
	"crypto/sha1"
	"fmt"
	"strconv"
	"strings"
)

// renderWindows writes PowerShell for Windows Defender Firewall: outbound
// allow rules by remote address (from --resolve or address literals) and,
// for names, the FQDN form through dynamic keywords with AutoResolve.
func renderWindows(p *printer, s *Set) {
	p.header(s, "#", "Windows Defender Firewall rules (PowerShell, outbound)")
	p.comment("#", `Run in an elevated PowerShell. Windows allows outbound traffic unless a policy
(GPO/Intune) blocks it; these rules matter where it does. One rule holds IPv4
and IPv6 addresses alike. Running the script again first removes what the last
run created (the rules of group "okviz-check" and the dynamic keyword
addresses below, whose fixed IDs are derived from the host names).`)
	names := nameRules(s)
	p.l("# Remove everything this script creates (also the way to undo it):")
	p.l("Remove-NetFirewallRule -Group \"okviz-check\" -ErrorAction SilentlyContinue")
	if len(names) > 0 {
		// The cmdlet exists from Windows 10 21H2 on; older systems skip it.
		p.l("if (Get-Command Remove-NetFirewallDynamicKeywordAddress -ErrorAction SilentlyContinue) {")
		for _, h := range uniq(hostsOf(names)) {
			p.l("  Remove-NetFirewallDynamicKeywordAddress -Id '%s' -ErrorAction SilentlyContinue", stableGUID("okviz-check "+h))
		}
		p.l("}")
	}
	p.blank()
	var unresolved []Rule
	for _, r := range s.Rules {
		if len(r.Addrs()) == 0 {
			unresolved = append(unresolved, r)
			p.l("# %s: no address rule without --resolve; the FQDN form follows.", r.Host)
			continue
		}
		p.l("New-NetFirewallRule -DisplayName %s -Group \"okviz-check\" -Direction Outbound -Action Allow `", winName(r, ""))
		p.l("  -Protocol TCP -RemotePort %d -RemoteAddress %s -Profile Any -Description %q",
			r.Port, join(r.Addrs(), ","), r.Comment)
	}
	if len(names) == 0 {
		return
	}
	p.blank()
	p.comment("#", `FQDN rules through dynamic keywords (Windows 10/11, Server 2022). AutoResolve
needs Microsoft Defender for Endpoint network protection (block or audit mode):
it learns addresses from the DNS answers it sees, so the first connection can be
blocked until the rule updates, DNS over HTTPS must be off, and the addresses
are forgotten at reboot.`)
	mark := ""
	if len(unresolved) == 0 {
		mark = "# "
		p.l("# The address rules above are active; to use the FQDN form instead, remove the")
		p.l("# leading \"# \" from these lines:")
	}
	// One dynamic keyword address per host, shared by its rules; its ID is
	// fixed, so the removal lines above find it.
	kw := map[string]bool{}
	for _, r := range names {
		id := stableGUID("okviz-check " + r.Host)
		if !kw[r.Host] {
			kw[r.Host] = true
			p.l("%sNew-NetFirewallDynamicKeywordAddress -Id '%s' -Keyword %q -AutoResolve $true", mark, id, r.Host)
		}
		p.l("%sNew-NetFirewallRule -DisplayName %s -Group \"okviz-check\" -Direction Outbound -Action Allow `", mark, winName(r, " (FQDN)"))
		p.l("%s  -Protocol TCP -RemotePort %d -RemoteDynamicKeywordAddresses '%s' -Profile Any -Description %q", mark, r.Port, id, r.Comment)
	}
}

// nameRules keeps the rules whose host is a name, not an address literal.
func nameRules(s *Set) []Rule {
	var out []Rule
	for _, r := range s.Rules {
		if !r.IsIP() {
			out = append(out, r)
		}
	}
	return out
}

// stableGUID derives a braced GUID from s (SHA-1, laid out as an RFC 4122
// version 5 UUID), so a script can remove tomorrow what it created today.
func stableGUID(s string) string {
	h := sha1.Sum([]byte(s))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("{%x-%x-%x-%x-%x}", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func winName(r Rule, suffix string) string {
	return `"okviz-check: ` + r.Host + ` tcp/` + strconv.Itoa(r.Port) + suffix + `"`
}

// psList formats strings as a PowerShell array literal of single-quoted items.
func psList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "'" + s + "'"
	}
	return "@(" + strings.Join(q, ", ") + ")"
}

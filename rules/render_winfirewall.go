package rules

import (
	"strconv"
	"strings"
)

// renderWindows writes PowerShell for Windows Defender Firewall: outbound
// allow rules by remote address (from --resolve or address literals) and,
// for names, the FQDN form through dynamic keywords with AutoResolve.
func renderWindows(p *printer, s *Set) {
	p.header(s, "#", "Windows Defender Firewall rules (PowerShell, outbound)")
	p.comment("#", `Run in an elevated PowerShell. Windows allows outbound traffic unless a policy
(GPO/Intune) blocks it; these rules matter where it does. Remove them with:
  Remove-NetFirewallRule -Group "okviz-check"
One rule holds IPv4 and IPv6 addresses alike.`)
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
	var names []Rule
	for _, r := range s.Rules {
		if !r.IsIP() {
			names = append(names, r)
		}
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
	// One dynamic keyword address per host, shared by its rules.
	kw := map[string]string{}
	for _, r := range names {
		v, ok := kw[r.Host]
		if !ok {
			v = "$kw" + strconv.Itoa(len(kw)+1)
			kw[r.Host] = v
			p.l("%s%s = '{' + [guid]::NewGuid().ToString() + '}'", mark, v)
			p.l("%sNew-NetFirewallDynamicKeywordAddress -Id %s -Keyword %q -AutoResolve $true", mark, v, r.Host)
		}
		p.l("%sNew-NetFirewallRule -DisplayName %s -Group \"okviz-check\" -Direction Outbound -Action Allow `", mark, winName(r, " (FQDN)"))
		p.l("%s  -Protocol TCP -RemotePort %d -RemoteDynamicKeywordAddresses %s -Profile Any -Description %q", mark, r.Port, v, r.Comment)
	}
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

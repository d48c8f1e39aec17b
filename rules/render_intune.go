package rules

import "strings"

// renderIntuneProxyBypass writes the fleet form of the proxy bypass: the
// Group Policy (Internet Settings preference) and Intune (settings catalog)
// steps for WinINet, and a script for WinHTTP that Intune or a GPO startup
// script runs as SYSTEM. Both carry the same list, so browsers and services
// agree on what goes direct.
func renderIntuneProxyBypass(p *printer, s *Set) {
	hosts := uniq(hostsOf(s.Rules))
	list := strings.Join(hosts, ";")
	p.header(s, "#", "proxy bypass for a Windows fleet (Group Policy / Intune; WinINet and WinHTTP)")
	p.comment("#", `Bypassing the proxy means connecting DIRECT: the firewall must allow these
hosts. Put them in the SAME list for WinINet (browsers, Office, Power BI) and
WinHTTP (services): a host in only one of them works for half the programs.
Keep your existing entries (and <local>) in front: these steps replace lists.

A. WinINet, Group Policy: User Configuration > Preferences > Control Panel
   Settings > Internet Settings > New > Internet Explorer 10 > Connections >
   LAN settings > Advanced > Exceptions. This writes the per-connection blob
   (DefaultConnectionSettings) that WinINet reads, not just ProxyOverride.
   Intune: Settings catalog > Administrative Templates > Windows Components >
   Internet Explorer > "Make proxy settings per-machine" if you use machine
   settings, and the Edge policy ProxySettings / ProxyBypassList (Microsoft
   Edge > Proxy server) for Edge; the same list goes in both.
   The list (';'-separated):
     <your entries>;`+list+`

B. WinHTTP, as SYSTEM: Intune (Devices > Scripts and remediations > Platform
   scripts, run as system) or a GPO computer startup script, with PowerShell:`)
	p.l("$add = %s", psList(hosts))
	p.l("$cur = netsh winhttp show proxy | Out-String")
	p.l("if ($cur -match 'Direct access') { Write-Output 'WinHTTP goes direct: nothing to bypass'; exit 0 }")
	p.l("$server = if ($cur -match 'Proxy Server\\(s\\)\\s*:\\s*(\\S+)') { $Matches[1] } else { throw 'no WinHTTP proxy server found' }")
	p.l("$old = if ($cur -match 'Bypass List\\s*:\\s*(\\S+)') { $Matches[1] -split ';' } else { @() }")
	p.l("$list = @(@($old | Where-Object { $_ -and $_ -ne '(none)' }) + $add | Select-Object -Unique)")
	p.l("netsh winhttp set proxy proxy-server=\"$server\" bypass-list=\"$($list -join ';')\"")
	p.blank()
	p.comment("#", `netsh prints English labels only on English systems: on others, read the
current values with "netsh winhttp show proxy" and run the last line by hand.
Or copy the WinINet settings of the signed-in user once A is in place:
  netsh winhttp import proxy source=ie`)
}

package rules

import "strings"

// renderProxyBypass writes PowerShell that adds the hosts to the proxy
// bypass lists: WinINet's ProxyOverride (per user), WinHTTP's bypass list
// (services), and NO_PROXY (curl, Go, Python and most CLI tools), each
// merged with what is already there.
func renderProxyBypass(p *printer, s *Set) {
	p.header(s, "#", "proxy bypass entries (Windows ProxyOverride, WinHTTP, NO_PROXY)")
	p.comment("#", `Bypassing the proxy means connecting DIRECT: the firewall must allow these
hosts ('okviz-check rules --list'). Where a GPO or Intune manages the proxy
settings, put the entries in that policy instead: it overwrites local changes.`)
	hosts := hostsOf(s.Rules)
	p.l("$add = %s", psList(hosts))
	p.blank()
	p.l("# 1. WinINet (this user: Edge, Office, Power BI Desktop): ProxyOverride, ';'-separated.")
	p.l(`$key = 'HKCU:\Software\Microsoft\Windows\CurrentVersion\Internet Settings'`)
	p.l("$old = (Get-ItemProperty -Path $key -Name ProxyOverride -ErrorAction SilentlyContinue).ProxyOverride")
	p.l("$list = @(@($old -split ';' | Where-Object { $_ }) + $add | Select-Object -Unique)")
	p.l("Set-ItemProperty -Path $key -Name ProxyOverride -Value ($list -join ';')")
	p.blank()
	p.comment("#", `2. WinHTTP (services and system context; elevated): show the current setting,
   then set it again with the bypass list extended, keeping the proxy server:
     netsh winhttp show proxy
     netsh winhttp set proxy proxy-server="<current proxy>" bypass-list="<current list>;`+strings.Join(hosts, ";")+`"`)
	p.blank()
	p.l("# 3. NO_PROXY (comma-separated) for this user's command-line tools:")
	p.l("$np = @(@([Environment]::GetEnvironmentVariable('NO_PROXY', 'User') -split ',' | Where-Object { $_ }) + $add | Select-Object -Unique)")
	p.l("[Environment]::SetEnvironmentVariable('NO_PROXY', ($np -join ','), 'User')")
	p.l("# POSIX shells: export NO_PROXY=\"${NO_PROXY:+$NO_PROXY,}%s\"", strings.Join(hosts, ","))
}

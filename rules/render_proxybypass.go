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
	p.comment("#", `1. WinINet (this user: Edge, Office, Power BI Desktop). Its bypass list lives
   in the DefaultConnectionSettings blob, which wins over the ProxyOverride value:
   editing the value alone changes nothing. The WinINet API below writes both,
   keeps the proxy server and the rest of the list, and tells running programs
   that the settings changed.`)
	p.l("Add-Type -Namespace OkvizCheck -Name WinInet -MemberDefinition @'")
	for _, l := range strings.Split(winINetCS, "\n") {
		p.l("%s", l)
	}
	p.l("'@")
	p.l("$old = [OkvizCheck.WinInet]::GetBypass()")
	p.l("$list = @(@($old -split ';' | ForEach-Object { $_.Trim() } | Where-Object { $_ }) + $add | Select-Object -Unique)")
	p.l("[OkvizCheck.WinInet]::SetBypass($list -join ';')")
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

// winINetCS reads and writes the LAN connection's proxy bypass list through
// InternetQueryOption/InternetSetOption (INTERNET_OPTION_PER_CONNECTION_OPTION
// with INTERNET_PER_CONN_PROXY_BYPASS), then sends SETTINGS_CHANGED and
// REFRESH, as the WinINet documentation asks of programs that change them.
const winINetCS = `[StructLayout(LayoutKind.Sequential)]
public struct Option { public int Id; public IntPtr Value; }
[StructLayout(LayoutKind.Sequential)]
public struct OptionList { public int Size; public IntPtr Connection; public int Count; public int Error; public IntPtr Options; }
[DllImport("wininet.dll", CharSet = CharSet.Unicode, SetLastError = true)]
static extern bool InternetQueryOption(IntPtr h, int option, ref OptionList list, ref int size);
[DllImport("wininet.dll", CharSet = CharSet.Unicode, SetLastError = true)]
static extern bool InternetSetOption(IntPtr h, int option, ref OptionList list, int size);
[DllImport("wininet.dll", CharSet = CharSet.Unicode, SetLastError = true)]
static extern bool InternetSetOption(IntPtr h, int option, IntPtr buffer, int size);
[DllImport("kernel32.dll")]
static extern IntPtr GlobalFree(IntPtr mem);
const int PerConnectionOption = 75, ProxyBypass = 3, SettingsChanged = 39, Refresh = 37;
static OptionList ListOf(IntPtr options) {
  var l = new OptionList(); l.Size = Marshal.SizeOf(typeof(OptionList)); l.Count = 1; l.Options = options; return l;
}
public static string GetBypass() {
  var o = new Option(); o.Id = ProxyBypass;
  IntPtr buf = Marshal.AllocCoTaskMem(Marshal.SizeOf(typeof(Option)));
  try {
    Marshal.StructureToPtr(o, buf, false);
    var l = ListOf(buf); int size = l.Size;
    if (!InternetQueryOption(IntPtr.Zero, PerConnectionOption, ref l, ref size)) throw new System.ComponentModel.Win32Exception();
    o = (Option)Marshal.PtrToStructure(buf, typeof(Option));
    if (o.Value == IntPtr.Zero) return "";
    string s = Marshal.PtrToStringUni(o.Value); GlobalFree(o.Value); return s;
  } finally { Marshal.FreeCoTaskMem(buf); }
}
public static void SetBypass(string bypass) {
  var o = new Option(); o.Id = ProxyBypass; o.Value = Marshal.StringToHGlobalUni(bypass);
  IntPtr buf = Marshal.AllocCoTaskMem(Marshal.SizeOf(typeof(Option)));
  try {
    Marshal.StructureToPtr(o, buf, false);
    var l = ListOf(buf);
    if (!InternetSetOption(IntPtr.Zero, PerConnectionOption, ref l, l.Size)) throw new System.ComponentModel.Win32Exception();
    InternetSetOption(IntPtr.Zero, SettingsChanged, IntPtr.Zero, 0);
    InternetSetOption(IntPtr.Zero, Refresh, IntPtr.Zero, 0);
  } finally { Marshal.FreeCoTaskMem(buf); Marshal.FreeHGlobal(o.Value); }
}`

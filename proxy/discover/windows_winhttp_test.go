package discover

import (
	"context"
	"strings"
	"testing"
)

// Real captures, each cited where it is used.
const (
	// `netsh winhttp show proxy` and `netsh winhttp show advproxy` on a
	// Windows Server 2022 Core VM, as published in "Clearing Windows proxy
	// from PowerShell" (Revo Place, 2022-11-14,
	// https://www.revo.place/2022/11/clearing-windows-proxy-from-powershell.html):
	// the legacy WinHTTP proxy says direct while the advanced setting
	// holds a proxy, the two stores netsh keeps apart.
	revoShowProxy = "Current WinHTTP proxy settings:\r\n\r\n    Direct access (no proxy server).\r\n"
	revoAdvProxy  = "{\r\n        \"Proxy\":        \"localhost:8080\",\r\n        \"ProxyBypass\":  \"*\"\r\n}\r\n"
	// The same VM after `netsh winhttp set advproxy setting-scope=machine
	// settings-file=proxy.json` with empty settings (same post).
	revoAdvProxyCleared = "\r\nCurrent WinHTTP advanced proxy settings:\r\n\r\n{\r\n}\r\n"

	// `netsh winhttp set proxy testProxy:8999`, which prints the new
	// setting as show proxy does, from rapid7/go-get-proxied's README.md
	// (commit e6938524417b619b4d0eb52842283bcd51eb0e08).
	rapid7SetProxy = "\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Proxy Server(s) :  testProxy:8999\r\n    Bypass List     :  (none)\r\n"

	// Microsoft's example output of `netsh winhttp set advproxy
	// setting-scope=user settings=…` with per-scheme proxies, from the
	// "Netsh.exe commands" page (netsh winhttp context, ms.date
	// 12/11/2023,
	// https://learn.microsoft.com/windows-server/networking/technologies/netsh/netsh-winhttp).
	msAdvProxy = `{
  "ProxyIsEnabled": true,
  "Proxy": "http=http-proxy.com:8080;https=https-proxy.com:8081;ftp=ftp-proxy.com:8082;socks=socks-proxy.com:8083",
  "AutoConfigIsEnabled": false,
  "AutoDetect": true,
  "PerUserProxySettings": true
}`
)

// catoDefaultWinHTTP is the WinHttpSettings value Windows puts in place by
// default, as Cato Networks' knowledge base quotes it from a registry
// export ("No Internet Error on Windows - NCSI Troubleshooting",
// knowledge.catonetworks.com/no-internet-error-on-windows-ncsi-troubleshooting,
// 2026-06-22): version 0x18, flags 0x01, empty proxy and bypass strings.
const catoDefaultWinHTTP = `Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections]
"WinHttpSettings"=hex:18,00,00,00,00,00,00,00,01,00,00,00,00,00,00,00,00,00,00,00
`

func TestParseNetshShowProxy(t *testing.T) {
	for _, tt := range []struct {
		name string
		out  string
		want WinHTTPProxy
	}{
		{"revo.place direct", revoShowProxy, WinHTTPProxy{AccessType: WinHTTPNoProxy}},
		{"rapid7 named", rapid7SetProxy, WinHTTPProxy{AccessType: WinHTTPNamedProxy, Proxy: "testProxy:8999"}},
	} {
		got, err := ParseNetshShowProxy([]byte(tt.out))
		if err != nil || got != tt.want {
			t.Errorf("%s: %+v, %v; want %+v", tt.name, got, err, tt.want)
		}
	}
	// Localised or unrelated output is an error, never a guess.
	for _, out := range []string{"", "Aktuelle WinHTTP-Proxyeinstellungen:\r\n\r\n    Direkter Zugriff (kein Proxyserver).\r\n", revoAdvProxy} {
		if got, err := ParseNetshShowProxy([]byte(out)); err == nil {
			t.Errorf("%q: %+v, no error", out, got)
		}
	}
}

// The default WinHttpSettings blob reads as netsh prints the default
// setting: WINHTTP_ACCESS_TYPE_NO_PROXY, "Direct access".
func TestWinHTTPAccessCaptured(t *testing.T) {
	reg, err := ParseRegFile([]byte(catoDefaultWinHTTP))
	if err != nil {
		t.Fatal(err)
	}
	v, err := reg.Value("HKLM", connectionsKey, "WinHttpSettings")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := DecodeConnectionSettings(v.Bin)
	if err != nil {
		t.Fatal(err)
	}
	netsh, _ := ParseNetshShowProxy([]byte(revoShowProxy))
	if got := WinHTTPAccess(cs); got != netsh {
		t.Errorf("blob reads as %+v, netsh printed %+v", got, netsh)
	}
	s := findSource(t, Discover(context.Background(), (&fakeMachine{goos: "windows", reg: reg}).system(), Given{}), "windows-winhttp")
	if !s.Found || s.Mode != "direct" || !hasNote(s.Notes, "WINHTTP_ACCESS_TYPE_NO_PROXY, as netsh winhttp show proxy prints it: Direct access (no proxy server)") {
		t.Errorf("windows-winhttp: %+v", s)
	}
	// A named proxy with flags that also ask for PAC and auto-detect:
	// WinHTTP's default configuration has neither, only the proxy.
	named := ConnectionSettings{Version: 0x28, Flags: ConnFlagDirect | ConnFlagProxy | ConnFlagAutoDetect | ConnFlagAutoConfig, ProxyServer: "testProxy:8999", AutoConfigURL: "http://pac/x.pac"}
	rapid7, _ := ParseNetshShowProxy([]byte(rapid7SetProxy))
	if got := WinHTTPAccess(named); got != rapid7 {
		t.Errorf("named blob reads as %+v, netsh printed %+v", got, rapid7)
	}
	// "Use a proxy" without a proxy string is no proxy.
	if got := WinHTTPAccess(ConnectionSettings{Flags: ConnFlagProxy}); got.AccessType != WinHTTPNoProxy {
		t.Errorf("flag without a proxy: %+v", got)
	}
}

func TestParseNetshAdvProxy(t *testing.T) {
	a, err := ParseNetshAdvProxy([]byte(msAdvProxy))
	if err != nil || a.ProxyIsEnabled == nil || !*a.ProxyIsEnabled || !a.AutoDetect || a.AutoConfigIsEnabled == nil || *a.AutoConfigIsEnabled ||
		a.PerUserProxySettings == nil || !*a.PerUserProxySettings || !strings.HasPrefix(a.Proxy, "http=http-proxy.com:8080;https=") {
		t.Errorf("Microsoft's example: %+v, %v", a, err)
	}
	st, _ := a.settings()
	if !st.AutoDetect || st.PACURL != "" || strings.Join(st.Rules.HTTPS, ",") != "http://https-proxy.com:8081" {
		t.Errorf("Microsoft's example as settings: %+v", st)
	}
	a, err = ParseNetshAdvProxy([]byte(revoAdvProxy))
	if err != nil || a.Proxy != "localhost:8080" || a.ProxyBypass != "*" || a.ProxyIsEnabled != nil || a.Empty() {
		t.Errorf("revo.place: %+v, %v", a, err)
	}
	a, err = ParseNetshAdvProxy([]byte(revoAdvProxyCleared))
	if err != nil || !a.Empty() {
		t.Errorf("cleared: %+v, %v", a, err)
	}
	for _, out := range []string{"", "The following command was not found: winhttp show advproxy.", "{\"Proxy\": 5}", "} {"} {
		if _, err := ParseNetshAdvProxy([]byte(out)); err == nil {
			t.Errorf("%q: no error", out)
		}
	}
}

func TestReadWinHTTPAdvanced(t *testing.T) {
	read := func(out string, err error) Source {
		sys := (&fakeMachine{goos: "windows", reg: RegistryMap{}}).system()
		sys.WinHTTPAdvanced = func(context.Context) ([]byte, error) { return []byte(out), err }
		return findSource(t, Discover(context.Background(), sys, Given{}), "windows-winhttp-advproxy")
	}
	s := read(revoAdvProxy, nil)
	if !s.Found || s.Mode != "manual" || s.Proxies["all"][0] != "http://localhost:8080" || strings.Join(s.Bypass, ";") != "*" {
		t.Errorf("revo.place: %+v", s)
	}
	s = read(msAdvProxy, nil)
	if !s.Found || s.Mode != "auto-detect" || !hasNote(s.Notes, "PerUserProxySettings") {
		t.Errorf("Microsoft's example: %+v", s)
	}
	if s = read(revoAdvProxyCleared, nil); s.Found || !hasNote(s.Notes, "no advanced WinHTTP proxy is set") {
		t.Errorf("cleared: %+v", s)
	}
	if s = read("", errNoAccess); s.Found || s.Err != "" {
		t.Errorf("unavailable: %+v", s)
	}
	if s = read("nonsense", nil); s.Found || s.Err == "" {
		t.Errorf("unreadable: %+v", s)
	}
}

// netsh output from anywhere never panics the parsers, and what parses
// maps onto settings without a panic either.
func FuzzParseNetsh(f *testing.F) {
	for _, s := range []string{revoShowProxy, revoAdvProxy, revoAdvProxyCleared, rapid7SetProxy, msAdvProxy} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if w, err := ParseNetshShowProxy(b); err == nil {
			_ = w.String()
		}
		if a, err := ParseNetshAdvProxy(b); err == nil {
			a.settings()
			_ = a.Empty()
		}
	})
}

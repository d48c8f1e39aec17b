//go:build windows

package discover

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// winHTTPIEProxyConfig is WINHTTP_CURRENT_USER_IE_PROXY_CONFIG.
type winHTTPIEProxyConfig struct {
	AutoDetect    int32 // BOOL
	AutoConfigURL *uint16
	Proxy         *uint16
	ProxyBypass   *uint16
}

// osLiveIE asks WinHTTP for the current user's proxy configuration.
// Under Wine it reports the call unavailable: Wine's winhttp reads only the
// DefaultConnectionSettings blob and otherwise answers "auto-detect",
// while Wine's own WinINET reads the plain ProxyEnable/ProxyServer values,
// so its answer says nothing about what a browser would do.
func osLiveIE() func() (IEConfig, error) {
	return func() (IEConfig, error) {
		if v := wineVersion(); v != "" {
			return IEConfig{}, fmt.Errorf("under Wine %s WinHttpGetIEProxyConfigForCurrentUser does not read the settings as Windows does: %w", v, errNoAccess)
		}
		return ieProxyConfigForCurrentUser()
	}
}

// ieProxyConfigForCurrentUser calls WinHttpGetIEProxyConfigForCurrentUser
// and frees the strings it allocated (GlobalFree, as its documentation
// asks).
func ieProxyConfigForCurrentUser() (IEConfig, error) {
	proc := windows.NewLazySystemDLL("winhttp.dll").NewProc("WinHttpGetIEProxyConfigForCurrentUser")
	if err := proc.Find(); err != nil {
		return IEConfig{}, fmt.Errorf("winhttp.dll: %v: %w", err, errNoAccess)
	}
	globalFree := windows.NewLazySystemDLL("kernel32.dll").NewProc("GlobalFree")
	var c winHTTPIEProxyConfig
	r, _, callErr := proc.Call(uintptr(unsafe.Pointer(&c)))
	defer func() {
		for _, p := range []*uint16{c.AutoConfigURL, c.Proxy, c.ProxyBypass} {
			if p != nil {
				globalFree.Call(uintptr(unsafe.Pointer(p)))
			}
		}
	}()
	if r == 0 {
		return IEConfig{}, fmt.Errorf("WinHttpGetIEProxyConfigForCurrentUser: %w", callErr)
	}
	return IEConfig{
		AutoDetect:    c.AutoDetect != 0,
		AutoConfigURL: windows.UTF16PtrToString(c.AutoConfigURL),
		Proxy:         windows.UTF16PtrToString(c.Proxy),
		Bypass:        windows.UTF16PtrToString(c.ProxyBypass),
	}, nil
}

// wineVersion returns Wine's version when the process runs under Wine:
// Wine's ntdll.dll exports wine_get_version, Windows' does not.
func wineVersion() string {
	proc := windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version")
	if proc.Find() != nil {
		return ""
	}
	// const char *wine_get_version(void): a static NUL-terminated string.
	p, _, _ := proc.Call()
	if p == 0 {
		return "(version unknown)"
	}
	return windows.BytePtrToString(*(**byte)(unsafe.Pointer(&p)))
}

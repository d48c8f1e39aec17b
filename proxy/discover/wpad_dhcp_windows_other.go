//go:build windows && !(amd64 || arm64 || 386)

package discover

import "golang.org/x/sys/windows"

// callDhcpRequestParams is not wired for this architecture's calling
// convention; it reports ERROR_NOT_SUPPORTED.
func callDhcpRequestParams(*windows.LazyProc, uint32, *uint16, *dhcpcapiParamsArray, *dhcpcapiParamsArray, *byte, *uint32) uintptr {
	return uintptr(windows.ERROR_NOT_SUPPORTED)
}

//go:build windows && amd64

package discover

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// callDhcpRequestParams calls DhcpRequestParams. On x64 a 16-byte
// structure argument (DHCPCAPI_PARAMS_ARRAY) is passed as a pointer to a
// copy the caller owns.
func callDhcpRequestParams(proc *windows.LazyProc, flags uint32, adapter *uint16, send, recv *dhcpcapiParamsArray, buf *byte, size *uint32) uintptr {
	r, _, _ := proc.Call(uintptr(flags), 0, uintptr(unsafe.Pointer(adapter)), 0,
		uintptr(unsafe.Pointer(send)), uintptr(unsafe.Pointer(recv)),
		uintptr(unsafe.Pointer(buf)), uintptr(unsafe.Pointer(size)), 0)
	return r
}

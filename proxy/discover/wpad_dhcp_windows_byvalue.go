//go:build windows && (arm64 || 386)

package discover

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// callDhcpRequestParams calls DhcpRequestParams. On ARM64 a 16-byte
// structure argument (DHCPCAPI_PARAMS_ARRAY) travels in two registers, and
// on x86 as two stack words: either way, its two fields in order.
func callDhcpRequestParams(proc *windows.LazyProc, flags uint32, adapter *uint16, send, recv *dhcpcapiParamsArray, buf *byte, size *uint32) uintptr {
	r, _, _ := proc.Call(uintptr(flags), 0, uintptr(unsafe.Pointer(adapter)), 0,
		uintptr(send.NParams), uintptr(unsafe.Pointer(send.Params)),
		uintptr(recv.NParams), uintptr(unsafe.Pointer(recv.Params)),
		uintptr(unsafe.Pointer(buf)), uintptr(unsafe.Pointer(size)), 0)
	return r
}

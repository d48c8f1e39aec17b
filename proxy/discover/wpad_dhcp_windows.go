//go:build windows

package discover

import (
	"context"
	"fmt"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// DHCP client API (dhcpcsvc.dll) structures, as in dhcpcsdk.h.
type dhcpcapiParams struct {
	Flags      uint32
	OptionID   uint32
	IsVendor   int32
	Data       *byte
	NBytesData uint32
}

type dhcpcapiParamsArray struct {
	NParams uint32
	Params  *dhcpcapiParams
}

const (
	dhcpcapiRequestSynchronous = 0x02
	optionMSFTIEProxy          = 252 // OPTION_MSFT_IE_PROXY: the WPAD URL
	ipAdapterDHCPEnabled       = 0x04
	errorMoreData              = 234
)

// osDHCPWPAD asks the Windows DHCP client for option 252 on every DHCP
// adapter that is up, bounded as Chromium's DhcpPacFileFetcherWin is
// (askAdapters: 2 s per adapter, 12 at once, within ctx).
func osDHCPWPAD() func(ctx context.Context) ([]DHCPOffer, error) {
	return func(ctx context.Context) ([]DHCPOffer, error) {
		dll := windows.NewLazySystemDLL("dhcpcsvc.dll")
		initProc, request, cleanup := dll.NewProc("DhcpCApiInitialize"), dll.NewProc("DhcpRequestParams"), dll.NewProc("DhcpCApiCleanup")
		if err := dll.Load(); err != nil {
			return nil, fmt.Errorf("dhcpcsvc.dll: %w", err)
		}
		var version uint32
		if r, _, _ := initProc.Call(uintptr(unsafe.Pointer(&version))); r != 0 {
			return nil, fmt.Errorf("DhcpCApiInitialize: %w", syscall.Errno(r))
		}
		adapters, err := dhcpAdapters()
		if err != nil {
			cleanup.Call()
			return nil, err
		}
		offers, idle := askAdapters(ctx, adapters, func(a string) (string, error) {
			return dhcpRequestWPAD(request, a)
		}, DHCPAdapterTimeout, DHCPMaxParallel)
		// A request abandoned at its deadline is still inside
		// DhcpRequestParams: the API is released only after the last one
		// returned, whenever that is.
		go func() {
			<-idle
			cleanup.Call()
		}()
		return offers, nil
	}
}

// dhcpAdapters lists the adapter names (GUIDs) that are up, use DHCP and
// are not loopback.
func dhcpAdapters() ([]string, error) {
	size := uint32(15 << 10)
	for range 3 {
		buf := make([]byte, size)
		first := (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0]))
		err := windows.GetAdaptersAddresses(windows.AF_UNSPEC, windows.GAA_FLAG_SKIP_ANYCAST|windows.GAA_FLAG_SKIP_MULTICAST|windows.GAA_FLAG_SKIP_DNS_SERVER, 0, first, &size)
		if err == windows.ERROR_BUFFER_OVERFLOW {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("GetAdaptersAddresses: %w", err)
		}
		var names []string
		for a := first; a != nil; a = a.Next {
			if a.IfType == windows.IF_TYPE_SOFTWARE_LOOPBACK || a.OperStatus != windows.IfOperStatusUp || a.Flags&ipAdapterDHCPEnabled == 0 {
				continue
			}
			names = append(names, windows.BytePtrToString(a.AdapterName))
		}
		return names, nil
	}
	return nil, fmt.Errorf("GetAdaptersAddresses: buffer keeps growing")
}

// dhcpRequestWPAD asks one adapter for option 252 and returns the URL, or
// "" when the server sent none.
func dhcpRequestWPAD(proc *windows.LazyProc, adapter string) (string, error) {
	name, err := windows.UTF16PtrFromString(adapter)
	if err != nil {
		return "", err
	}
	size := uint32(4096)
	for range 3 {
		buf := make([]byte, size)
		params := &dhcpcapiParams{OptionID: optionMSFTIEProxy}
		send := &dhcpcapiParamsArray{}
		recv := &dhcpcapiParamsArray{NParams: 1, Params: params}
		r := callDhcpRequestParams(proc, dhcpcapiRequestSynchronous, name, send, recv, &buf[0], &size)
		switch r {
		case 0:
			n := int(params.NBytesData)
			if params.Data == nil || n == 0 {
				return "", nil
			}
			start := uintptr(unsafe.Pointer(&buf[0]))
			at := uintptr(unsafe.Pointer(params.Data))
			if at < start || at-start+uintptr(n) > uintptr(len(buf)) {
				return "", fmt.Errorf("DhcpRequestParams returned data outside its buffer")
			}
			off := int(at - start)
			return dhcpURL(buf[off : off+n]), nil
		case errorMoreData:
			continue // size now holds what is needed
		default:
			return "", syscall.Errno(r)
		}
	}
	return "", fmt.Errorf("DhcpRequestParams: buffer keeps growing")
}

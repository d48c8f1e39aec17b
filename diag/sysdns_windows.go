//go:build windows

package diag

import (
	"errors"
	"fmt"
	"strconv"
	"unsafe"

	"golang.org/x/sys/windows"
)

// SystemNameservers returns the DNS servers of the network adapters that
// are up, as GetAdaptersAddresses reports them: those with a default
// gateway first, then those without one (a split-tunnel VPN).
func SystemNameservers() ([]string, error) {
	adapters, err := windowsAdapters()
	if err != nil {
		return nil, fmt.Errorf("reading the network adapters' DNS servers: %w", err)
	}
	return windowsNameservers(adapters), nil
}

// SystemSearchDomains returns the connection-specific DNS suffixes of the
// adapters that are up: names under them are the local network's own.
func SystemSearchDomains() ([]string, error) {
	adapters, err := windowsAdapters()
	if err != nil {
		return nil, fmt.Errorf("reading the network adapters' DNS suffixes: %w", err)
	}
	return windowsSearchDomains(adapters), nil
}

// windowsAdapters copies what we need out of GetAdaptersAddresses.
func windowsAdapters() ([]winAdapter, error) {
	const flags = windows.GAA_FLAG_INCLUDE_GATEWAYS | windows.GAA_FLAG_SKIP_ANYCAST | windows.GAA_FLAG_SKIP_MULTICAST
	size := uint32(15000)
	var buf []byte
	for range 4 {
		buf = make([]byte, size)
		err := windows.GetAdaptersAddresses(windows.AF_UNSPEC, flags, 0, (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0])), &size)
		if err == nil {
			break
		}
		if !errors.Is(err, windows.ERROR_BUFFER_OVERFLOW) {
			return nil, err
		}
		buf = nil
	}
	if buf == nil {
		return nil, errors.New("GetAdaptersAddresses: the adapter list keeps growing")
	}
	var out []winAdapter
	for aa := (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0])); aa != nil; aa = aa.Next {
		ad := winAdapter{Name: windows.UTF16PtrToString(aa.FriendlyName), Up: aa.OperStatus == windows.IfOperStatusUp,
			Suffix: windows.UTF16PtrToString(aa.DnsSuffix)}
		for g := aa.FirstGatewayAddress; g != nil; g = g.Next {
			if s := sockaddrString(g.Address); s != "" {
				ad.Gateways = append(ad.Gateways, s)
			}
		}
		for d := aa.FirstDnsServerAddress; d != nil; d = d.Next {
			if s := sockaddrString(d.Address); s != "" {
				ad.DNS = append(ad.DNS, s)
			}
		}
		out = append(out, ad)
	}
	return out, nil
}

// sockaddrString formats an address, with the interface index as the zone
// of an IPv6 link-local address (without it, it cannot be dialled).
func sockaddrString(sa windows.SocketAddress) string {
	ip := sa.IP()
	if ip == nil {
		return ""
	}
	s := ip.String()
	if ip.To4() == nil && ip.IsLinkLocalUnicast() && sa.Sockaddr.Addr.Family == windows.AF_INET6 {
		if raw := (*windows.RawSockaddrInet6)(unsafe.Pointer(sa.Sockaddr)); raw.Scope_id != 0 {
			s += "%" + strconv.FormatUint(uint64(raw.Scope_id), 10)
		}
	}
	return s
}

package pac

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// pacIsPlainHostName is Chromium's isPlainHostName: no dot, and not an
// IPv6 literal ("::1" is not plain; "[::1]", "foopy::1" and "foo:112" are).
func pacIsPlainHostName(host string) bool {
	if strings.Contains(host, ".") {
		return false
	}
	if strings.Contains(host, ":") {
		if a, err := netip.ParseAddr(host); err == nil && a.Zone() == "" {
			return false
		}
	}
	return true
}

// pacIsValidIPv4 is the test the classic helpers apply before isInNet
// works on a string: four groups of one to three ASCII digits, each at
// most 255 (leading zeros allowed and read as decimal).
func pacIsValidIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if len(p) < 1 || len(p) > 3 {
			return false
		}
		n := 0
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
			n = n*10 + int(p[i]-'0')
		}
		if n > 255 {
			return false
		}
	}
	return true
}

// pacConvertAddr is convert_addr: the dotted quad as a signed 32-bit
// integer. Like the JavaScript original it never fails: a missing or
// non-numeric group counts as 0 and each group is taken modulo 256.
func pacConvertAddr(s string) int32 {
	parts := strings.Split(s, ".")
	var r uint32
	for i := 0; i < 4; i++ {
		var b uint32
		if i < len(parts) {
			b = uint32(pacToInt32(pacStringToNumber(parts[i]))) & 0xff
		}
		r |= b << (24 - 8*uint(i))
	}
	return int32(r)
}

// pacIsInNetAddr is isInNet for an address already known: pattern and mask
// must be dotted quads (else false), and the mask need not be contiguous.
func pacIsInNetAddr(ip, pattern, mask string) bool {
	if !pacIsValidIPv4(pattern) || !pacIsValidIPv4(mask) {
		return false
	}
	m := pacConvertAddr(mask)
	return pacConvertAddr(ip)&m == pacConvertAddr(pattern)&m
}

// pacIsInNetEx is Microsoft's isInNetEx(ip, "prefix/len") as Chromium does
// it: ip must be a literal (no DNS), IPv4 and IPv4-mapped IPv6 compare
// equal, and a prefix without "/len" or with too long a length is false.
func pacIsInNetEx(ipStr, prefix string) bool {
	ip, err := netip.ParseAddr(ipStr)
	if err != nil || ip.Zone() != "" {
		return false
	}
	addrStr, lenStr, ok := strings.Cut(prefix, "/")
	if !ok {
		return false
	}
	pfx, err := netip.ParseAddr(addrStr)
	if err != nil || pfx.Zone() != "" {
		return false
	}
	bits, err := strconv.Atoi(lenStr)
	if err != nil || lenStr == "" || lenStr[0] < '0' || lenStr[0] > '9' || bits > pfx.BitLen() {
		return false
	}
	if ip.Is4() != pfx.Is4() {
		if ip.Is4() {
			ip = netip.AddrFrom16(ip.As16())
		} else {
			pfx, bits = netip.AddrFrom16(pfx.As16()), bits+96
		}
	}
	p, err := pfx.Prefix(bits)
	return err == nil && p.Contains(ip)
}

// pacSortIPAddressList is Microsoft's sortIpAddressList as Chromium does
// it: a ';'-separated list of literals, blanks and empty elements ignored,
// sorted IPv6 first then numerically, stable, each address kept as
// written. Anything that is not an address (or an empty list) is false.
func pacSortIPAddressList(list string) (string, bool) {
	type item struct {
		addr netip.Addr
		text string
	}
	var items []item
	for _, f := range strings.Split(list, ";") {
		f = strings.TrimFunc(f, pacIsJSSpace)
		if f == "" {
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			return "", false
		}
		items = append(items, item{a, f})
	}
	if len(items) == 0 {
		return "", false
	}
	slices.SortStableFunc(items, func(x, y item) int {
		if x.addr.Is4() != y.addr.Is4() {
			if x.addr.Is4() {
				return 1
			}
			return -1
		}
		return x.addr.Compare(y.addr)
	})
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.text
	}
	return strings.Join(out, ";"), true
}

package lab

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"
)

// TestPlanStaysInsideTheLab checks, without root, that every address the
// lab configures, serves, resolves to or writes into a rule or PAC file is
// inside the ranges reserved for it, so no test traffic can leave.
func TestPlanStaysInsideTheLab(t *testing.T) {
	allowed := []netip.Prefix{netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("fd00:198:18::/64")}
	inside := func(a netip.Addr) bool {
		for _, p := range allowed {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	var texts []string
	texts = append(texts, dnsmasqArgs(GatewayAddr, true)...)
	texts = append(texts, dnsmasqArgs(DNS2Addr, false)...)
	texts = append(texts, squidConf("/lab", "/helper"))
	for _, role := range []string{"direct", "proxyonly", "blackhole"} {
		v4, v6 := clientRules(role)
		texts = append(texts, v4, v6)
	}
	v4, v6 := internetRules()
	texts = append(texts, v4, v6)
	for _, body := range pacFiles() {
		texts = append(texts, body)
	}
	for _, o := range origins() {
		texts = append(texts, o.addr, o.addr6, o.location, o.http80)
	}
	texts = append(texts, GatewayAddr, GatewayAddr6, DNS2Addr, MismatchAddr, ProxyAddr, AuthProxyAddr,
		DenyProxyAddr, DeadProxyAddr, PACAddr, directAddr, proxyOnlyAddr, blackholeAddr,
		directAddr6, proxyOnlyAddr6, blackholeAddr6, originNet, originNet6)

	// Anything that looks like an address: dotted quads and hex groups with colons.
	addrRE := regexp.MustCompile(`[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+|[0-9a-f]*:[0-9a-f:]*:[0-9a-f]*`)
	found := 0
	for _, s := range texts {
		for _, m := range addrRE.FindAllString(s, -1) {
			a, err := netip.ParseAddr(m)
			if err != nil {
				continue // a time of day, a port list
			}
			found++
			// 0.0.0.0 and :: are the sinkhole answers: never dialled as such.
			if !inside(a) && !a.IsUnspecified() {
				t.Errorf("address %s outside the lab's ranges in %q", a, s)
			}
		}
	}
	if found < 40 {
		t.Errorf("only %d addresses checked: the pattern no longer finds them", found)
	}
}

// TestPlanConsistent checks the origin table: unique addresses, origins
// off the client link, and every named host resolvable.
func TestPlanConsistent(t *testing.T) {
	seen := map[string]string{}
	origin4 := netip.MustParsePrefix(originNet)
	origin6 := netip.MustParsePrefix(originNet6)
	link6 := netip.MustParsePrefix(GatewayAddr6 + "/" + linkPrefix6)
	for _, o := range origins() {
		for _, a := range []string{o.addr, o.addr6} {
			if a == "" {
				continue
			}
			if prev, dup := seen[a]; dup {
				t.Errorf("%s used by %q and %q", a, prev, o.host)
			}
			seen[a] = o.host
			ip := netip.MustParseAddr(a)
			if !origin4.Contains(ip) && !origin6.Contains(ip) {
				t.Errorf("%s (%s) outside the origin ranges the proxy-only client blocks", a, o.host)
			}
			if link6.Contains(ip) {
				t.Errorf("%s (%s) is on the client link", a, o.host)
			}
		}
	}
	records := strings.Join(dnsmasqArgs(GatewayAddr, true), " ")
	for _, h := range []string{HostGood, HostExpired, HostWrongName, HostUntrusted, HostIntercepted, HostPlainHTTP,
		HostCaptive, HostPortal, HostSNIBlocked, HostServerError, HostDropped, HostRefused, HostProhibited,
		HostIPv6Broken, HostReset, HostStall, HostBlockPage, HostPQDrop, HostClockSkew, HostSinkhole} {
		if !strings.Contains(records, "/"+h+"/") && !strings.Contains(records, "="+h+",") {
			t.Errorf("no DNS record for %s", h)
		}
	}
	if strings.Contains(records, HostNXDomain) {
		t.Errorf("%s must not have a record", HostNXDomain)
	}
}

func TestNamePID(t *testing.T) {
	for name, want := range map[string]int{
		"okvz-123-0a1b2c-inet":   123,
		"okvz-9-ffffff-direct":   9,
		"okvz-123-0a1b2c":        0,
		"okvz-x-0a1b2c-inet":     0,
		"other-123-0a1b2c-inet":  0,
		"okvz-123-0a1b2c-inet/x": 0,
	} {
		if got := namePID(name); got != want {
			t.Errorf("namePID(%q) = %d, want %d", name, got, want)
		}
	}
}

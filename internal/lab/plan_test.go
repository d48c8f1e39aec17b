package lab

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/internal/certgen"
)

// TestPlanStaysInsideTheLab checks, without root, that every address the
// lab configures, serves, resolves to or writes into a rule or PAC file is
// inside the ranges reserved for it, so no test traffic can leave.
func TestPlanStaysInsideTheLab(t *testing.T) {
	// The private origins' ranges too: no route leaves the namespaces.
	allowed := []netip.Prefix{netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("fd00:198:18::/64"),
		netip.MustParsePrefix(privateNet), netip.MustParsePrefix(cgnatNet)}
	inside := func(a netip.Addr) bool {
		for _, p := range allowed {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	var texts []string
	for _, r := range resolvers() {
		texts = append(texts, r.listen)
		texts = append(texts, r.args...)
	}
	texts = append(texts, squidConf("/lab", "/helper", certgen.Files{Cert: "/c.pem", Key: "/k.pem"}))
	for _, c := range clients() {
		v4, v6 := clientRules(c.role)
		texts = append(texts, v4, v6, c.addr, c.addr6, c.resolver)
	}
	for _, f := range fakeServers() {
		texts = append(texts, f.Addr, f.Resolver, f.Location)
	}
	v4, v6 := internetRules()
	texts = append(texts, v4, v6)
	for _, body := range pacFiles() {
		texts = append(texts, body)
	}
	for _, o := range origins() {
		texts = append(texts, o.addr, o.addr6, o.location, o.http80)
	}
	texts = append(texts, infraAddrs()...)
	texts = append(texts, GatewayAddr, GatewayAddr6, MismatchAddr, originNet, originNet6, otherNet, privateNet, cgnatNet, InterceptedDoHURL)

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
	other4 := netip.MustParsePrefix(otherNet)
	origin6 := netip.MustParsePrefix(originNet6)
	private4, cgnat4 := netip.MustParsePrefix(privateNet), netip.MustParsePrefix(cgnatNet)
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
			if !origin4.Contains(ip) && !other4.Contains(ip) && !origin6.Contains(ip) && !private4.Contains(ip) && !cgnat4.Contains(ip) {
				t.Errorf("%s (%s) outside the origin ranges the proxy-only client blocks", a, o.host)
			}
			if link6.Contains(ip) {
				t.Errorf("%s (%s) is on the client link", a, o.host)
			}
		}
	}
	// The other addresses: unique, and the services the proxy-only
	// client must reach outside the origin range it cannot.
	for _, a := range infraAddrs() {
		h := hostOf(a)
		if prev, dup := seen[h]; dup {
			t.Errorf("%s used by %q and %s", h, prev, a)
		}
		seen[h] = a
		if origin4.Contains(netip.MustParseAddr(h)) {
			t.Errorf("%s is inside the origin range", a)
		}
	}
	for _, c := range clients() {
		for _, a := range []string{c.addr, c.addr6} {
			if prev, dup := seen[a]; dup {
				t.Errorf("%s used by %q and client %s", a, prev, c.role)
			}
			seen[a] = c.role
		}
		if namePID("okvz-1-abcdef-"+c.role) != 1 {
			t.Errorf("client role %q does not fit the namespace names removeStale recognises", c.role)
		}
		if !link6.Contains(netip.MustParseAddr(c.addr6)) {
			t.Errorf("client %s: %s is off the client link", c.role, c.addr6)
		}
	}
	records := strings.Join(resolvers()[0].args, " ")
	for _, h := range []string{HostGood, HostExpired, HostWrongName, HostUntrusted, HostIntercepted, HostPlainHTTP,
		HostCaptive, HostPortal, HostSNIBlocked, HostServerError, HostDropped, HostRefused, HostProhibited,
		HostIPv6Broken, HostReset, HostStall, HostBlockPage, HostPQDrop, HostClockSkew, HostSinkhole,
		HostNotYetValid, HostExpiring, HostSecureProxy, HostForbidden, HostSameSite, HostPrivate, HostSynthetic, HostPrivateBlock} {
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

package discover

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/proxy/internal/lists"
)

// multiLabelSuffixes are public suffixes of two labels under which
// organisations register names (a small built-in list: WPAD must never ask
// for wpad.co.uk). Single-label top-level domains are never tried anyway.
const multiLabelSuffixes = `
		co.uk org.uk me.uk ltd.uk plc.uk net.uk ac.uk gov.uk sch.uk nhs.uk police.uk
		com.au net.au org.au edu.au gov.au asn.au id.au
		co.nz net.nz org.nz ac.nz govt.nz geek.nz school.nz
		co.jp ne.jp or.jp ac.jp go.jp ad.jp ed.jp gr.jp lg.jp
		co.za org.za net.za gov.za ac.za web.za
		com.br net.br org.br gov.br edu.br
		com.cn net.cn org.cn gov.cn edu.cn ac.cn
		com.hk org.hk net.hk edu.hk gov.hk
		com.tw org.tw net.tw edu.tw gov.tw
		com.sg org.sg net.sg edu.sg gov.sg
		com.my org.my net.my edu.my gov.my
		co.in net.in org.in gen.in firm.in ind.in ac.in gov.in edu.in
		co.kr or.kr ne.kr ac.kr go.kr re.kr
		co.il org.il net.il ac.il gov.il
		co.id or.id ac.id go.id web.id
		co.th in.th ac.th go.th or.th
		com.mx org.mx net.mx gob.mx edu.mx
		com.ar org.ar net.ar gob.ar
		com.co org.co net.co gov.co
		com.pe org.pe gob.pe
		com.tr org.tr net.tr gov.tr edu.tr
		com.ua org.ua net.ua gov.ua
		com.pl net.pl org.pl
		co.at or.at ac.at gv.at
		com.es org.es nom.es gob.es
		com.pt org.pt gov.pt
		com.gr org.gr gov.gr
		com.ph org.ph net.ph gov.ph
		com.vn net.vn org.vn gov.vn
		com.pk org.pk net.pk gov.pk
		com.sa org.sa net.sa gov.sa
		com.eg org.eg gov.eg
		com.ng org.ng gov.ng
		co.ke or.ke ac.ke go.ke
		com.ru org.ru net.ru
		co.uk.com us.com eu.com
	`

// isPublicSuffix reports whether d (lower case, no trailing dot) is a
// top-level domain or one of the known multi-label public suffixes.
func isPublicSuffix(d string) bool {
	return !strings.Contains(d, ".") || slices.Contains(strings.Fields(multiLabelSuffixes), d)
}

// WPADShortURL is the only DNS WPAD name Chromium asks for: the OS
// resolver completes "wpad" with the DNS search list (and on Windows with
// the parent domains of the primary suffix).
const WPADShortURL = "http://wpad/wpad.dat"

// WPADCandidates lists the DNS WPAD URLs for a machine, in the order they
// are tried: WPADShortURL, then http://wpad.<domain>/wpad.dat for the
// domain of the host name and each search domain, walking up one label at
// a time as WinHTTP does, and stopping before a public suffix (never
// wpad.com, wpad.co.uk).
func WPADCandidates(hostname string, searchDomains []string) []string {
	out := []string{WPADShortURL}
	seen := map[string]bool{}
	var domains []string
	if h := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(hostname), ".")); strings.Contains(h, ".") {
		if _, err := netip.ParseAddr(h); err != nil {
			domains = append(domains, h[strings.Index(h, ".")+1:])
		}
	}
	domains = append(domains, searchDomains...)
	for _, d := range domains {
		d = strings.ToLower(strings.Trim(strings.TrimSpace(d), "."))
		if !validDomain(d) {
			continue
		}
		for !isPublicSuffix(d) {
			if !seen[d] {
				seen[d] = true
				out = append(out, "http://wpad."+d+"/wpad.dat")
			}
			d = d[strings.Index(d, ".")+1:]
		}
	}
	return out
}

// validDomain rejects anything that is not a plain DNS name (labels of
// letters, digits, '-' and '_', 1 to 63 long, not starting with '-'), so a
// hostile search list cannot inject text into the URLs. Written as a loop:
// the equivalent regexp cost 2 ms of every start-up to compile.
func validDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
				return false
			}
		}
	}
	return true
}

// ParseResolvConf returns the search list of a resolv.conf: the last
// "search" or "domain" line wins, as in glibc.
func ParseResolvConf(data []byte) []string {
	var list []string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") || strings.HasPrefix(f[0], ";") {
			continue
		}
		switch f[0] {
		case "search":
			list = f[1:]
		case "domain":
			list = f[1:2]
		}
	}
	return list
}

// Windows keeps the DNS suffixes here.
const (
	tcpipParamsKey  = `SYSTEM\CurrentControlSet\Services\Tcpip\Parameters`
	dnsPolicyKey    = `SOFTWARE\Policies\Microsoft\Windows NT\DNSClient`
	tcpipInterfaces = tcpipParamsKey + `\Interfaces`
)

// searchDomains finds the machine's DNS suffixes and says where.
func searchDomains(ctx context.Context, sys System) ([]string, string) {
	switch sys.GOOS {
	case "windows":
		return windowsSearchDomains(sys)
	case "darwin":
		if out, err := sys.run(ctx, "scutil", "--dns"); err == nil {
			if d := ParseScutilDNSSearch(out); len(d) > 0 {
				return d, "scutil --dns"
			}
		}
	}
	if data, err := sys.readFile("/etc/resolv.conf"); err == nil {
		return ParseResolvConf(data), "/etc/resolv.conf"
	}
	return nil, ""
}

// windowsSearchDomains reads the policy search list, the configured one,
// the primary suffix and the per-adapter (DHCP) suffixes, plus
// USERDNSDOMAIN (the Active Directory domain of the session).
func windowsSearchDomains(sys System) ([]string, string) {
	var list []string
	add := func(s string) { list = append(list, lists.Split(s, ", ")...) }
	reg := sys.Registry
	if reg != nil {
		str := func(root, key, name string) string {
			v, err := reg.Value(root, key, name)
			if err != nil {
				return ""
			}
			return v.Str
		}
		add(str("HKLM", dnsPolicyKey, "SearchList"))
		add(str("HKLM", tcpipParamsKey, "SearchList"))
		add(str("HKLM", tcpipParamsKey, "Domain"))
		add(str("HKLM", tcpipParamsKey, "NV Domain"))
		if ifs, err := reg.SubKeys("HKLM", tcpipInterfaces); err == nil {
			for _, i := range ifs {
				add(str("HKLM", tcpipInterfaces+`\`+i, "Domain"))
				add(str("HKLM", tcpipInterfaces+`\`+i, "DhcpDomain"))
			}
		}
	}
	add(sys.getenv("USERDNSDOMAIN"))
	return lists.Dedupe(list), `HKLM\` + tcpipParamsKey + ", USERDNSDOMAIN"
}

// needsWPAD reports whether any found source asks for auto-detection;
// only then does discovery send WPAD queries, as the browser would.
func needsWPAD(sources []Source) bool {
	for _, s := range sources {
		ignored := s.set.Unusable || (s.Name == "gnome" || s.Name == "kde") && !s.set.Active
		if s.Found && s.set.AutoDetect && !ignored {
			return true
		}
	}
	return false
}

// discoverWPAD runs WPAD discovery, DHCP first, then DNS, as WinHTTP and
// Chromium order them.
func discoverWPAD(ctx context.Context, sys System, sources []Source) []Source {
	need := needsWPAD(sources)
	return []Source{readWPADDHCP(ctx, sys, need), readWPADDNS(ctx, sys, need)}
}

// readWPADDHCP asks the OS for DHCP option 252.
func readWPADDHCP(ctx context.Context, sys System, need bool) Source {
	s := Source{Name: "wpad-dhcp"}
	if !need {
		s.note("auto-detect is not enabled in any setting: DHCP was not asked")
		return s
	}
	var offers []DHCPOffer
	var err error
	switch {
	case sys.DHCPWPAD != nil:
		s.Origin = "DHCP option 252 (DhcpRequestParams; as browsers do, 2 s per adapter, 12 adapters at once)"
		offers, err = sys.DHCPWPAD(ctx)
	case sys.GOOS == "darwin":
		s.Origin = "ipconfig getoption <interface> 252"
		offers, err = macDHCPWPAD(ctx, sys)
	case sys.GOOS == "linux":
		s.Origin = "nmcli -t -f GENERAL.DEVICE,DHCP4 device show"
		var out []byte
		if out, err = sys.run(ctx, "nmcli", "-t", "-f", "GENERAL.DEVICE,DHCP4", "device", "show"); err == nil {
			offers = ParseNmcliDHCP(out)
		}
		if isNotExist(err) {
			err = nil
			s.note("NetworkManager (nmcli) is not available: DHCP option 252 cannot be read on this system")
		}
	default:
		s.note("this OS offers no way to read DHCP option 252")
	}
	if err != nil {
		s.Err = err.Error()
	}
	for _, o := range offers {
		if o.Err != "" {
			s.note("adapter %s: %s", o.Adapter, o.Err)
		}
		if o.URL == "" {
			continue
		}
		if !s.Found {
			s.Found = true
			s.set.PACURL = o.URL
			s.set.PACSource = "wpad-dhcp"
		}
		s.set.Candidates = append(s.set.Candidates, o.URL)
		s.note("adapter %s offers %s", o.Adapter, redact.URL(o.URL))
	}
	return s
}

// ParseNmcliDHCP extracts the "wpad" DHCP option from terse nmcli output
// ("GENERAL.DEVICE:eth0", "DHCP4.OPTION[7]:wpad = http\://wpad/wpad.dat";
// terse mode escapes ":" and "\" with a backslash).
func ParseNmcliDHCP(out []byte) []DHCPOffer {
	var offers []DHCPOffer
	dev := ""
	for _, line := range strings.Split(string(out), "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		val = nmcliUnescape(strings.TrimSpace(val))
		switch {
		case key == "GENERAL.DEVICE":
			dev = val
		case strings.HasPrefix(key, "DHCP4.OPTION"):
			name, v, ok := strings.Cut(val, "=")
			if ok && strings.TrimSpace(name) == "wpad" {
				if u := strings.TrimSpace(v); u != "" {
					offers = append(offers, DHCPOffer{Adapter: dev, URL: u})
				}
			}
		}
	}
	return offers
}

func nmcliUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// macDHCPWPAD asks the macOS IPConfiguration agent for option 252 on each
// interface.
func macDHCPWPAD(ctx context.Context, sys System) ([]DHCPOffer, error) {
	out, err := sys.run(ctx, "ipconfig", "getiflist")
	if err != nil {
		return nil, err
	}
	var offers []DHCPOffer
	for _, ifname := range strings.Fields(string(out)) {
		v, err := sys.run(ctx, "ipconfig", "getoption", ifname, "252")
		if err != nil {
			continue // no DHCP lease or no such option on this interface
		}
		if u := dhcpURL(v); u != "" {
			offers = append(offers, DHCPOffer{Adapter: ifname, URL: u})
		}
	}
	return offers, nil
}

// dhcpURL cleans an option 252 value: cut at the first NUL (servers often
// include one) and keep it only if it is an http(s) URL.
func dhcpURL(b []byte) string {
	s := string(b)
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	l := strings.ToLower(s)
	if strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") {
		return s
	}
	return ""
}

// readWPADDNS lists the DNS WPAD candidates and, when auto-detect is on,
// resolves them to see which exist.
func readWPADDNS(ctx context.Context, sys System, need bool) Source {
	s := Source{Name: "wpad-dns"}
	host := ""
	if sys.Hostname != nil {
		host, _ = sys.Hostname()
	}
	domains, origin := searchDomains(ctx, sys)
	s.Origin = "host name " + host
	if origin != "" {
		s.Origin += ", search domains from " + origin
	}
	cands := WPADCandidates(host, domains)
	s.set.Candidates = cands
	s.note("candidates: %s", strings.Join(cands, ", "))
	if !need {
		s.note("auto-detect is not enabled in any setting: the names were not looked up")
		return s
	}
	if sys.LookupHost == nil {
		s.note("no resolver available: the names were not looked up")
		return s
	}
	type answer struct {
		addrs []string
		err   error
	}
	answers := make([]answer, len(cands))
	var wg sync.WaitGroup
	for i, c := range cands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := strings.TrimSuffix(strings.TrimPrefix(c, "http://"), "/wpad.dat")
			answers[i].addrs, answers[i].err = sys.LookupHost(ctx, h)
		}()
	}
	wg.Wait()
	s.set.Looked = true
	for i, c := range cands {
		a := answers[i]
		h := strings.TrimSuffix(strings.TrimPrefix(c, "http://"), "/wpad.dat")
		if a.err != nil || len(a.addrs) == 0 {
			s.note("%s: does not resolve", h)
			continue
		}
		s.note("%s resolves to %s", h, strings.Join(a.addrs, ", "))
		for _, ip := range a.addrs {
			if publicAddr(ip) {
				s.note("WARNING: %s resolves to the public address %s: a WPAD answer from outside the company network can redirect all browser traffic (WPAD name collision)", h, ip)
			}
		}
		if !s.Found {
			s.Found = true
			s.set.PACURL = c
			s.set.PACSource = "wpad-dns"
		}
	}
	return s
}

var sharedAddrSpace = netip.MustParsePrefix("100.64.0.0/10")

// publicAddr reports whether an address is globally routable, i.e. not
// private, loopback, link-local or carrier-grade NAT space.
func publicAddr(s string) bool {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	a = a.Unmap()
	return a.IsGlobalUnicast() && !a.IsPrivate() && !sharedAddrSpace.Contains(a)
}

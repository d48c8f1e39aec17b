package discover

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func TestWPADCandidates(t *testing.T) {
	tests := []struct {
		host    string
		domains []string
		want    []string
	}{
		{"pc1.a.b.corp.example.co.uk", nil, []string{WPADShortURL,
			"http://wpad.a.b.corp.example.co.uk/wpad.dat", "http://wpad.b.corp.example.co.uk/wpad.dat",
			"http://wpad.corp.example.co.uk/wpad.dat", "http://wpad.example.co.uk/wpad.dat"}},
		{"pc1", []string{"eng.corp.example", "corp.example", "CORP.EXAMPLE.", "corp", "bad domain;rm", "-x.example"}, []string{WPADShortURL,
			"http://wpad.eng.corp.example/wpad.dat", "http://wpad.corp.example/wpad.dat"}},
		{"192.0.2.4", []string{"co.uk", "com"}, []string{WPADShortURL}},
		{"", nil, []string{WPADShortURL}},
	}
	for _, tt := range tests {
		if got := WPADCandidates(tt.host, tt.domains); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("WPADCandidates(%q, %q) = %q", tt.host, tt.domains, got)
		}
	}
}

func TestParseResolvConf(t *testing.T) {
	if got := ParseResolvConf(testdata(t, "linux", "resolv.conf")); !reflect.DeepEqual(got, []string{"eng.corp.example", "corp.example"}) {
		t.Errorf("got %q", got)
	}
	if got := ParseResolvConf(testdata(t, "linux", "resolv-none.conf")); got != nil {
		t.Errorf("got %q", got)
	}
	if got := ParseResolvConf([]byte("search a.example\ndomain b.example\n#search c.example\nsearch\n")); !reflect.DeepEqual(got, []string{"b.example"}) {
		t.Errorf("last line wins: %q", got)
	}
}

func TestParseNmcliDHCP(t *testing.T) {
	got := ParseNmcliDHCP(testdata(t, "linux", "nmcli-dhcp.txt"))
	if want := []DHCPOffer{{Adapter: "eth0", URL: "http://wpad.corp.example/wpad.dat"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
	if got := ParseNmcliDHCP(testdata(t, "linux", "nmcli-nowpad.txt")); got != nil {
		t.Errorf("got %+v", got)
	}
	if got := ParseNmcliDHCP([]byte("\x00garbage\nDHCP4.OPTION[1]:wpad\n")); got != nil {
		t.Errorf("garbage: %+v", got)
	}
}

func TestDHCPURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://wpad.corp.example/wpad.dat\x00junk": "http://wpad.corp.example/wpad.dat",
		"  HTTPS://w/p.pac\n":                       "HTTPS://w/p.pac",
		"ftp://x/y":                                 "",
		"":                                          "",
	} {
		if got := dhcpURL([]byte(in)); got != want {
			t.Errorf("dhcpURL(%q) = %q", in, got)
		}
	}
}

// wpadMachine is a GNOME desktop set to auto-detect.
func wpadMachine(t *testing.T) *fakeMachine {
	return &fakeMachine{
		goos: "linux", host: "pc7.eng.corp.example",
		env:   map[string]string{"XDG_CURRENT_DESKTOP": "GNOME"},
		files: map[string][]byte{"/etc/resolv.conf": testdata(t, "linux", "resolv.conf")},
		cmds: map[string][]byte{
			"gsettings list-recursively org.gnome.system.proxy": testdata(t, "gnome", "auto-wpad.txt"),
			"nmcli -t -f GENERAL.DEVICE,DHCP4 device show":      testdata(t, "linux", "nmcli-dhcp.txt"),
		},
		hosts: map[string][]string{"wpad": {"192.0.2.80"}, "wpad.corp.example": {"203.0.113.9"}},
	}
}

func TestWPADSources(t *testing.T) {
	m := wpadMachine(t)
	src := Discover(context.Background(), m.system(), Given{})
	dns := findSource(t, src, "wpad-dns")
	if !dns.Found || dns.PACURL != WPADShortURL || !strings.Contains(dns.Origin, "/etc/resolv.conf") {
		t.Errorf("wpad-dns: %+v", dns)
	}
	if !hasNote(dns.Notes, "wpad.eng.corp.example: does not resolve") || !hasNote(dns.Notes, "WARNING: wpad.corp.example resolves to the public address 203.0.113.9") {
		t.Errorf("wpad-dns notes: %q", dns.Notes)
	}
	if len(m.looked) != 3 {
		t.Errorf("looked up %q", m.looked)
	}
	dhcp := findSource(t, src, "wpad-dhcp")
	if !dhcp.Found || dhcp.PACURL != "http://wpad.corp.example/wpad.dat" || !hasNote(dhcp.Notes, "adapter eth0") {
		t.Errorf("wpad-dhcp: %+v", dhcp)
	}

	// Auto-detect off: no DNS queries, no DHCP, candidates still listed.
	m = wpadMachine(t)
	m.cmds["gsettings list-recursively org.gnome.system.proxy"] = testdata(t, "gnome", "none.txt")
	src = Discover(context.Background(), m.system(), Given{})
	if len(m.looked) != 0 || findSource(t, src, "wpad-dns").Found || findSource(t, src, "wpad-dhcp").Found {
		t.Errorf("lookups without auto-detect: %q", m.looked)
	}
	for _, r := range m.ran {
		if strings.HasPrefix(r, "nmcli") {
			t.Error("nmcli run without auto-detect")
		}
	}
	if !hasNote(findSource(t, src, "wpad-dns").Notes, "http://wpad.corp.example/wpad.dat") {
		t.Error("candidates not listed")
	}

	// GNOME asks for auto-detect, but no GNOME session: Chromium reads the
	// environment, so nothing is looked up.
	m = wpadMachine(t)
	delete(m.env, "XDG_CURRENT_DESKTOP")
	if Discover(context.Background(), m.system(), Given{}); len(m.looked) != 0 {
		t.Errorf("lookups for an inactive desktop: %q", m.looked)
	}
}

func TestWPADWindowsAndMac(t *testing.T) {
	reg := regFile(t, "ie-pac-autodetect.reg", "dns-suffixes.reg")
	m := &fakeMachine{goos: "windows", reg: reg, host: "pc1",
		env:   map[string]string{"USERDNSDOMAIN": "AD.CORP.EXAMPLE"},
		dhcp:  []DHCPOffer{{Adapter: "{6BD5A1C2}", URL: "http://dhcp-wpad.corp.example/wpad.dat"}},
		hosts: map[string][]string{"wpad": {"10.1.1.1"}}}
	src := Discover(context.Background(), m.system(), Given{})
	dns := findSource(t, src, "wpad-dns")
	for _, want := range []string{"wpad.emea.corp.example.co.uk", "wpad.lab.example.net", "wpad.branch.example.org", "wpad.ad.corp.example"} {
		if !hasNote(dns.Notes, want) {
			t.Errorf("candidate %s missing: %q", want, dns.Notes)
		}
	}
	for _, bad := range []string{"//wpad.co.uk/", "//wpad.net/", "//wpad.org/", "//wpad.example/"} {
		if hasNote(dns.Notes, bad) {
			t.Errorf("walked into a public suffix: %s", bad)
		}
	}

	mac := &fakeMachine{goos: "darwin", host: "mac.local", cmds: map[string][]byte{
		"scutil --proxy":             testdata(t, "macos", "scutil-autodiscovery.txt"),
		"scutil --dns":               testdata(t, "macos", "scutil-dns.txt"),
		"ipconfig getiflist":         []byte("en0 en1\n"),
		"ipconfig getoption en1 252": []byte("http://mac-wpad.corp.example/wpad.dat\x00"),
	}}
	src = Discover(context.Background(), mac.system(), Given{})
	if dhcp := findSource(t, src, "wpad-dhcp"); !dhcp.Found || dhcp.PACURL != "http://mac-wpad.corp.example/wpad.dat" {
		t.Errorf("mac dhcp: %+v", dhcp)
	}
	if dns := findSource(t, src, "wpad-dns"); !hasNote(dns.Notes, "wpad.eng.corp.example") || dns.Found || !strings.Contains(dns.Origin, "scutil --dns") {
		t.Errorf("mac dns: %+v", dns)
	}
}

func TestPublicAddr(t *testing.T) {
	for ip, want := range map[string]bool{"203.0.113.9": true, "10.1.1.1": false, "100.64.1.1": false, "127.0.0.1": false, "fd00::1": false, "2001:db8::1": true, "garbage": false} {
		if got := publicAddr(ip); got != want {
			t.Errorf("publicAddr(%s) = %v", ip, got)
		}
	}
}

func TestValidDomain(t *testing.T) {
	for d, want := range map[string]bool{
		"corp.example.com": true, "a_b.example": true, "x": true, "a-b.c": true,
		"": false, "-a.example": false, "a..b": false, "a.b.": false, "A.example": false,
		"evil.example/x": false, "a b.example": false, strings.Repeat("a", 64) + ".com": false,
		strings.Repeat("a", 63) + ".com": true,
	} {
		if got := validDomain(d); got != want {
			t.Errorf("validDomain(%q) = %v, want %v", d, got, want)
		}
	}
}

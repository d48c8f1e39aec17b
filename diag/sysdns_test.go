package diag

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const dnsTestdata = "../testdata/dns"

func TestParseResolvConfRecorded(t *testing.T) {
	tests := []struct {
		file            string
		servers, search []string
	}{
		{"resolv-systemd-stub.conf", []string{"127.0.0.53"}, []string{"corp.example"}},
		{"resolv-systemd-upstream.conf", []string{"10.20.0.2", "10.20.0.3", "fe80::1%enp0s3"}, []string{"corp.example"}},
		{"resolv-macos.conf", []string{"192.168.1.1", "2001:db8:1::1"}, []string{"home.arpa"}},
		{"resolv-messy.conf", []string{"10.0.0.1", "10.0.0.2", "::1"}, []string{"a.example", "b.example", "c.example"}},
		{"resolv-empty.conf", []string{}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dnsTestdata, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			servers, search := ParseResolvConf(f)
			if !slices.Equal(servers, tt.servers) {
				t.Errorf("servers = %q, want %q", servers, tt.servers)
			}
			if !slices.Equal(search, tt.search) {
				t.Errorf("search = %q, want %q", search, tt.search)
			}
		})
	}
}

func TestParseResolvConfInline(t *testing.T) {
	tests := []struct {
		name, in        string
		servers, search []string
	}{
		{"domain after search wins", "search a.example\ndomain b.example\n", []string{}, []string{"b.example"}},
		{"search after domain wins", "domain b.example\nsearch a.example\n", []string{}, []string{"a.example"}},
		{"commented out server", "#nameserver 10.0.0.1\n;nameserver 10.0.0.2\nnameserver 10.0.0.3\n", []string{"10.0.0.3"}, []string{}},
		{"no trailing newline", "nameserver 10.0.0.1", []string{"10.0.0.1"}, []string{}},
		{"CRLF line ends", "nameserver 10.0.0.1\r\nsearch x.example\r\n", []string{"10.0.0.1"}, []string{"x.example"}},
		{"binary junk", "\x00\xff\xfe nameserver\n\x00nameserver 1\n", []string{}, []string{}},
		{"very long line", "search " + strings.Repeat("a", 70000) + "\nnameserver 10.0.0.1\n", []string{"10.0.0.1"}, []string{strings.Repeat("a", 70000)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			servers, search := ParseResolvConf(strings.NewReader(tt.in))
			if !slices.Equal(servers, tt.servers) || !slices.Equal(search, tt.search) {
				t.Errorf("got %q %q, want %q %q", servers, search, tt.servers, tt.search)
			}
		})
	}
}

func FuzzParseResolvConf(f *testing.F) {
	for _, name := range []string{"resolv-messy.conf", "resolv-systemd-upstream.conf", "resolv-macos.conf"} {
		b, err := os.ReadFile(filepath.Join(dnsTestdata, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, in string) {
		servers, search := ParseResolvConf(strings.NewReader(in))
		if servers == nil || search == nil {
			t.Fatal("nil list")
		}
		if len(servers) > maxResolvConfServers {
			t.Fatalf("%d servers", len(servers))
		}
		for _, s := range servers {
			if _, err := netip.ParseAddr(s); err != nil {
				t.Fatalf("server %q is not an address: %v", s, err)
			}
			if err := checkResolverAddress(s); err != nil {
				t.Fatalf("server %q cannot be queried: %v", s, err)
			}
		}
	})
}

func TestWithUpstreams(t *testing.T) {
	tests := []struct {
		name              string
		servers, upstream []string
		want              []string
	}{
		{"stub gets its upstreams", []string{"127.0.0.53"}, []string{"10.20.0.2", "10.20.0.3"}, []string{"127.0.0.53", "10.20.0.2", "10.20.0.3"}},
		{"no stub: unchanged", []string{"10.0.0.1"}, []string{"10.20.0.2"}, []string{"10.0.0.1"}},
		{"duplicates and the stub itself dropped", []string{"127.0.0.53", "10.20.0.2"}, []string{"10.20.0.2", "127.0.0.53"}, []string{"127.0.0.53", "10.20.0.2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withUpstreams(tt.servers, tt.upstream); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWindowsNameserversRecorded(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		// Wi-Fi is down, fec0:: defaults are skipped, the VPN repeats a
		// server, WSL has no gateway and comes after the adapters with one.
		{"windows-adapters-laptop.json", []string{"10.1.0.10", "10.1.0.11", "10.200.0.53", "172.29.0.1"}},
		// The link-local server keeps its zone; a mapped IPv4 is unmapped.
		{"windows-adapters-ipv6.json", []string{"fe80::1%7", "2001:db8:50::53", "192.168.50.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dnsTestdata, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var adapters []winAdapter
			if err := json.Unmarshal(b, &adapters); err != nil {
				t.Fatal(err)
			}
			got := windowsNameservers(adapters)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			for _, s := range got {
				if err := checkResolverAddress(s); err != nil {
					t.Errorf("%q cannot be queried: %v", s, err)
				}
			}
		})
	}
	// A split-tunnel VPN: up, no default gateway (it routes only its own
	// networks), and its resolver answers for the company's names.
	split := []winAdapter{
		{Name: "Corporate VPN", Up: true, DNS: []string{"10.50.0.53"}},
		{Name: "Wi-Fi", Up: true, Gateways: []string{"192.168.1.1"}, DNS: []string{"192.168.1.1"}},
	}
	if got, want := windowsNameservers(split), []string{"192.168.1.1", "10.50.0.53"}; !slices.Equal(got, want) {
		t.Errorf("split tunnel: got %q, want %q", got, want)
	}
	if got := windowsNameservers(nil); got == nil || len(got) != 0 {
		t.Errorf("no adapters: got %#v, want an empty list", got)
	}
}

func TestWindowsSearchDomains(t *testing.T) {
	adapters := []winAdapter{
		{Name: "Ethernet", Up: true, Suffix: "ad.okviz.example"},
		{Name: "Wi-Fi", Up: false, Suffix: "guest.example"}, // down: its suffix is not used
		{Name: "VPN", Up: true, Suffix: "corp.okviz.example."},
		{Name: "Hyper-V", Up: true, Suffix: ""},
		{Name: "Ethernet 2", Up: true, Suffix: "ad.okviz.example"},
	}
	want := []string{"ad.okviz.example", "corp.okviz.example"}
	if got := windowsSearchDomains(adapters); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

package pac

import "testing"

func TestPACIsPlainHostName(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"www", true},
		{"www.okviz.com", false},
		{"", true},
		{"intranet.", false}, // any dot counts, a trailing one too
		// Chromium: valid IPv6 literals are not plain; other colons are.
		{"::1", false},
		{"::192.186.1.1", false},
		{"fd00:198:18::1", false},
		{"[::1]", true},
		{"foopy::1", true},
		{"foo:112", true},
		{"fe80::1%eth0", true}, // a zone is not part of a literal Chromium parses
		{"1.2.3.4", false},
	}
	for _, tt := range tests {
		if got := pacIsPlainHostName(tt.host); got != tt.want {
			t.Errorf("isPlainHostName(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}

func TestPACIsValidIPv4(t *testing.T) {
	for s, want := range map[string]bool{
		"198.18.0.1": true, "0.0.0.0": true, "255.255.255.255": true, "010.001.0.9": true,
		"256.1.1.1": false, "1.2.3": false, "1.2.3.4.5": false, "1.2.3.": false, "a.b.c.d": false,
		"1.2.3.4 ": false, " 1.2.3.4": false, "1234.1.1.1": false, "": false, "-1.2.3.4": false, "::1": false,
	} {
		if got := pacIsValidIPv4(s); got != want {
			t.Errorf("isValidIpAddress(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestPACConvertAddr(t *testing.T) {
	tests := []struct {
		in   string
		want int32
	}{
		{"0.0.0.0", 0},
		{"1.2.3.4", 0x01020304},
		{"127.0.0.1", 0x7f000001},
		{"255.255.255.255", -1},    // signed, as JavaScript's | gives
		{"198.18.0.1", -971898879}, // 0xC6120001 as int32
		{"1.2", 0x01020000},        // missing groups count as 0
		{"1.x.3.4", 0x01000304},    // NaN counts as 0
		{"257.1.1.1", 0x01010101},  // modulo 256
		{"0x10.1.1.1", 0x10010101}, // JavaScript numbers: hexadecimal
		{" 2 .1.1.1", 0x02010101},  // blanks around a number are ignored
		{"1.2.3.4.5", 0x01020304},  // extra groups ignored
		{"", 0},
	}
	for _, tt := range tests {
		if got := pacConvertAddr(tt.in); got != tt.want {
			t.Errorf("convert_addr(%q) = %d (%#x), want %d", tt.in, got, uint32(got), tt.want)
		}
	}
}

func TestPACIsInNetAddr(t *testing.T) {
	tests := []struct {
		ip, pattern, mask string
		want              bool
	}{
		{"198.95.249.79", "198.95.249.79", "255.255.255.255", true},
		{"198.95.249.79", "198.95.0.0", "255.255.0.0", true},
		{"198.95.249.79", "198.95.6.0", "255.255.255.0", false},
		{"198.18.3.4", "198.18.0.0", "255.254.0.0", true},
		{"198.19.3.4", "198.18.0.0", "255.254.0.0", true},
		{"198.20.3.4", "198.18.0.0", "255.254.0.0", false},
		{"10.1.2.3", "0.0.0.0", "0.0.0.0", true},
		{"10.1.2.3", "10.0.0.3", "255.0.0.255", true}, // masks need not be contiguous
		// Pattern and mask must be dotted quads.
		{"10.1.2.3", "10.0.0.0/8", "255.0.0.0", false},
		{"10.1.2.3", "10.0.0.0", "8", false},
		{"10.1.2.3", "10.0.0.0", "255.0.0.256", false},
	}
	for _, tt := range tests {
		if got := pacIsInNetAddr(tt.ip, tt.pattern, tt.mask); got != tt.want {
			t.Errorf("isInNet(%q, %q, %q) = %v, want %v", tt.ip, tt.pattern, tt.mask, got, tt.want)
		}
	}
}

func TestPACIsInNetEx(t *testing.T) {
	tests := []struct {
		ip, prefix string
		want       bool
	}{
		{"198.95.249.79", "198.95.249.79/32", true},
		{"198.95.115.10", "198.95.0.0/16", true},
		{"198.95.1.1", "198.95.0.0/22", true},
		{"198.95.1.1", "198.95.3.3/24", false},
		{"10.0.0.1", "0.0.0.0/0", true},
		{"3ffe:8311:ffff:abcd:1234:dead:beef:101", "3ffe:8311:ffff::/48", true},
		{"3ffe:8312:ffff:abcd:1234:dead:beef:101", "3ffe:8311:ffff::/48", false},
		{"fd00:198:18::5", "fd00:198:18::/64", true},
		// IPv4 and IPv4-mapped IPv6 are interchangeable (Chromium).
		{"127.0.0.1", "0:0:0:0:0:0:7f00:1/16", true},
		{"::ffff:10.1.2.3", "10.0.0.0/8", true},
		{"::ffff:11.1.2.3", "10.0.0.0/8", false},
		{"10.1.2.3", "::ffff:10.0.0.0/104", true},
		// No DNS, no bare prefixes, no impossible lengths.
		{"localhost", "127.0.0.0/8", false},
		{"10.1.2.3", "10.0.0.0", false},
		{"10.1.2.3", "10.0.0.0/33", false},
		{"::1", "::/129", false},
		{"10.1.2.3", "10.0.0.0/-1", false},
		{"10.1.2.3", "10.0.0.0/+8", false},
		{"10.1.2.3", "10.0.0.0/", false},
		{"10.1.2.3", "10.0.0.0/ 8", false},
		{"fe80::1%eth0", "fe80::/10", false},
	}
	for _, tt := range tests {
		if got := pacIsInNetEx(tt.ip, tt.prefix); got != tt.want {
			t.Errorf("isInNetEx(%q, %q) = %v, want %v", tt.ip, tt.prefix, got, tt.want)
		}
	}
}

func TestPACSortIPAddressList(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"10.2.3.9;2001:4898:28:3:201:2ff:feea:fc14;::1;127.0.0.1;::9", "::1;::9;2001:4898:28:3:201:2ff:feea:fc14;10.2.3.9;127.0.0.1", true},
		{"2001:4898:28:3:201:2ff:feea:fc14;fe80::5efe:157:9d3b:8b16;157.59.139.22", "2001:4898:28:3:201:2ff:feea:fc14;fe80::5efe:157:9d3b:8b16;157.59.139.22", true},
		{"8.8.8.8;1.1.1.1;10.0.0.1", "1.1.1.1;8.8.8.8;10.0.0.1", true}, // numeric, not lexical
		{" 10.0.0.2 ;; 10.0.0.1 ;", "10.0.0.1;10.0.0.2", true},         // blanks and empty elements
		{"::1;0:0::1", "::1;0:0::1", true}, // stable, spelling kept
		{"1.2.3.4", "1.2.3.4", true},
		{"", "", false},
		{";;", "", false},
		{"10.0.0.1;example.com", "", false},
		{"10.0.0.1;[::1]", "", false},
	}
	for _, tt := range tests {
		got, ok := pacSortIPAddressList(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("sortIpAddressList(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

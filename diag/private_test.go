package diag

import (
	"net/netip"
	"strings"
	"testing"
)

func TestPrivateAnswerOf(t *testing.T) {
	tests := []struct {
		addrs, cname  string
		kind, product string
	}{
		{"192.0.2.1", "", "", ""},
		{"10.0.0.1", "", "rfc1918", ""},
		{"192.0.2.1 172.16.0.1", "", "rfc1918", ""},
		{"fd12::1", "", "ula", ""},
		{"fe80::1", "", "link_local", ""},
		{"169.254.10.1", "", "link_local", ""},
		{"100.127.255.1", "", "cgnat", ""},
		{"100.64.0.9", "", "cgnat", "Zscaler Client Connector (ZPA synthetic address)"},
		{"100.80.1.1", "", "cgnat", "Cloudflare WARP (Gateway initial resolved address)"},
		{"10.1.0.4", "okviz.privatelink.blob.core.windows.net.", "rfc1918", "Azure Private Link (private endpoint)"},
		{"10.1.0.5", "vpce-0a1b-x.execute-api.eu-west-1.vpce.amazonaws.com", "rfc1918", "AWS PrivateLink (VPC endpoint)"},
		{"100.128.0.1", "", "", ""}, // just outside 100.64.0.0/10
	}
	for _, tt := range tests {
		var addrs []netip.Addr
		for _, s := range strings.Fields(tt.addrs) {
			addrs = append(addrs, netip.MustParseAddr(s))
		}
		got := privateAnswerOf(addrs, tt.cname)
		if tt.kind == "" {
			if got != nil {
				t.Errorf("privateAnswerOf(%s) = %+v, want nil", tt.addrs, got)
			}
			continue
		}
		if got == nil || got.Kind != tt.kind || got.Product != tt.product || got.Meaning == "" {
			t.Errorf("privateAnswerOf(%s, %q) = %+v, want %s %q", tt.addrs, tt.cname, got, tt.kind, tt.product)
		}
	}
}

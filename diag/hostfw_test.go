package diag

import (
	"slices"
	"strings"
	"testing"
)

// Rule strings as Windows stores them under FirewallPolicy\FirewallRules,
// quoted verbatim from registry exports published on GitHub (found by
// content search): built-in rules of Windows 10/11 (v2.33, the DiagTrack
// telemetry block on port 443 for a service, Wi-Fi Direct print spooler,
// ICMPv6), a "Query User" rule Windows writes when a user answers the
// firewall prompt for Edge (v2.10, inbound), a hardening script's rule
// limited to two remote addresses, and an allow rule for all HTTPS. The
// grammar is [MS-GPFAS] 2.2.2.19.
var capturedRules = map[string]string{
	"Microsoft-Windows-Unified-Telemetry-Client": `v2.33|Action=Block|Active=TRUE|Dir=Out|Protocol=6|RPort=443|App=%SystemRoot%\system32\svchost.exe|Svc=DiagTrack|Name=@%windir%\system32\diagtrack.dll,-3001|Desc=@%windir%\system32\diagtrack.dll,-3003|EmbedCtxt=DiagTrack|`,
	"WFDPRINT-SPOOL-Out-Active":                  `v2.33|Action=Block|Active=TRUE|Dir=Out|Profile=Public|App=%SystemRoot%\system32\spoolsv.exe|Svc=Spooler|Name=@FirewallAPI.dll,-36858|Desc=@FirewallAPI.dll,-36859|EmbedCtxt=@FirewallAPI.dll,-36851|TTK2_22=WFDPrint|`,
	"CoreNet-ICMP6-PTB-Out":                      `v2.33|Action=Block|Active=TRUE|Dir=Out|Protocol=58|ICMP6=2:*|App=System|Name=@FirewallAPI.dll,-25002|Desc=@FirewallAPI.dll,-25007|EmbedCtxt=@FirewallAPI.dll,-25000|`,
	`TCP Query User{87406A58-ABF8-4ECA-B157-DE4EFA432355}C:\program files (x86)\microsoft\edge\application\msedge.exe`: `v2.10|Action=Block|Active=TRUE|Dir=In|Protocol=6|Profile=Public|App=C:\program files (x86)\microsoft\edge\application\msedge.exe|Name=Microsoft Edge|Desc=Microsoft Edge|`,
	"BlockWinOS_Telemetry":                   `v2.30|Action=Block|Active=TRUE|Dir=Out|Protocol=6|RPort=443|RA4=13.107.4.52|RA4=52.114.128.21|Name=Titanium_OS_Silent_Only|`,
	"{4B8AF305-8BF2-47A6-9A55-08DC1E17BA15}": `v2.30|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|RPort=443|Name=World Wide Web Services (HTTPS Traffic-out)|`,
}

func profiles(blockPublic bool) []fwProfile {
	return []fwProfile{{Name: "Domain", Enabled: true}, {Name: "Private", Enabled: true}, {Name: "Public", Enabled: true, BlockOutbound: blockPublic}}
}

func withRules(extra map[string]string, drop ...string) map[string]string {
	m := map[string]string{}
	for k, v := range capturedRules {
		if !slices.Contains(drop, k) {
			m[k] = v
		}
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// TestFirewallOutbound: the captured rules block nothing HTTPS needs
// (another program, a service, inbound, ICMP, two remote addresses); an
// outbound block of 443 or of a Power BI program, or a profile that blocks
// outbound with no allow rule, is named with its profiles and programs.
func TestFirewallOutbound(t *testing.T) {
	tests := []struct {
		name     string
		stores   []fwStore
		code     Code
		programs []string // of the first block
		has      string
	}{
		{"captured rules, default allow", []fwStore{{Name: "local", Profiles: profiles(false), Rules: capturedRules}},
			HostOK, nil, "6 rules read"},
		{"captured rules, public blocks by default but the allow rule lets 443 out",
			[]fwStore{{Name: "local", Profiles: profiles(true), Rules: capturedRules}}, HostOK, nil, "blocks neither"},
		{"public blocks by default, no allow rule",
			[]fwStore{{Name: "local", Profiles: profiles(true), Rules: withRules(nil, "{4B8AF305-8BF2-47A6-9A55-08DC1E17BA15}")}},
			HostFirewallBlocks, []string{everyProgram, "msedge.exe", "msedgewebview2.exe", "PBIDesktop.exe"}, "its default outbound action (block, no allow rule) for every program"},
		{"public blocks by default, allowed for Edge only",
			[]fwStore{{Name: "local", Profiles: profiles(true), Rules: withRules(map[string]string{
				"edge-out": `v2.33|Action=Allow|Active=TRUE|Dir=Out|Protocol=6|RPort=443|App=C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe|Name=Edge out|`,
			}, "{4B8AF305-8BF2-47A6-9A55-08DC1E17BA15}")}},
			HostFirewallBlocks, []string{everyProgram, "msedgewebview2.exe", "PBIDesktop.exe"}, "in the Public profile (local)"},
		{"a block rule for WebView2 from group policy",
			[]fwStore{{Name: "group policy", Rules: map[string]string{
				"{0C5A7C2E-0000-4000-8000-00000000AB01}": `v2.31|Action=Block|Active=TRUE|Dir=Out|Protocol=6|Profile=Domain|RPort=443|App=%ProgramFiles(x86)%\Microsoft\EdgeWebView\Application\120.0.2210.91\msedgewebview2.exe|Name=Block WebView2|`,
			}}, {Name: "local", Profiles: profiles(false), Rules: capturedRules}},
			HostFirewallBlocks, []string{"msedgewebview2.exe"}, `its rule "Block WebView2" for msedgewebview2.exe in the Domain profile (group policy)`},
		{"a block rule for a port range with 443, every program",
			[]fwStore{{Name: "local", Profiles: profiles(false), Rules: withRules(map[string]string{
				"web-block": `v2.33|Action=Block|Active=TRUE|Dir=Out|Protocol=6|RPort=400-500|RA4=Internet|Name=No web|`,
			})}},
			HostFirewallBlocks, []string{everyProgram}, "every program in the Domain, Private and Public profiles"},
		{"an inactive block rule", []fwStore{{Name: "local", Profiles: profiles(false), Rules: withRules(map[string]string{
			"off": `v2.33|Action=Block|Active=FALSE|Dir=Out|Protocol=6|RPort=443|Name=Off|`,
		})}}, HostOK, nil, ""},
		{"a block rule on a disabled profile", []fwStore{{Name: "local",
			Profiles: []fwProfile{{Name: "Public", Enabled: false}}, Rules: map[string]string{
				"pub": `v2.33|Action=Block|Active=TRUE|Dir=Out|Profile=Public|App=C:\Program Files\Microsoft Power BI Desktop\bin\PBIDesktop.exe|Name=PBI|`,
			}}}, HostOK, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := firewallCheck(firewallOutbound(tt.stores))
			if c.Code != tt.code || !strings.Contains(c.Summary, tt.has) {
				t.Fatalf("%s %q, want %s with %q", c.Code, c.Summary, tt.code, tt.has)
			}
			d := c.Details.(*FirewallDetails)
			if tt.programs != nil && (len(d.Blocks) == 0 || !slices.Equal(d.Blocks[0].Programs, tt.programs)) {
				t.Errorf("blocks = %+v, want programs %q first", d.Blocks, tt.programs)
			}
			if want := tt.code == HostFirewallBlocks && slices.Contains(tt.programs, everyProgram); blocksEveryProgram(c) != want {
				t.Errorf("blocksEveryProgram = %v, want %v", !want, want)
			}
		})
	}
}

// TestFirewallRuleGarbage: what is not a rule string is skipped, never a
// panic; a rule without the fields it needs applies to nothing special.
func TestFirewallRuleGarbage(t *testing.T) {
	for _, s := range []string{"", "|", "v", "x2.33|Action=Block|", "v2.33", "v2.33|Action|=|RPort=-|RPort=99999999999999999999-1|Protocol=x|"} {
		r, ok := parseFirewallRule("id", s)
		if ok && r.coversHTTPS() && r.Active {
			t.Errorf("%q parsed as an active HTTPS rule: %+v", s, r)
		}
	}
	d := firewallOutbound([]fwStore{{Name: "local", Rules: map[string]string{"a": "garbage", "b": "v2.33|Action=Block|Active=TRUE|Dir=Out|"}}})
	if d.Rules != 1 || len(d.Blocks) != 0 {
		t.Errorf("no profiles read: %+v (a rule applies only in an enabled profile)", d)
	}
}

// TestVerdictHostFirewallExplainsTCP: a failed connection on a PC whose
// firewall blocks HTTPS for every program is the PC's doing.
func TestVerdictHostFirewallExplainsTCP(t *testing.T) {
	fw := firewallCheck(firewallOutbound([]fwStore{{Name: "local", Profiles: profiles(true)}}))
	tcp := newCheck(CheckTCPConnect, TCPTimeout, "No answer from 192.0.2.1:443.", &TCPDetails{})
	v := verdict([]Check{tcp, fw})
	if v.Code != HostFirewallBlocks || v.Status != StatusFail || !strings.Contains(v.Summary, "the likely reason why no answer") {
		t.Errorf("verdict = %s/%s %q", v.Code, v.Status, v.Summary)
	}
	// A block for the Power BI programs alone does not explain this tool's own failure.
	only := firewallCheck(firewallOutbound([]fwStore{{Name: "local", Profiles: profiles(false), Rules: map[string]string{
		"x": `v2.33|Action=Block|Active=TRUE|Dir=Out|App=C:\x\msedge.exe|Name=Edge|`}}}))
	if v := verdict([]Check{tcp, only}); v.Code != TCPTimeout {
		t.Errorf("verdict = %s, want tcp.timeout", v.Code)
	}
	// A reset comes from a peer, not from this PC's firewall.
	reset := newCheck(CheckTCPConnect, TCPRefused, "Refused.", &TCPDetails{})
	if v := verdict([]Check{reset, fw}); v.Code != TCPRefused {
		t.Errorf("verdict = %s, want tcp.refused", v.Code)
	}
	// And on a working path it is a warning of its own.
	if v := verdict([]Check{newCheck(CheckTCPConnect, TCPOK, "", &TCPDetails{}), only}); v.Code != HostFirewallBlocks || v.Status != StatusWarn {
		t.Errorf("verdict = %s/%s", v.Code, v.Status)
	}
}

package rules

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// Regressions of issue 12: outputs that were wrong as pasted.

func TestFortiGatePolicyNATAndPlacement(t *testing.T) {
	for name, set := range fixtures(t) {
		out := render(t, "fortigate", set)
		edits := len(regexp.MustCompile(`(?m)^    edit 0$`).FindAllString(out, -1))
		if n := strings.Count(out, "        set nat enable\n"); n != edits || n != len(set.Groups()) {
			t.Errorf("%s: %d policies, %d with set nat enable", name, edits, n)
		}
		if !regexp.MustCompile(`(?m)^#\s+move .* before `).MatchString(out) {
			t.Errorf("%s: no move ... before ... line for the appended policies", name)
		}
	}
}

// TestAWSAddressLiterals: every address literal must reach a rule group, not
// only the Suricata form.
func TestAWSAddressLiterals(t *testing.T) {
	set := fixtures(t)["several"]
	out := render(t, "aws-network-firewall", set)
	var dests []string
	for _, b := range jsonBodies(out) {
		var doc struct {
			RulesSource struct {
				StatefulRules []struct {
					Header struct{ Destination, DestinationPort string }
				}
			}
		}
		if err := json.Unmarshal([]byte(b), &doc); err != nil {
			t.Fatal(err)
		}
		for _, r := range doc.RulesSource.StatefulRules {
			dests = append(dests, r.Header.Destination+":"+r.Header.DestinationPort)
		}
	}
	for _, r := range set.Rules {
		if r.IsIP() && !strings.Contains(strings.Join(dests, " "), prefixes(r.Addrs())[0]+":443") {
			t.Errorf("address literal %s is in no rule group (5-tuple rules: %v)", r.Host, dests)
		}
	}
	if !strings.Contains(out, "aws:drop_established") {
		t.Error("no note on the strict-order default action")
	}
}

// TestWindowsRemovesWhatItCreates: every dynamic keyword address the script
// can create has a removal line with the same fixed ID.
func TestWindowsRemovesWhatItCreates(t *testing.T) {
	for name, set := range fixtures(t) {
		out := render(t, "windows", set)
		created := regexp.MustCompile(`New-NetFirewallDynamicKeywordAddress -Id '(\{[0-9a-f-]{36}\})'`).FindAllStringSubmatch(out, -1)
		if len(created) == 0 {
			t.Fatalf("%s: no dynamic keyword address", name)
		}
		for _, c := range created {
			if !strings.Contains(out, "Remove-NetFirewallDynamicKeywordAddress -Id '"+c[1]+"'") {
				t.Errorf("%s: %s is created but never removed", name, c[1])
			}
		}
		if !strings.Contains(out, `Remove-NetFirewallRule -Group "okviz-check"`) {
			t.Errorf("%s: rules are not removed", name)
		}
	}
	if a, b := stableGUID("x"), stableGUID("x"); a != b || a == stableGUID("y") {
		t.Errorf("stableGUID is not stable and distinct: %s %s", a, b)
	}
}

// TestProxyBypassUsesWinINetAPI: the per-connection blob wins over the
// ProxyOverride value, so the script goes through the API and notifies.
func TestProxyBypassUsesWinINetAPI(t *testing.T) {
	out := render(t, "proxy-bypass", fixtures(t)["one"])
	for _, want := range []string{"InternetSetOption", "SettingsChanged", "Refresh", "[OkvizCheck.WinInet]::SetBypass"} {
		if !strings.Contains(out, want) {
			t.Errorf("proxy-bypass lacks %s", want)
		}
	}
	if strings.Contains(out, "Set-ItemProperty -Path $key -Name ProxyOverride") {
		t.Error("proxy-bypass still edits ProxyOverride alone")
	}
}

func TestSquidExtendsStockPortLists(t *testing.T) {
	out := render(t, "squid", fixtures(t)["several"])
	for _, want := range []string{"acl SSL_ports port 8443", "acl Safe_ports port 8443"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("squid lacks %q", want)
		}
	}
}

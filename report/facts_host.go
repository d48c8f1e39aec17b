package report

import (
	"strings"

	"github.com/okviz/okviz-check/diag"
)

// hostFirewallFacts prints each profile's outbound default and each block:
// "Public profile: outbound block by default (local)",
// "block: Block WebView2 (group policy), Domain: msedgewebview2.exe".
func hostFirewallFacts(f *factList, d *diag.FirewallDetails) {
	for _, p := range d.Profiles {
		state := "outbound " + val(p.DefaultOutbound) + " by default"
		if !p.Enabled {
			state = "firewall off"
		}
		f.add(val(p.Name) + " profile: " + state + " (" + val(p.Store) + ")")
	}
	items(f, d.Blocks, func(b diag.FirewallBlock) string {
		return "block: " + val(b.Rule) + " (" + val(b.Store) + "), " + val(strings.Join(b.Profiles, "/")) + ": " + val(strings.Join(b.Programs, ", "))
	}, func(diag.FirewallBlock) string { return "block" })
}

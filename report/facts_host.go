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

// hostDefenderFacts prints each Network Protection event that names the
// target: "blocked 2026-11-30 09:12 UTC: https://host/x by msedgewebview2.exe".
func hostDefenderFacts(f *factList, d *diag.DefenderDetails) {
	what := func(e diag.DefenderEvent) string {
		if e.Blocked() {
			return "blocked"
		}
		return "audited"
	}
	items(f, d.Events, func(e diag.DefenderEvent) string {
		s := what(e)
		if !e.Time.IsZero() {
			s += " " + e.Time.UTC().Format("2006-01-02 15:04 UTC")
		}
		s += ": " + val(e.Path)
		if e.Process != "" {
			s += " by " + val(e.Process[strings.LastIndexAny(e.Process, `\/`)+1:])
		}
		return s
	}, what)
}

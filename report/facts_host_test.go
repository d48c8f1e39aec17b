package report

import (
	"slices"
	"testing"
	"time"

	"github.com/okviz/okviz-check/diag"
)

// One line per Network Protection event, saying blocked or audited, when,
// what and by which program.
func TestHostDefenderFacts(t *testing.T) {
	c := diag.Check{ID: diag.CheckHostDefender, Code: diag.HostDefenderBlocked, Details: &diag.DefenderDetails{Events: []diag.DefenderEvent{
		{ID: 1126, Time: time.Date(2026, 11, 30, 9, 12, 44, 0, time.UTC), Path: "https://license.okviz.com/x", Process: `C:\Program Files\Microsoft Power BI Desktop\bin\PBIDesktop.exe`},
		{ID: 1125, Path: "license.okviz.com"},
	}}}
	got := facts(c, "license.okviz.com")
	want := []string{"blocked 2026-11-30 09:12 UTC: https://license.okviz.com/x by PBIDesktop.exe", "audited: license.okviz.com"}
	if !slices.Equal(got, want) {
		t.Errorf("facts = %q, want %q", got, want)
	}
}

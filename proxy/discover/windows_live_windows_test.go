//go:build windows

package discover

import (
	"errors"
	"testing"
)

// The real call: WinHTTP answers, and its strings are freed. Under Wine
// (whose winhttp reads the same DefaultConnectionSettings blob as the
// registry reader, defaulting to auto-detect without one) the two must
// agree; on Windows they may differ for real reasons (a VPN), so only the
// call is checked there.
func TestIEProxyConfigForCurrentUser(t *testing.T) {
	cfg, err := ieProxyConfigForCurrentUser()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("live: %+v", cfg)
	if wineVersion() == "" {
		return
	}
	live, _ := cfg.settings()
	reg := readIE("windows-ie-user", "HKCU", osRegistry())
	if diffs := CompareIEConfig(live, reg.set); reg.Err == "" && len(diffs) > 0 {
		t.Errorf("under Wine the live answer and the registry differ: %q (registry notes %q)", diffs, reg.Notes)
	}
	// And discovery does not use Wine's answer for the route.
	if _, err := osLiveIE()(); !errors.Is(err, errNoAccess) {
		t.Errorf("under Wine osLiveIE gave %v, want it unavailable", err)
	}
}

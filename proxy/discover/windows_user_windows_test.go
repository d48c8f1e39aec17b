//go:build windows

package discover

import (
	"strings"
	"testing"
)

// The real calls: the process token's user and session, the sessions and
// their users, and the decision on them. They must not fail the run where
// an API is missing (Wine): what cannot be learned is in Err.
func TestWindowsAccounts(t *testing.T) {
	a := windowsAccounts()
	t.Logf("accounts: %+v", a)
	if !strings.HasPrefix(a.SelfSID, "S-1-") {
		t.Errorf("no SID for the process's own user: %+v", a)
	}
	w := WhoseSettings(a)
	t.Logf("whose: %+v", w)
	if w.Summary == "" || w.Hive == "" {
		t.Errorf("no decision: %+v", w)
	}
	// The hive read for another user is reachable through HKU.
	if w.Kind == WhoseInteractive {
		if _, err := osRegistry().SubKeys("HKU", w.SID); err != nil {
			t.Errorf("HKU\\%s: %v", w.SID, err)
		}
	}
}

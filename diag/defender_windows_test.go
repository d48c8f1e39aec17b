package diag

import (
	"context"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/internal/wine"
)

// TestReadDefenderEventsWindows reads the real event log. Where the
// channel does not exist (Wine, a Server without Defender) or cannot be
// read, the answer is a reason to skip, never an error or a failure; where
// it exists, what wevtutil printed parses.
func TestReadDefenderEventsWindows(t *testing.T) {
	evs, skip := readDefenderEvents(context.Background())
	if wine.Running() && skip == "" {
		// Wine has no Defender: its wevtutil answers nothing, which must
		// not read as "nothing blocked".
		t.Fatalf("under Wine the events read as %v, not as a skip", evs)
	}
	if skip != "" {
		if !strings.HasPrefix(skip, "Defender Network Protection's events were not checked: ") || evs != nil {
			t.Errorf("skip %q with events %v", skip, evs)
		}
		if wine.Running() {
			t.Logf("under Wine, as expected: %s", skip)
		}
		// The check a path gets from it is a skip with that reason.
		p := &Prober{DefenderEvents: func(context.Context) ([]DefenderEvent, string) { return evs, skip }}
		pt := &Path{Target: Target{Host: "license.okviz.com"}}
		runHost(context.Background(), p, pt)
		if len(pt.Checks) != 1 || pt.Checks[0].ID != CheckHostDefender || pt.Checks[0].Status != StatusSkip || pt.Checks[0].Summary != skip {
			t.Errorf("checks %+v", pt.Checks)
		}
		return
	}
	for _, e := range evs {
		if e.ID != evNPAudit && e.ID != evNPBlock {
			t.Errorf("event %+v", e)
		}
	}
}

// A run that has already ended reads nothing and says so.
func TestReadDefenderEventsCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if evs, skip := readDefenderEvents(ctx); skip == "" || evs != nil {
		t.Errorf("canceled: %v %q", evs, skip)
	}
}

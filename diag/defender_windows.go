//go:build windows

package diag

import (
	"context"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/okviz/okviz-check/internal/proc"
)

// defenderEvents reads Network Protection's events once per run (they are
// the machine's, not a target's), bounded by the first caller's context.
func defenderEvents() func(context.Context) ([]DefenderEvent, string) {
	var once sync.Once
	var evs []DefenderEvent
	var skip string
	return func(ctx context.Context) ([]DefenderEvent, string) {
		once.Do(func() { evs, skip = readDefenderEvents(ctx) })
		return evs, skip
	}
}

const (
	// defenderWindow is how far back the events are read: one week (the
	// summaries say "in the last 7 days"), the span over which users
	// usually report that "it stopped working".
	defenderWindow = 7 * 24 * time.Hour
	// defenderMaxEvents caps what is read: the newest events come first.
	defenderMaxEvents = 50
)

// defenderQuery selects events 1125 and 1126 of the last week (in
// milliseconds, as the event log's XPath counts).
var defenderQuery = "*[System[(EventID=" + strconv.Itoa(evNPAudit) + " or EventID=" + strconv.Itoa(evNPBlock) +
	") and TimeCreated[timediff(@SystemTime) <= " + strconv.FormatInt(defenderWindow.Milliseconds(), 10) + "]]]"

// readDefenderEvents runs wevtutil, newest events first. Where the events
// cannot be read (no wevtutil, no such channel: Wine, a Server without
// Defender; access denied) the check is skipped with the reason, never
// failed: that says nothing about the path.
func readDefenderEvents(ctx context.Context) ([]DefenderEvent, string) {
	const notChecked = "Defender Network Protection's events were not checked: "
	// First the channel itself: a query of a channel that is not there
	// prints nothing on Wine, which would read as "nothing blocked".
	gl, why := runWevtutil(ctx, "gl", defenderChannel)
	if why != "" {
		return nil, notChecked + "the " + defenderChannel + " event log cannot be read (" + why + ")"
	}
	switch exists, enabled := defenderChannelState(gl); {
	case !exists:
		return nil, notChecked + "this Windows has no " + defenderChannel + " event log (no Microsoft Defender, or Wine)"
	case !enabled:
		return nil, notChecked + "the " + defenderChannel + " event log is disabled"
	}
	out, why := runWevtutil(ctx, "qe", defenderChannel,
		"/q:"+defenderQuery, "/c:"+strconv.Itoa(defenderMaxEvents), "/rd:true", "/f:xml")
	if why != "" {
		return nil, notChecked + "the " + defenderChannel + " event log cannot be read (" + why + ")"
	}
	evs, err := parseDefenderEvents(out)
	if err != nil {
		return nil, notChecked + "wevtutil's answer is not the XML expected (" + err.Error() + ")"
	}
	return evs, ""
}

// runWevtutil runs wevtutil bounded by the run's context; on failure it
// says why in wevtutil's own words where it printed some ("Access is
// denied.", "The specified channel could not be found.").
func runWevtutil(ctx context.Context, args ...string) ([]byte, string) {
	out, err := proc.Bound(exec.CommandContext(ctx, "wevtutil", args...)).Output()
	if err == nil {
		return out, ""
	}
	if ctx.Err() != nil {
		return nil, "the run ended first"
	}
	why := err.Error()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if msg := strings.TrimSpace(string(ee.Stderr)); msg != "" {
			why = msg
		} else if msg := strings.TrimSpace(string(out)); msg != "" {
			why = msg
		}
	}
	return nil, why
}

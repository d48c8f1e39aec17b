package leakcheck

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// DefaultWait is how long Verify waits for new goroutines to end: enough
// for closed connections and cancelled contexts to unwind on a loaded CI
// machine, short enough that a real leak fails the test quickly.
const DefaultWait = 5 * time.Second

// pollEvery is the pause between two looks at the running goroutines.
const pollEvery = 20 * time.Millisecond

// Snapshot is the set of goroutines alive at one moment.
type Snapshot struct {
	ids map[uint64]bool
}

// Take records the goroutines running now.
func Take() Snapshot {
	s := Snapshot{ids: map[uint64]bool{}}
	for _, g := range goroutines() {
		s.ids[g.id] = true
	}
	return s
}

// Check takes a snapshot now and registers a cleanup that verifies it when
// the test ends. Call it first in the test: cleanups run last-in first-out,
// so servers and listeners the test registers afterwards are closed before
// the check runs.
func Check(tb testing.TB) {
	tb.Helper()
	checkWithin(tb, DefaultWait)
}

func checkWithin(tb testing.TB, wait time.Duration) {
	s := Take()
	tb.Cleanup(func() { s.VerifyWithin(tb, wait) })
}

// Verify is VerifyWithin with DefaultWait.
func (s Snapshot) Verify(tb testing.TB) {
	tb.Helper()
	s.VerifyWithin(tb, DefaultWait)
}

// VerifyWithin fails tb, with their stacks, when goroutines started after
// the snapshot are still running after wait.
func (s Snapshot) VerifyWithin(tb testing.TB, wait time.Duration) {
	tb.Helper()
	if extra := s.Leaked(wait); len(extra) > 0 {
		tb.Errorf("leakcheck: %d goroutine(s) started by the test are still running after %v:\n\n%s",
			len(extra), wait, strings.Join(extra, "\n\n"))
	}
}

// Leaked waits up to wait for the goroutines started after the snapshot to
// end and returns the stacks of those still running (nil when none).
func (s Snapshot) Leaked(wait time.Duration) []string {
	deadline := time.Now().Add(wait)
	for {
		extra := s.extra()
		if len(extra) == 0 {
			return nil
		}
		if !time.Now().Before(deadline) {
			out := make([]string, len(extra))
			for i, g := range extra {
				out[i] = g.stack
			}
			return out
		}
		time.Sleep(pollEvery)
	}
}

// extra lists the goroutines alive now that were not in the snapshot,
// leaving out the caller and the testing package's own.
func (s Snapshot) extra() []goroutine {
	self := currentID()
	var out []goroutine
	for _, g := range goroutines() {
		if s.ids[g.id] || g.id == self || ignored(g.stack) {
			continue
		}
		out = append(out, g)
	}
	return out
}

// ignored says whether a goroutine belongs to the test framework rather
// than to the code under test: test functions (including subtests that run
// their cleanups) and the framework's signal and timeout helpers.
func ignored(stack string) bool {
	for _, marker := range []string{
		"\ncreated by testing.",
		"testing.tRunner(",
		"testing.(*M).",
		"os/signal.signal_recv",
		"runtime.ensureSigM",
	} {
		if strings.Contains(stack, marker) {
			return true
		}
	}
	return false
}

// goroutine is one entry of a full stack dump.
type goroutine struct {
	id    uint64
	stack string
}

// goroutines dumps every goroutine's stack, growing the buffer until the
// dump fits, and splits it per goroutine.
func goroutines() []goroutine {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []goroutine
	for _, block := range bytes.Split(buf, []byte("\n\n")) {
		block = bytes.TrimSpace(block)
		if id, ok := parseID(block); ok {
			out = append(out, goroutine{id: id, stack: string(block)})
		}
	}
	return out
}

// currentID is the ID of the calling goroutine.
func currentID() uint64 {
	buf := make([]byte, 64)
	id, _ := parseID(buf[:runtime.Stack(buf, false)])
	return id
}

// parseID reads N from a dump's header line "goroutine N [state]:".
func parseID(block []byte) (uint64, bool) {
	rest, ok := bytes.CutPrefix(block, []byte("goroutine "))
	if !ok {
		return 0, false
	}
	num, _, ok := bytes.Cut(rest, []byte(" "))
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseUint(string(num), 10, 64)
	return id, err == nil
}

package leakcheck

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// blockUntil parks until stop is closed; its name shows in the stacks.
func blockUntil(stop <-chan struct{}) { <-stop }

func TestLeakedReportsANewBlockedGoroutine(t *testing.T) {
	s := Take()
	stop := make(chan struct{})
	defer close(stop)
	go blockUntil(stop)
	extra := s.Leaked(100 * time.Millisecond)
	if len(extra) != 1 {
		t.Fatalf("got %d leaked goroutines, want 1:\n%s", len(extra), strings.Join(extra, "\n\n"))
	}
	if !strings.Contains(extra[0], "leakcheck.blockUntil") || !strings.HasPrefix(extra[0], "goroutine ") {
		t.Errorf("the stack does not show the leaked function:\n%s", extra[0])
	}
}

func TestLeakedWaitsForGoroutinesThatEnd(t *testing.T) {
	s := Take()
	stop := make(chan struct{})
	go blockUntil(stop)
	time.AfterFunc(100*time.Millisecond, func() { close(stop) })
	if extra := s.Leaked(5 * time.Second); extra != nil {
		t.Fatalf("a goroutine that ends within the wait was reported:\n%s", strings.Join(extra, "\n\n"))
	}
}

func TestLeakedIgnoresGoroutinesOfTheSnapshot(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	go blockUntil(stop)
	s := Take()
	if extra := s.Leaked(50 * time.Millisecond); extra != nil {
		t.Fatalf("a goroutine older than the snapshot was reported:\n%s", strings.Join(extra, "\n\n"))
	}
}

// An earlier goroutine ending must not make room for a new one: the check
// compares identities, not counts.
func TestLeakedIsNotFooledByCounts(t *testing.T) {
	old := make(chan struct{})
	go blockUntil(old)
	s := Take()
	close(old)
	stop := make(chan struct{})
	defer close(stop)
	go blockUntil(stop)
	if extra := s.Leaked(100 * time.Millisecond); len(extra) != 1 {
		t.Fatalf("got %d leaked goroutines, want the new one only", len(extra))
	}
}

// recorder is a testing.TB that keeps failures and cleanups for inspection.
type recorder struct {
	testing.TB
	errors   []string
	cleanups []func()
}

func (r *recorder) Helper()                   {}
func (r *recorder) Cleanup(f func())          { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Errorf(f string, a ...any) { r.errors = append(r.errors, fmt.Sprintf(f, a...)) }

func TestCheckFailsTheTest(t *testing.T) {
	r := &recorder{TB: t}
	checkWithin(r, 100*time.Millisecond)
	stop := make(chan struct{})
	defer close(stop)
	go blockUntil(stop)
	if len(r.cleanups) != 1 {
		t.Fatalf("Check registered %d cleanups, want 1", len(r.cleanups))
	}
	r.cleanups[0]()
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "1 goroutine(s)") || !strings.Contains(r.errors[0], "leakcheck.blockUntil") {
		t.Fatalf("errors = %q", r.errors)
	}
}

func TestCheckPassesACleanTest(t *testing.T) {
	r := &recorder{TB: t}
	Check(r)
	done := make(chan struct{})
	go func() { close(done) }()
	<-done
	for _, f := range r.cleanups {
		f()
	}
	if len(r.errors) != 0 {
		t.Fatalf("errors = %q", r.errors)
	}
}

func TestParseID(t *testing.T) {
	tests := []struct {
		in string
		id uint64
		ok bool
	}{
		{"goroutine 17 [chan receive]:\nmain.f()", 17, true},
		{"goroutine 1 [running]:", 1, true},
		{"goroutine x [running]:", 0, false},
		{"goroutine 5", 0, false},
		{"main.f()", 0, false},
	}
	for _, tt := range tests {
		id, ok := parseID([]byte(tt.in))
		if id != tt.id || ok != tt.ok {
			t.Errorf("parseID(%q) = %d, %v; want %d, %v", tt.in, id, ok, tt.id, tt.ok)
		}
	}
}

func TestGoroutinesSeesTheCaller(t *testing.T) {
	self := currentID()
	if self == 0 {
		t.Fatal("no ID for the current goroutine")
	}
	found := false
	for _, g := range goroutines() {
		found = found || g.id == self
	}
	if !found {
		t.Fatalf("goroutine %d is missing from the dump", self)
	}
}

func TestAllocated(t *testing.T) {
	var keep [][]byte
	n := Allocated(func() {
		for range 8 {
			keep = append(keep, make([]byte, 1<<20))
		}
	})
	if n < 8<<20 || n > 9<<20 {
		t.Errorf("Allocated = %d bytes for 8 MiB of slices", n)
	}
	if small := Allocated(func() {}); small > 64<<10 {
		t.Errorf("Allocated = %d bytes for nothing", small)
	}
	_ = keep
}

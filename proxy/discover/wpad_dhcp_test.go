package discover

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeDHCP stands for DhcpRequestParams: each adapter answers when the
// test says so (or at once when it has an answer ready), and it counts how
// many requests are inside the call at the same time.
type fakeDHCP struct {
	mu       sync.Mutex
	inFlight int
	most     int
	asked    []string
	answers  map[string]string // adapter → URL, answered at once
	release  chan struct{}     // adapters not in answers block until closed
}

func (f *fakeDHCP) ask(a string) (string, error) {
	f.mu.Lock()
	f.inFlight++
	f.most = max(f.most, f.inFlight)
	f.asked = append(f.asked, a)
	u, ready := f.answers[a]
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}()
	if !ready {
		<-f.release
	}
	if u == "fail" {
		return "", errors.New("ERROR_INVALID_PARAMETER")
	}
	return u, nil
}

func adapterNames(n int) []string {
	var names []string
	for i := range n {
		names = append(names, fmt.Sprintf("{%02d}", i))
	}
	return names
}

// Every adapter answers: all URLs come back in adapter order, the
// requests never exceed the parallel bound, and the API may be released
// as soon as they are done.
func TestAskAdaptersAnswered(t *testing.T) {
	f := &fakeDHCP{answers: map[string]string{}, release: make(chan struct{})}
	names := adapterNames(30)
	for i, n := range names {
		switch i % 3 {
		case 0:
			f.answers[n] = "http://wpad.corp.example/" + n + ".dat"
		case 1:
			f.answers[n] = "" // no option 252 on this network
		case 2:
			f.answers[n] = "fail"
		}
	}
	offers, idle := askAdapters(context.Background(), names, f.ask, time.Hour, DHCPMaxParallel)
	<-idle
	if len(offers) != len(names) || len(f.asked) != len(names) {
		t.Fatalf("%d offers for %d adapters, %d asked", len(offers), len(names), len(f.asked))
	}
	for i, o := range offers {
		want := f.answers[names[i]]
		if o.Adapter != names[i] {
			t.Errorf("offer %d is for %s, want %s", i, o.Adapter, names[i])
		}
		switch {
		case want == "fail" && (o.URL != "" || !strings.Contains(o.Err, "ERROR_INVALID_PARAMETER")):
			t.Errorf("%s: %+v, want the OS error", o.Adapter, o)
		case want != "fail" && (o.URL != want || o.Err != ""):
			t.Errorf("%s: %+v, want URL %q", o.Adapter, o, want)
		}
	}
	if f.most > DHCPMaxParallel {
		t.Errorf("%d requests at once, bound %d", f.most, DHCPMaxParallel)
	}
}

// Adapters that never answer: each is given up at its deadline, the
// hung requests keep their slots (so no more than the bound are ever
// inside the OS call, and the adapters behind them are asked only as slots
// free up or not at all), and the "idle" signal that allows cleanup waits
// for the hung requests to return.
func TestAskAdaptersHung(t *testing.T) {
	f := &fakeDHCP{answers: map[string]string{"{00}": "http://wpad.corp.example/wpad.dat"}, release: make(chan struct{})}
	names := adapterNames(20)
	const parallel = 4
	ctx, cancel := context.WithCancel(context.Background())
	type result struct {
		offers []DHCPOffer
		idle   <-chan struct{}
	}
	res := make(chan result, 1)
	go func() {
		o, idle := askAdapters(ctx, names, f.ask, 20*time.Millisecond, parallel)
		res <- result{o, idle}
	}()
	// Four requests hang in their slots forever: with every slot held by
	// a hung request, the remaining adapters can only wait; the overall
	// budget ends that wait.
	deadline := time.After(time.Minute)
	for {
		f.mu.Lock()
		stuck := f.inFlight
		f.mu.Unlock()
		if stuck == parallel {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("only %d requests ever in flight", stuck)
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	r := <-res
	f.mu.Lock()
	most, asked := f.most, len(f.asked)
	f.mu.Unlock()
	if most > parallel {
		t.Errorf("%d requests at once, bound %d", most, parallel)
	}
	if asked >= len(names) {
		t.Errorf("all %d adapters asked although the slots were held", asked)
	}
	answered, gaveUp, notAsked := 0, 0, 0
	for _, o := range r.offers {
		switch {
		case o.URL != "":
			answered++
		case strings.HasPrefix(o.Err, "not asked"):
			notAsked++
		case strings.Contains(o.Err, "no answer"):
			gaveUp++
		default:
			t.Errorf("%s: %+v", o.Adapter, o)
		}
	}
	if answered+gaveUp+notAsked != len(names) || notAsked != len(names)-asked || gaveUp != asked-answered {
		t.Errorf("%d answered, %d given up, %d not asked, of %d (%d asked)", answered, gaveUp, notAsked, len(names), asked)
	}
	select {
	case <-r.idle:
		t.Fatal("idle while requests are still inside the OS call: cleanup would free what they use")
	default:
	}
	close(f.release)
	<-r.idle // returns once the hung requests do
}

// A budget that is already spent asks nobody.
func TestAskAdaptersNoBudget(t *testing.T) {
	f := &fakeDHCP{answers: map[string]string{}, release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	offers, idle := askAdapters(ctx, adapterNames(3), f.ask, time.Hour, 0)
	<-idle
	if len(f.asked) != 0 {
		t.Errorf("asked %v with no time left", f.asked)
	}
	for _, o := range offers {
		if !strings.HasPrefix(o.Err, "not asked") {
			t.Errorf("%+v", o)
		}
	}
}

// Per-adapter failures reach the source's notes.
func TestReadWPADDHCPAdapterErrors(t *testing.T) {
	sys := System{GOOS: "windows", DHCPWPAD: func(context.Context) ([]DHCPOffer, error) {
		return []DHCPOffer{{Adapter: "{A}", Err: "no answer within 2s"}, {Adapter: "{B}", URL: "http://wpad.corp.example/wpad.dat"}}, nil
	}}
	s := readWPADDHCP(context.Background(), sys, true)
	if !s.Found || s.set.PACURL != "http://wpad.corp.example/wpad.dat" {
		t.Errorf("source %+v", s)
	}
	if !strings.Contains(strings.Join(s.Notes, "\n"), "adapter {A}: no answer within 2s") {
		t.Errorf("notes %q", s.Notes)
	}
}

// One budget for all of discovery: a settings command and a DHCP request
// that never return on their own (a dead D-Bus, a DHCP client that never
// answers) end with the context, and discovery still reports every source.
func TestDiscoverBudget(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	hung := make(chan struct{})
	defer close(hung)
	sys := System{
		GOOS: "linux",
		LookupEnv: func(k string) (string, bool) {
			return map[string]string{"XDG_CURRENT_DESKTOP": "GNOME"}[k], k == "XDG_CURRENT_DESKTOP"
		},
		RunCommand: func(ctx context.Context, name string, args ...string) ([]byte, error) {
			<-ctx.Done() // as proc.Bound kills the program at the deadline
			return nil, fmt.Errorf("%s: %w", name, ctx.Err())
		},
		DHCPWPAD: func(ctx context.Context) ([]DHCPOffer, error) {
			offers, _ := askAdapters(ctx, []string{"{A}"}, func(string) (string, error) { <-hung; return "", nil }, time.Hour, DHCPMaxParallel)
			return offers, nil
		},
	}
	srcs := Discover(ctx, sys, Given{})
	gnome := findSource(t, srcs, "gnome")
	if !strings.Contains(gnome.Err, "deadline exceeded") {
		t.Errorf("gnome: %+v", gnome)
	}

	// Windows with nothing stored: auto-detect, so DHCP is asked, and the
	// adapter that never answers is given up when the budget ends.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	sys.GOOS, sys.Registry = "windows", RegistryMap{}
	dhcp := findSource(t, Discover(ctx2, sys, Given{}), "wpad-dhcp")
	if !hasNote(dhcp.Notes, "adapter {A}: no answer before discovery ran out of time") {
		t.Errorf("wpad-dhcp: %+v", dhcp)
	}
}

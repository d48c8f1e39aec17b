package diag

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/internal/leakcheck"
)

// blackHoleHost is where scale and end-to-end tests send black-holed
// targets: fakeDialer blocks dials to it until their context ends, so no
// packet is ever sent there.
const blackHoleHost = "127.0.0.2"

// origin is a healthy HTTPS origin on loopback, with a certificate for
// 127.0.0.1, that counts the requests for each path.
type origin struct {
	addr  string
	mu    sync.Mutex
	paths map[string]int
}

// startHealthyOrigin serves 200 "ok" over HTTP/2 (h2 only by ALPN) or
// HTTP/1.1 only, until the test ends.
func startHealthyOrigin(tb testing.TB, leaf *certgen.Leaf, h2 bool) *origin {
	tb.Helper()
	o := &origin{paths: map[string]int{}}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.paths[r.URL.Path]++
		o.mu.Unlock()
		_, _ = io.WriteString(w, "ok")
	}))
	// Hedged handshakes that the prober cancels are expected here.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf.TLS}}
	srv.EnableHTTP2 = h2
	srv.StartTLS()
	tb.Cleanup(srv.Close)
	o.addr = srv.Listener.Addr().String()
	return o
}

// requests returns how often path was requested.
func (o *origin) requests(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.paths[path]
}

// peakDialer passes dials to next and records the most that were in
// flight at once.
type peakDialer struct {
	next           Dialer
	mu             sync.Mutex
	inFlight, peak int
}

func (d *peakDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.inFlight++
	d.peak = max(d.peak, d.inFlight)
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.inFlight--
		d.mu.Unlock()
	}()
	return d.next.DialContext(ctx, network, addr)
}

// scaleTarget is one target of a scale run and its expected verdict.
type scaleTarget struct {
	tg     Target
	want   Code
	origin *origin // for healthy targets
	path   string
}

// scaleFixture builds servers healthy origins (alternately HTTP/2 and
// HTTP/1.1) with paths targets each, refused targets on closed ports and
// scattered black holes, in a fixed pseudo-random order; then, when
// blockAt >= 0, inserts a block of maxParallelTargets consecutive black
// holes at that index.
func scaleFixture(tb testing.TB, servers, paths, refused, scattered, blockAt int) ([]scaleTarget, *certgen.CA) {
	tb.Helper()
	ca := certgen.Must(certgen.NewCA("Scale Test Root"))
	leaf := certgen.Must(ca.Leaf([]string{"127.0.0.1"}))
	var out []scaleTarget
	for i := range servers {
		o := startHealthyOrigin(tb, leaf, i%2 == 0)
		for j := range paths {
			path := fmt.Sprintf("/s%d/p%d", i, j)
			out = append(out, scaleTarget{tg: loopbackTarget(tb, o.addr, path), want: "ok", origin: o, path: path})
		}
	}
	for range refused {
		out = append(out, scaleTarget{tg: loopbackTarget(tb, closedAddr(tb), "/"), want: "tcp.refused"})
	}
	port := 1000
	blackHole := func() scaleTarget {
		port++
		return scaleTarget{tg: loopbackTarget(tb, net.JoinHostPort(blackHoleHost, strconv.Itoa(port)), "/"), want: "tcp.timeout"}
	}
	for range scattered {
		out = append(out, blackHole())
	}
	rand.New(rand.NewPCG(7, 11)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	if blockAt >= 0 {
		block := make([]scaleTarget, maxParallelTargets)
		for i := range block {
			block[i] = blackHole()
		}
		out = slices.Insert(out, blockAt, block...)
	}
	return out, ca
}

// closedAddr is a loopback address where nothing listens any more.
func closedAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// scaleTimeout is the prober's timeout in the scale run: the product's
// default, so that 16 probes at once under the race detector on a small CI
// machine (post-quantum handshakes on both ends in one process) stay far
// from it. Black holes do not wait for it: see blackHoles.
const scaleTimeout = 5 * time.Second

// blackHoles fakes dropped SYNs at blackHoleHost and dials the rest for
// real. A black-holed dial blocks until n of them are blocked at the same
// time (or its context ends), then fails with ETIMEDOUT, as connect does
// when its SYN retries run out. Releasing them on that barrier instead of
// on the prober's timeout keeps the run short and makes n overlapping
// dials certain when the runner allows them, and impossible to mistake
// for a timing accident when it does not.
type blackHoles struct {
	n       int
	real    net.Dialer
	mu      sync.Mutex
	waiting int
	full    chan struct{} // closed once n dials were blocked at once
}

func newBlackHoles(n int) *blackHoles { return &blackHoles{n: n, full: make(chan struct{})} }

func (b *blackHoles) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if host, _, _ := net.SplitHostPort(addr); host != blackHoleHost {
		return b.real.DialContext(ctx, network, addr)
	}
	b.mu.Lock()
	b.waiting++
	if b.waiting == b.n && !b.released() {
		close(b.full)
	}
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.waiting--
		b.mu.Unlock()
	}()
	select {
	case <-b.full:
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ETIMEDOUT)}
	case <-ctx.Done():
		return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
	}
}

// released reports whether the barrier was reached.
func (b *blackHoles) released() bool {
	select {
	case <-b.full:
		return true
	default:
		return false
	}
}

func TestRunScale(t *testing.T) {
	leakcheck.Check(t)
	// 20 origins × 8 paths, 20 refused ports, 4 scattered black holes,
	// and a block of 16 consecutive black holes: 200 targets.
	targets, ca := scaleFixture(t, 20, 8, 20, 4, 100)
	if len(targets) != 200 {
		t.Fatalf("fixture has %d targets, want 200", len(targets))
	}
	holes := newBlackHoles(maxParallelTargets)
	dialer := &peakDialer{next: holes}
	p := hostileProber(ca, scaleTimeout)
	p.Dialer = dialer
	in := make([]Target, len(targets))
	for i, st := range targets {
		in[i] = st.tg
	}

	done := make(chan []TargetResult, 1)
	go func() { done <- p.Run(context.Background(), in, Full()) }()
	var out []TargetResult
	// Hang detector: the run needs a few seconds under the race detector;
	// even black holes that missed their barrier end at scaleTimeout.
	const hang = 120 * time.Second
	select {
	case out = <-done:
	case <-time.After(hang):
		t.Fatalf("Run of %d targets did not return within %v", len(in), hang)
	}

	if len(out) != len(in) {
		t.Fatalf("%d results for %d targets", len(out), len(in))
	}
	for i, res := range out {
		st := targets[i]
		if res.Target != st.tg.URL {
			t.Fatalf("result %d is for %s, want %s: results out of input order", i, res.Target, st.tg.URL)
		}
		if res.Verdict.Code != st.want {
			t.Errorf("%s: verdict %s (%s), want %s", res.Target, res.Verdict.Code, res.Verdict.Summary, st.want)
		}
		if st.origin != nil {
			if n := st.origin.requests(st.path); n != 1 {
				t.Errorf("%s was requested %d times, want once", res.Target, n)
			}
		}
	}
	// Each target here is an address literal, so it has at most one dial
	// in flight at any time: its TCP connect, then (one after the other)
	// the hedged classic handshake's redial or the captive-portal request;
	// the neutral-SNI variant needs a host name. Dials in flight therefore
	// count targets in flight. The block of consecutive black holes holds
	// its dials until maxParallelTargets of them are blocked together,
	// which a bounded runner allows exactly: the bound must be reached,
	// never passed.
	if dialer.peak > maxParallelTargets {
		t.Errorf("%d dials were in flight at once: more than maxParallelTargets = %d targets ran together", dialer.peak, maxParallelTargets)
	}
	if !holes.released() || dialer.peak < maxParallelTargets {
		t.Errorf("at most %d dials were in flight at once (barrier reached: %v): the runner did not run maxParallelTargets = %d targets together",
			dialer.peak, holes.released(), maxParallelTargets)
	}
}

// BenchmarkRun200 reports the wall time of one Run over 200 loopback
// targets: 20 origins × 9 paths (half HTTP/2, half HTTP/1.1) and 20
// refused ports. Black holes are left out: they would only measure the
// timeout.
func BenchmarkRun200(b *testing.B) {
	targets, ca := scaleFixture(b, 20, 9, 20, 0, -1)
	p := hostileProber(ca, 5*time.Second)
	in := make([]Target, len(targets))
	for i, st := range targets {
		in[i] = st.tg
	}
	for b.Loop() {
		out := p.Run(context.Background(), in, Full())
		for i, res := range out {
			if res.Verdict.Code != targets[i].want {
				b.Fatalf("%s: verdict %s, want %s", res.Target, res.Verdict.Code, targets[i].want)
			}
		}
	}
	b.ReportMetric(float64(len(in)*b.N)/b.Elapsed().Seconds(), "targets/s")
}

package pac

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/leakcheck"
)

// pacBlockingResolver is DNS that the network silently drops.
func pacBlockingResolver(ctx context.Context, host string) ([]net.IP, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// evalWithHangGuard evaluates on another goroutine and fails the test if
// the call does not return long after its own Timeout (a hang guard, not
// a speed assertion: the engine must stop the script, however slowly the
// machine runs).
func evalWithHangGuard(t *testing.T, ctx context.Context, src string, env EvalEnv) (Evaluation, error) {
	t.Helper()
	type out struct {
		ev  Evaluation
		err error
	}
	ch := make(chan out, 1)
	go func() {
		p, err := ParsePAC([]byte(src))
		if err != nil {
			ch <- out{err: err}
			return
		}
		ev, err := p.FindProxy(ctx, "https://api.okviz.com/", env)
		ch <- out{ev, err}
	}()
	select {
	case o := <-ch:
		return o.ev, o.err
	case <-time.After(env.Timeout + 60*time.Second):
		t.Fatalf("evaluation still running %v after its timeout of %v", 60*time.Second, env.Timeout)
	}
	return Evaluation{}, nil
}

// waitGoroutines waits for the goroutines started since before (the
// watchdog's, the evaluation's) to end, and fails the test with the
// stacks of those still running after 10 s.
func waitGoroutines(t *testing.T, before leakcheck.Snapshot) {
	t.Helper()
	before.VerifyWithin(t, 10*time.Second)
}

func TestFindProxyHostile(t *testing.T) {
	before := leakcheck.Take()
	release := make(chan struct{})
	short := func(env *EvalEnv) { env.Timeout = 300 * time.Millisecond }
	tests := []struct {
		name  string
		src   string
		setup func(*EvalEnv)
		msg   string // part of the runaway message
	}{
		{"infinite loop", "function FindProxyForURL(u, h) {\n  for (;;) {}\n}", short, "did not finish within 300ms"},
		{"loop while loading", "while (true) {}\nfunction FindProxyForURL(u, h) { return \"DIRECT\"; }", short, "did not finish"},
		{"loop in a getter", "Object.defineProperty(this, \"FindProxyForURL\", {get: function () { for (;;) {} }});", short, "did not finish"},
		{"loop in a thrown toString", "function FindProxyForURL(u, h) { throw {toString: function () { for (;;) {} }}; }", short, "did not finish"},
		{"catching everything", "function FindProxyForURL(u, h) { for (;;) { try { for (;;) {} } catch (e) {} finally { continue; } } }", short, "did not finish"},
		{"loop in a callback", "function FindProxyForURL(u, h) { [1, 2].forEach(function () { for (;;) {} }); }", short, "did not finish"},
		{"promise loop", "function f() { Promise.resolve().then(f); }\nfunction FindProxyForURL(u, h) { f(); return \"DIRECT\"; }", short, "did not finish"},
		{"regexp loop", "function FindProxyForURL(u, h) { for (;;) shExpMatch(h, \"*.okviz.com\"); }", short, "did not finish"},
		{"unbounded allocation", `var keep = [];
function FindProxyForURL(u, h) {
  var s = "x";
  for (;;) {
    s = s + s;
    keep.push(s);
    if (s.length > (1 << 22)) s = "y" + keep.length;
  }
}`, func(env *EvalEnv) { env.Timeout, env.MaxHeap = 60*time.Second, 32<<20 }, "more than 32 MiB of memory"},
		{"unbounded objects", "var a = [];\nfunction FindProxyForURL(u, h) { for (;;) a.push({n: a.length, s: \"item\" + a.length}); }",
			func(env *EvalEnv) { env.Timeout, env.MaxHeap = 60*time.Second, 16<<20 }, "more than 16 MiB of memory"},
		{"DNS that never answers", "function FindProxyForURL(u, h) { return dnsResolve(\"slow.corp\") ? \"DIRECT\" : \"DIRECT\"; }",
			func(env *EvalEnv) { env.Timeout, env.Resolve = 300*time.Millisecond, pacBlockingResolver }, "DNS lookups that timed out: slow.corp"},
		{"DNS in a loop", "function FindProxyForURL(u, h) { for (var i = 0; ; i++) isInNet(\"h\" + i + \".corp\", \"10.0.0.0\", \"255.0.0.0\"); }",
			func(env *EvalEnv) {
				env.Timeout, env.DNSTimeout, env.Resolve = 400*time.Millisecond, 20*time.Millisecond, pacBlockingResolver
			}, "h0.corp, h1.corp, h2.corp, …"},
		{"resolver that ignores its context", "function FindProxyForURL(u, h) { return isResolvable(\"stuck.corp\") ? \"DIRECT\" : \"DIRECT\"; }",
			func(env *EvalEnv) {
				env.Timeout = 300 * time.Millisecond
				env.Resolve = func(context.Context, string) ([]net.IP, error) { <-release; return nil, errors.New("released") }
			}, "did not finish"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := pacTestEnv()
			tt.setup(&env)
			ev, err := evalWithHangGuard(t, context.Background(), tt.src, env)
			var pe *PACError
			if !errors.As(err, &pe) || pe.Kind != PACRunaway || !strings.Contains(pe.Message, tt.msg) {
				t.Fatalf("err = %v; want a runaway error saying %q", err, tt.msg)
			}
			if ev.Result != "" {
				t.Errorf("a runaway script has Result %q", ev.Result)
			}
		})
	}
	close(release) // the ill-behaved resolver returns; its goroutine ends
	waitGoroutines(t, before)
}

func TestFindProxyRunawayPosition(t *testing.T) {
	env, _ := pacTestEnv()
	env.Timeout = 200 * time.Millisecond
	_, err := evalWithHangGuard(t, context.Background(), "function FindProxyForURL(u, h) {\n  var n = 0;\n  while (true) {\n    n++;\n  }\n}", env)
	var pe *PACError
	if !errors.As(err, &pe) || pe.Kind != PACRunaway || pe.Line < 3 || pe.Line > 4 {
		t.Errorf("err = %v (line %d); want a runaway error at line 3 or 4", err, pe.Line)
	}
}

func TestFindProxyCanceled(t *testing.T) {
	before := leakcheck.Take()
	env, _ := pacTestEnv()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := evalWithHangGuard(t, ctx, "function FindProxyForURL(u, h) { for (;;) {} }", env)
	var pe *PACError
	if !errors.Is(err, context.Canceled) || errors.As(err, &pe) {
		t.Errorf("err = %v; want context.Canceled and not a PAC error", err)
	}
	waitGoroutines(t, before)
}

func TestFindProxyNoGoroutineLeft(t *testing.T) {
	before := leakcheck.Take()
	env, _ := pacTestEnv()
	for _, src := range []string{
		"function FindProxyForURL(u, h) { return \"DIRECT\"; }",
		"function FindProxyForURL(u, h) { return dnsResolve(\"proxy.corp\"); }",
		"function FindProxyForURL(u, h) { throw new Error(\"x\"); }",
	} {
		_, _ = evalWithHangGuard(t, context.Background(), src, env)
	}
	waitGoroutines(t, before)
}

// TestFindProxyRunawayStopPosition: a runaway script is reported where it
// was stopped, also when the loop that runs compiles to code without a
// source position of its own (a constant condition and an empty body), where
// the engine alone names the statement before the loop, or line 1, column 1
// for a loop that begins FindProxyForURL.
func TestFindProxyRunawayStopPosition(t *testing.T) {
	tests := []struct {
		name, src    string
		line, column int
	}{
		{"for (;;) first in the function", "function FindProxyForURL(url, host) {\n  for (;;) {}\n}", 2, 3},
		{"while (true) after a statement", "function FindProxyForURL(url, host) {\n  var n = 0;\n  while (true) {}\n}", 3, 3},
		{"do-while (1)", "\n\nfunction FindProxyForURL(url, host) {\n  do {} while (1);\n}", 4, 3},
		{"empty statement body", "function FindProxyForURL(url, host) {\n  var n = 0;\n  while (\"yes\");\n}", 3, 3},
		{"top-level loop", "// global code runs first\nvar a = 1;\nwhile (true) {}\nfunction FindProxyForURL(url, host) { return \"DIRECT\"; }", 3, 1},
		{"in a function expression", "\nvar f = function () {\n  while (true);\n};\nfunction FindProxyForURL(url, host) {\n  f();\n  return \"DIRECT\";\n}", 3, 3},
		// Loops with positioned code: the engine's own position stands.
		{"loop with a body", "function FindProxyForURL(url, host) {\n  var n = 0;\n  while (true) {\n    n++;\n  }\n}", 4, 5},
		{"loop with a condition", "function FindProxyForURL(url, host) {\n  var n = 0;\n  while (n < 10) {}\n}", 3, 10},
		// A silent loop right after a loop: the engine names the end of the
		// first loop, which might be the one running; the position stands
		// (TestStopPositionKeepsDoubt).
		{"after a finished loop", "function FindProxyForURL(url, host) {\n  for (var i = 0; i < 3; i++) {}\n  while (true) {}\n}", 2, 26},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := pacTestEnv()
			env.Timeout = 200 * time.Millisecond
			_, err := evalWithHangGuard(t, context.Background(), tt.src, env)
			var pe *PACError
			if !errors.As(err, &pe) || pe.Kind != PACRunaway {
				t.Fatalf("err = %v; want a runaway error", err)
			}
			if pe.Line != tt.line || pe.Column != tt.column {
				t.Errorf("stopped at line %d, column %d (%v); want line %d, column %d", pe.Line, pe.Column, err, tt.line, tt.column)
			}
		})
	}
}

// TestStopPositionKeepsDoubt: when the engine's position lies inside a
// loop that ends before a silent loop, either may be the one that ran, and
// the engine's position stands.
func TestStopPositionKeepsDoubt(t *testing.T) {
	sh := pacShape{
		funcs: []pacSpan{{start: pacPos{1, 1}, end: pacPos{9, 2}}},
		loops: []pacSpan{
			{start: pacPos{2, 3}, end: pacPos{4, 4}},
			{start: pacPos{5, 3}, end: pacPos{5, 18}, silent: true},
		},
	}
	if got := sh.stopPosition(pacPos{3, 5}); got != (pacPos{3, 5}) {
		t.Errorf("stopPosition inside the first loop = %v; want it kept", got)
	}
	if got := sh.stopPosition(pacPos{4, 10}); got != (pacPos{5, 3}) {
		t.Errorf("stopPosition after the first loop = %v; want the silent loop", got)
	}
	if got := sh.stopPosition(pacPos{6, 1}); got != (pacPos{6, 1}) {
		t.Errorf("stopPosition after every loop = %v; want it kept", got)
	}
}

package pac

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"runtime/metrics"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
)

// pacHeapPoll is how often the watchdog samples the heap while a script
// runs: often enough that a script allocating in a loop is stopped within a
// few tens of MiB of the ceiling.
const pacHeapPoll = 5 * time.Millisecond

// pacResolverGrace is how long an evaluation waits, after it ends, for the
// lookups it abandoned to return (a Resolve that honours its context
// returns at once).
const pacResolverGrace = 200 * time.Millisecond

// pacStopReason is the value the watchdog interrupts the runtime with.
type pacStopReason int

const (
	pacStopNone pacStopReason = iota
	pacStopDeadline
	pacStopHeap
)

func (r pacStopReason) String() string {
	switch r {
	case pacStopDeadline:
		return "deadline"
	case pacStopHeap:
		return "heap ceiling"
	}
	return "none"
}

// pacState is one evaluation: its runtime, limits, caches and findings.
type pacState struct {
	shape pacShape
	env   EvalEnv
	ev    *Evaluation
	ctx   context.Context
	vm    *goja.Runtime

	// Originals captured before the script runs, so a script that replaces
	// them cannot change how the engine describes its errors.
	toString    goja.Callable
	syntaxError *goja.Object
	rangeError  *goja.Object

	answers  map[string]pacAnswer
	pending  sync.WaitGroup
	patterns map[string]*regexp.Regexp
}

// run evaluates prog under a watchdog and returns a classified error.
func (st *pacState) run(parent context.Context, prog *goja.Program) error {
	ctx, cancel := context.WithTimeout(parent, st.env.Timeout)
	defer cancel()
	st.ctx = ctx
	st.vm = goja.New()
	wd := startPACWatchdog(ctx, cancel, st.vm, st.env.MaxHeap)
	err := st.guarded(prog)
	reason := wd.stop()
	// A DNS lookup bounded by the same deadline can end the script just
	// before ctx's own timer fires: where the clock is coarse (Windows
	// ticks every 0.5 to 15.6 ms) the two deadlines come out equal and
	// either timer may fire first. The deadline decides, not the timer.
	deadline, _ := ctx.Deadline()
	late := errors.Is(ctx.Err(), context.DeadlineExceeded) || !time.Now().Before(deadline)
	cancel()
	st.waitLookups()

	var pe *PACError
	errors.As(err, &pe)
	switch {
	case parent.Err() != nil:
		return fmt.Errorf("PAC evaluation stopped: %w", parent.Err())
	case reason == pacStopHeap:
		return st.runaway(pe, fmt.Sprintf("the script used more than %d MiB of memory", st.env.MaxHeap>>20))
	case reason == pacStopDeadline || late:
		return st.runaway(pe, fmt.Sprintf("the script did not finish within %s%s", st.env.Timeout, st.slowLookups()))
	}
	return err
}

// runaway builds the runaway error, keeping the position where the script
// was stopped when the engine reported one.
func (st *pacState) runaway(at *PACError, msg string) error {
	// A result the script produced after its deadline does not count.
	st.ev.Result, st.ev.Proxies = "", nil
	e := &PACError{Kind: PACRunaway, Message: msg}
	if at != nil {
		e.Line, e.Column, e.Err = at.Line, at.Column, at.Err
		if at.Line > 0 {
			p := st.shape.stopPosition(pacPos{at.Line, at.Column})
			e.Line, e.Column = p.line, p.column
		}
	}
	return e
}

// slowLookups names DNS lookups that timed out: the usual reason a PAC
// script is slow is a helper waiting for DNS that the network blocks.
func (st *pacState) slowLookups() string {
	var names []string
	for _, l := range st.ev.Lookups {
		if errors.Is(l.Err, context.DeadlineExceeded) {
			names = append(names, l.Host)
		}
	}
	if len(names) == 0 {
		return ""
	}
	if len(names) > 3 {
		names = append(names[:3], "…")
	}
	return fmt.Sprintf(" (DNS lookups that timed out: %s)", strings.Join(names, ", "))
}

// guarded runs the script and the entry point. Anything the engine throws
// at us, including a panic, becomes an error: bad input never panics.
func (st *pacState) guarded(prog *goja.Program) (err error) {
	defer func() {
		if x := recover(); x != nil {
			err = st.panicError(x)
		}
	}()
	if err := st.install(); err != nil {
		return &PACError{Kind: PACRuntime, Message: "setting up the PAC functions failed", Err: err}
	}
	if _, err := st.vm.RunProgram(prog); err != nil {
		return st.scriptError(err)
	}
	name, fn, err := st.entryPoint()
	if err != nil {
		return err
	}
	st.ev.Function = name
	v, err := fn(goja.Undefined(), st.vm.ToValue(st.ev.URL), st.vm.ToValue(st.ev.Host))
	if err != nil {
		return st.scriptError(err)
	}
	return st.takeResult(name, v)
}

func (st *pacState) panicError(x any) error {
	switch v := x.(type) {
	case error:
		var ex *goja.Exception
		var ie *goja.InterruptedError
		var so *goja.StackOverflowError
		if errors.As(v, &ex) || errors.As(v, &ie) || errors.As(v, &so) {
			return st.scriptError(v)
		}
	case goja.Value:
		return &PACError{Kind: PACRuntime, Message: "uncaught exception: " + st.describe(v)}
	}
	return &PACError{Kind: PACRuntime, Message: fmt.Sprintf("the JavaScript engine failed: %v", x)}
}

// entryPoint finds the function to call (see EvalEnv.PreferEx).
func (st *pacState) entryPoint() (string, goja.Callable, error) {
	get := func(name string) (goja.Callable, bool) { return goja.AssertFunction(st.vm.Get(name)) }
	if st.env.PreferEx {
		if fn, ok := get("FindProxyForURLEx"); ok {
			return "FindProxyForURLEx", fn, nil
		}
	}
	if fn, ok := get("FindProxyForURL"); ok {
		return "FindProxyForURL", fn, nil
	}
	msg := "FindProxyForURL is not defined"
	if _, ok := get("FindProxyForURLEx"); ok {
		msg += " (the script defines only FindProxyForURLEx, which Internet Explorer and WinHTTP call but Chromium-based browsers do not)"
	}
	return "", nil, &PACError{Kind: PACRuntime, Message: msg}
}

// takeResult checks the returned value the way Chromium does: a string of
// ASCII characters, then a valid proxy list.
func (st *pacState) takeResult(name string, v goja.Value) error {
	if v == nil || !goja.IsString(v) {
		return &PACError{Kind: PACResult, Message: fmt.Sprintf(`%s returned %s; it must return a string such as "PROXY host:port" or "DIRECT"`, name, st.typeOf(v))}
	}
	s := v.String()
	st.ev.Result = s
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return &PACError{Kind: PACResult, Message: fmt.Sprintf("%s returned non-ASCII text %q", name, pacTruncate(s, 200))}
		}
	}
	entries, err := ParseResult(s)
	if err != nil {
		return &PACError{Kind: PACResult, Message: err.Error(), Err: err}
	}
	st.ev.Proxies = entries
	return nil
}

// scriptError classifies an error of the engine. It runs while the
// watchdog still guards the runtime: describing a thrown object may call
// the script's own toString.
func (st *pacState) scriptError(err error) error {
	var ie *goja.InterruptedError
	var so *goja.StackOverflowError
	var ex *goja.Exception
	var pe *PACError
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.As(err, &ie):
		// The message is set by run, which knows why the watchdog fired.
		e := &PACError{Kind: PACRunaway, Message: "the script was stopped", Err: err}
		e.Line, e.Column = pacPosition(ie.Stack())
		return e
	case errors.As(err, &so):
		e := &PACError{Kind: PACRunaway, Message: fmt.Sprintf("too much recursion (more than %d nested calls)", pacMaxCallDepth), Err: err}
		e.Line, e.Column = pacPosition(so.Stack())
		return e
	case errors.As(err, &ex):
		e := &PACError{Kind: PACRuntime, Message: "uncaught exception: " + pacTruncate(st.describe(ex.Value()), 500), Err: err}
		e.Line, e.Column = pacPosition(ex.Stack())
		return e
	}
	return &PACError{Kind: PACRuntime, Message: err.Error(), Err: err}
}

// pacPosition is the innermost script position of a stack (skipping the
// native helpers, so a TypeError from isPlainHostName points at its caller).
func pacPosition(stack []goja.StackFrame) (line, column int) {
	for _, f := range stack {
		if p := f.Position(); p.Line > 0 {
			return p.Line, p.Column
		}
	}
	return 0, 0
}

// describe turns a thrown or returned value into text without trusting it:
// objects go through the original String(), and a failure there is reported
// instead of propagated.
func (st *pacState) describe(v goja.Value) string {
	if v == nil {
		return "undefined"
	}
	if _, ok := v.(*goja.Object); !ok {
		return v.String()
	}
	if st.toString == nil {
		return "an object"
	}
	s, err := st.toString(goja.Undefined(), v)
	if err != nil {
		return "an object that cannot be shown as text"
	}
	return s.String()
}

// typeOf names a value's JavaScript type in words, with the value: what a
// PAC author wrote, not the Go type the engine holds it in.
func (st *pacState) typeOf(v goja.Value) string {
	switch {
	case v == nil || goja.IsUndefined(v):
		return "undefined (no return value)"
	case goja.IsNull(v):
		return "null"
	}
	if o, ok := v.(*goja.Object); ok {
		if _, isFn := goja.AssertFunction(o); isFn {
			return "a function"
		}
		if o.ClassName() == "Array" {
			return "an array (" + pacTruncate(st.describe(o), 100) + ")"
		}
		return "an object (" + pacTruncate(st.describe(o), 100) + ")"
	}
	if _, ok := v.(*goja.Symbol); ok {
		return "a symbol"
	}
	kind := "a value"
	switch {
	case goja.IsNumber(v):
		kind = "a number"
	case goja.IsBigInt(v):
		kind = "a BigInt"
	case v.ExportType() != nil && v.ExportType().Kind() == reflect.Bool:
		kind = "a boolean"
	}
	return kind + " (" + pacTruncate(v.String(), 100) + ")"
}

// pacWatchdog interrupts a runtime when its context ends or the heap grows
// past a ceiling. goja checks the interrupt flag between instructions, so
// native helpers must end on their own (the DNS helpers share the context).
type pacWatchdog struct {
	done     chan struct{}
	finished chan struct{}
	reason   pacStopReason // written by the goroutine before finished closes
}

func startPACWatchdog(ctx context.Context, cancel context.CancelFunc, vm *goja.Runtime, maxHeap uint64) *pacWatchdog {
	w := &pacWatchdog{done: make(chan struct{}), finished: make(chan struct{})}
	base := pacHeapBytes()
	go func() {
		defer close(w.finished)
		tick := time.NewTicker(pacHeapPoll)
		defer tick.Stop()
		for {
			select {
			case <-w.done:
				return
			case <-ctx.Done():
				w.reason = pacStopDeadline
				vm.Interrupt(w.reason)
				return
			case <-tick.C:
				if h := pacHeapBytes(); h > base && h-base > maxHeap {
					w.reason = pacStopHeap
					vm.Interrupt(w.reason)
					cancel() // wakes a helper blocked on DNS
					return
				}
			}
		}
	}()
	return w
}

// stop ends the watchdog, waits for its goroutine and says whether it fired.
func (w *pacWatchdog) stop() pacStopReason {
	close(w.done)
	<-w.finished
	return w.reason
}

// pacHeapBytes is the memory held by heap objects, live or not yet swept.
// runtime/metrics reads it without stopping the world.
func pacHeapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

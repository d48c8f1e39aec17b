package pac

import (
	"math"

	"github.com/dop251/goja"
)

// goja can interrupt a script only between instructions, never inside a
// built-in, so one call such as "x".repeat(1e10) or new Array(4e9).join()
// would allocate or loop without end where the watchdog cannot reach it.
// These limits bound the built-ins that can be made to do unbounded work
// in a single call; a PAC script needs nothing close to them. (Residual
// risk, documented in doc.go: other single built-in calls over huge sparse
// arrays, e.g. JSON.stringify or spreading one, are not bounded.)
const (
	pacMaxStringLen = 1 << 22 // characters a string built by one call may have
	pacMaxArrayLen  = 1 << 22 // length of an array a built-in may walk
	pacMaxArgs      = 1 << 16 // arguments passed through apply()
)

// pacRemovedGlobals are allocation primitives no PAC script needs.
func pacRemovedGlobals() []string {
	return []string{
		"ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "WebAssembly",
		"Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
		"Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
	}
}

// pacArrayMethods walk or rebuild the whole array they are called on.
func pacArrayMethods() []string {
	return []string{
		"at", "concat", "copyWithin", "entries", "every", "fill", "filter", "find", "findIndex",
		"findLast", "findLastIndex", "flat", "flatMap", "forEach", "includes", "indexOf",
		"keys", "lastIndexOf", "map", "pop", "push", "reduce", "reduceRight", "reverse", "shift",
		"slice", "some", "sort", "splice", "toLocaleString", "toReversed", "toSorted",
		"toSpliced", "toString", "unshift", "values", "with",
	}
}

// harden removes and wraps the built-ins above in a fresh runtime.
func (st *pacState) harden() error {
	vm := st.vm
	g := vm.GlobalObject()
	for _, name := range pacRemovedGlobals() {
		if err := g.Delete(name); err != nil {
			return err
		}
	}
	arrayCtor := g.Get("Array").ToObject(vm)
	arrayProto := arrayCtor.Get("prototype").ToObject(vm)
	for _, name := range pacArrayMethods() {
		st.wrap(arrayProto, name, func(call goja.FunctionCall) { st.checkThisLength(call) })
	}
	st.wrap(arrayProto, "join", func(call goja.FunctionCall) {
		n := st.checkThisLength(call)
		sep := 1.0
		if a := call.Argument(0); !goja.IsUndefined(a) {
			sep = float64(len(a.String()))
		}
		st.checkStringLen(n * (sep + 1))
	})
	if iter, ok := goja.AssertFunction(arrayProto.GetSymbol(goja.SymIterator)); ok {
		guarded := vm.ToValue(func(call goja.FunctionCall) goja.Value {
			st.checkThisLength(call)
			return st.callThrough(iter, call)
		})
		if err := arrayProto.DefineDataPropertySymbol(goja.SymIterator, guarded, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
			return err
		}
	}
	st.wrap(arrayCtor, "from", func(call goja.FunctionCall) { st.checkLength(call.Argument(0)) })

	stringProto := g.Get("String").ToObject(vm).Get("prototype").ToObject(vm)
	st.wrap(stringProto, "repeat", func(call goja.FunctionCall) {
		st.checkStringLen(float64(len(call.This.String())) * call.Argument(0).ToFloat())
	})
	for _, pad := range []string{"padStart", "padEnd"} {
		st.wrap(stringProto, pad, func(call goja.FunctionCall) { st.checkStringLen(call.Argument(0).ToFloat()) })
	}
	for _, repl := range []string{"replace", "replaceAll"} {
		st.wrap(stringProto, repl, func(call goja.FunctionCall) {
			r := call.Argument(1)
			if !goja.IsString(r) {
				return // a function's results are built by script code
			}
			n, times := float64(len(call.This.String())), 1.0
			if repl == "replaceAll" || !goja.IsString(call.Argument(0)) {
				times = n + 1 // every position may match
			}
			st.checkStringLen(n + times*float64(len(r.String())))
		})
	}

	fnProto := g.Get("Function").ToObject(vm).Get("prototype").ToObject(vm)
	st.wrap(fnProto, "apply", func(call goja.FunctionCall) { st.checkArgs(call.Argument(1)) })
	reflect := g.Get("Reflect").ToObject(vm)
	st.wrap(reflect, "apply", func(call goja.FunctionCall) { st.checkArgs(call.Argument(2)) })
	st.wrap(reflect, "construct", func(call goja.FunctionCall) { st.checkArgs(call.Argument(1)) })
	return nil
}

// wrap replaces obj[name] with a function that runs check, then the original.
func (st *pacState) wrap(obj *goja.Object, name string, check func(goja.FunctionCall)) {
	orig, ok := goja.AssertFunction(obj.Get(name))
	if !ok {
		return
	}
	_ = obj.DefineDataProperty(name, st.vm.ToValue(func(call goja.FunctionCall) goja.Value {
		check(call)
		return st.callThrough(orig, call)
	}), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// callThrough calls the original built-in and rethrows what it throws
// (uncatchable interrupts included) into the calling script.
func (st *pacState) callThrough(fn goja.Callable, call goja.FunctionCall) goja.Value {
	v, err := fn(call.This, call.Arguments...)
	if err != nil {
		panic(err)
	}
	return v
}

// checkThisLength throws a RangeError when this.length is over the limit
// and returns the length.
func (st *pacState) checkThisLength(call goja.FunctionCall) float64 {
	return st.checkLength(call.This)
}

func (st *pacState) checkLength(v goja.Value) float64 {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return 0
	}
	if goja.IsString(v) {
		return float64(len(v.String()))
	}
	o, ok := v.(*goja.Object)
	if !ok {
		return 0
	}
	n := o.Get("length")
	if n == nil {
		return 0
	}
	l := n.ToFloat()
	if l > pacMaxArrayLen || math.IsInf(l, 1) {
		st.throwRange("array too long for this PAC engine (more than 4194304 elements)")
	}
	return l
}

func (st *pacState) checkStringLen(n float64) {
	if n > pacMaxStringLen {
		st.throwRange("Invalid string length (more than 4194304 characters)")
	}
}

func (st *pacState) checkArgs(v goja.Value) {
	if o, ok := v.(*goja.Object); ok {
		if n := o.Get("length"); n != nil && n.ToFloat() > pacMaxArgs {
			st.throwRange("too many arguments (more than 65536)")
		}
	}
}

func (st *pacState) throwRange(msg string) { st.throw(st.rangeError, msg) }

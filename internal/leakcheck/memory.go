package leakcheck

import "runtime"

// Allocated runs f and returns the bytes allocated on the heap meanwhile,
// by every goroutine. It bounds from above how much the heap can have grown
// during f, whatever the garbage collector did; unlike a sampled HeapAlloc
// it cannot miss a short peak. Tests of code that reads from hostile peers
// compare it with a fixed ceiling.
func Allocated(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

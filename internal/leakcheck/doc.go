// Package leakcheck finds goroutines that a test left running.
//
// Check (or Take, then Verify) records the goroutines alive when a test
// starts. At the end it waits a few seconds for the goroutines started
// since then to end — connections being torn down, timers firing — and
// fails the test with the stacks of those still running.
//
// Goroutines are told apart by their IDs, not counted: a goroutine of an
// earlier test that ends meanwhile cannot hide a new one. Goroutines of the
// testing package itself (test runners) are ignored. A leak check is only
// meaningful when no other test runs at the same time, so tests that use it
// must not call t.Parallel.
//
// Allocated measures the other way a hostile peer can hurt: how many bytes
// were allocated while it streamed at the code under test.
package leakcheck

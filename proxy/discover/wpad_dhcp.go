package discover

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Chromium's bounds on WPAD by DHCP (DhcpPacFileFetcherWin): each adapter
// gets 2 s to answer, and at most 12 requests run at once. The Windows
// DHCP call cannot be cancelled, so a request past its deadline still
// holds its worker until Windows answers; Chromium counts it against the
// 12 as well.
const (
	DHCPAdapterTimeout = 2 * time.Second
	DHCPMaxParallel    = 12
)

// dhcpAsk asks one adapter for option 252 and returns the URL ("" when the
// server sent none). It may block for as long as the OS takes: askAdapters
// stops waiting for it, not the call itself.
type dhcpAsk func(adapter string) (string, error)

// askAdapters asks every adapter for option 252, at most parallel requests
// at once (a request abandoned at its deadline keeps its slot until it
// returns, as the OS call it stands for keeps its thread), waiting at most
// perAdapter for each from the moment it starts, and never past ctx: when
// ctx ends, adapters not yet asked are not asked at all.
//
// It returns one offer per adapter, in the adapters' order, with the URL
// or the reason there is none, and a channel closed once every request it
// started has returned: only then may the caller release what the
// requests use (DhcpCApiCleanup, their buffers). The channel may close
// long after askAdapters returned, or never if the OS never answers.
func askAdapters(ctx context.Context, adapters []string, ask dhcpAsk, perAdapter time.Duration, parallel int) ([]DHCPOffer, <-chan struct{}) {
	if parallel < 1 {
		parallel = 1
	}
	offers := make([]DHCPOffer, len(adapters))
	slots := make(chan struct{}, parallel)
	var waiting, inFlight sync.WaitGroup
	for i, a := range adapters {
		offers[i].Adapter = a
		waiting.Add(1)
		go func() {
			defer waiting.Done()
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				offers[i].Err = fmt.Sprintf("not asked: discovery ran out of time (%v)", ctx.Err())
				return
			}
			if ctx.Err() != nil { // both were ready: do not start late
				<-slots
				offers[i].Err = fmt.Sprintf("not asked: discovery ran out of time (%v)", ctx.Err())
				return
			}
			type answer struct {
				url string
				err error
			}
			done := make(chan answer, 1) // never blocks the request's goroutine
			inFlight.Add(1)
			go func() {
				defer inFlight.Done()
				defer func() { <-slots }()
				u, err := ask(a)
				done <- answer{u, err}
			}()
			timer := time.NewTimer(perAdapter)
			defer timer.Stop()
			select {
			case r := <-done:
				offers[i].URL = r.url
				if r.err != nil {
					offers[i].Err = r.err.Error()
				}
			case <-timer.C:
				offers[i].Err = fmt.Sprintf("no answer within %v (browsers give up on the adapter then too)", perAdapter)
			case <-ctx.Done():
				offers[i].Err = fmt.Sprintf("no answer before discovery ran out of time (%v)", ctx.Err())
			}
		}()
	}
	waiting.Wait()
	// Every inFlight.Add happened before its waiter returned, so Wait
	// below sees them all.
	idle := make(chan struct{})
	go func() {
		inFlight.Wait()
		close(idle)
	}()
	return offers, idle
}

package main

import (
	"bytes"
	"errors"
	"io"
	"time"
)

// queueLen bounds how many chunks may be in flight on one delayed path.
// At 64 KiB a chunk that is far more than a benchmark request needs; when
// it fills, reading stops, which TCP (or a TUN device's queue) absorbs.
const queueLen = 256

// maxChunk is the largest read: above any TUN MTU and a useful TCP read size.
const maxChunk = 64 << 10

// delayedCopy copies src to dst chunk by chunk until src ends, handing each
// chunk to dst delay after it was read. Chunks are read as fast as they
// come, so a flight of several chunks arrives together, delay later: a
// constant one-way latency, not a bandwidth limit. A clean end of src
// (io.EOF) returns nil once everything queued has been written.
func delayedCopy(dst io.Writer, src io.Reader, delay time.Duration) error {
	type chunk struct {
		data []byte
		due  time.Time
	}
	queue := make(chan chunk, queueLen)
	readErr := make(chan error, 1)
	go func() {
		defer close(queue)
		buf := make([]byte, maxChunk)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				queue <- chunk{bytes.Clone(buf[:n]), time.Now().Add(delay)}
			}
			if err != nil {
				readErr <- err
				return
			}
		}
	}()
	for c := range queue {
		if wait := time.Until(c.due); wait > 0 {
			time.Sleep(wait)
		}
		if _, err := dst.Write(c.data); err != nil {
			// Keep the reader unblocked until its source is closed.
			go func() {
				for range queue {
				}
			}()
			return err
		}
	}
	if err := <-readErr; !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

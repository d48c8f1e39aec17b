package main

import (
	"context"
	"errors"
	"log"
	"net"
	"time"
)

// dialTimeout bounds the relay's connection to its upstream.
const dialTimeout = 10 * time.Second

// relay accepts connections on ln until ctx ends, forwarding each to the
// address to; what the client sends is delayed, the answers are not.
func relay(ctx context.Context, ln net.Listener, to string, delay time.Duration, logger *log.Logger) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go func() {
			if err := relayConn(ctx, c, to, delay); err != nil {
				logger.Printf("%s: %v", c.RemoteAddr(), err)
			}
		}()
	}
}

// relayConn joins one client connection to a new upstream connection and
// copies both ways, passing each side's end (FIN) on to the other. It
// returns when both directions have ended, or at the first error, closing
// both connections.
func relayConn(ctx context.Context, client net.Conn, to string, delay time.Duration) error {
	defer client.Close()
	d := net.Dialer{Timeout: dialTimeout}
	up, err := d.DialContext(ctx, "tcp", to)
	if err != nil {
		return err
	}
	defer up.Close()
	done := make(chan error, 2)
	go func() {
		err := delayedCopy(up, client, delay)
		closeWrite(up)
		done <- err
	}()
	go func() {
		err := delayedCopy(client, up, 0)
		closeWrite(client)
		done <- err
	}()
	for range 2 {
		if err := <-done; err != nil {
			return err
		}
	}
	return nil
}

// closeWrite half-closes c when it can (TCP), so the peer sees the end of
// the stream while answers can still flow back.
func closeWrite(c net.Conn) {
	if hc, ok := c.(interface{ CloseWrite() error }); ok {
		hc.CloseWrite()
	}
}

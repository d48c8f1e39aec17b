//go:build !linux

package main

import (
	"context"
	"errors"
	"io"
	"time"
)

// delayLine needs Linux TUN devices.
func delayLine(context.Context, string, string, time.Duration, io.Writer) error {
	return errors.New("delayline: needs Linux (TUN devices)")
}

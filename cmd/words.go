package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// plainNetError says in plain words what went wrong with a lookup or a
// connection, without Go's own phrasing ("lookup x on 10.0.0.1:53: no such
// host", "context deadline exceeded"): the kind of failure, and the
// resolver or address involved when there is one.
func plainNetError(err error, timeout time.Duration) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		by := "the resolver"
		if dnsErr.Server != "" {
			by = "the resolver " + hostOnly(dnsErr.Server)
		}
		switch {
		case dnsErr.IsNotFound:
			return by + " says the name does not exist"
		case dnsErr.IsTimeout:
			return fmt.Sprintf("%s did not answer within %s (--timeout)", by, timeout)
		case dnsErr.IsTemporary:
			return by + " could not answer (a temporary failure: try again)"
		}
		return by + " could not answer"
	}
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Sprintf("no answer within %s (--timeout)", timeout)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return "the connection was refused or could not be made (" + lastPart(err) + ")"
	}
	return lastPart(err)
}

// hostOnly drops the port of a resolver address.
func hostOnly(hp string) string {
	if h, _, err := net.SplitHostPort(hp); err == nil {
		return h
	}
	return hp
}

// lastPart keeps the innermost words of a wrapped error ("dial tcp
// 1.2.3.4:443: connect: connection refused" ⇒ "connection refused").
func lastPart(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

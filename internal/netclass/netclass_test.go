package netclass

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/okviz/okviz-check/internal/netclass/netclasstest"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{context.DeadlineExceeded, Timeout},
		{fmt.Errorf("dial: %w", os.ErrDeadlineExceeded), Timeout},
		// What this OS's sockets return (Winsock numbers on Windows).
		{&os.SyscallError{Syscall: "connect", Err: netclasstest.Refused}, Refused},
		{&os.SyscallError{Syscall: "read", Err: netclasstest.Reset}, Reset},
		{&os.SyscallError{Syscall: "connect", Err: netclasstest.HostUnreach}, Unreachable},
		{&os.SyscallError{Syscall: "connect", Err: netclasstest.NetUnreach}, Unreachable},
		{&os.SyscallError{Syscall: "connect", Err: netclasstest.TimedOut}, Timeout},
		{&os.SyscallError{Syscall: "connect", Err: netclasstest.LocalFirewall}, LocalFirewall},
		{&os.SyscallError{Syscall: "connect", Err: netclasstest.NotSocketError}, Other},
		{fmt.Errorf("read: %w", io.EOF), EOF},
		{io.ErrUnexpectedEOF, EOF},
		{errors.New("something else"), Other},
	}
	for _, tt := range tests {
		if got := Classify(tt.err); got != tt.want {
			t.Errorf("Classify(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

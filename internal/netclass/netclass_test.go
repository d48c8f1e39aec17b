package netclass

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{context.DeadlineExceeded, Timeout},
		{fmt.Errorf("dial: %w", os.ErrDeadlineExceeded), Timeout},
		{&os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}, Refused},
		{&os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}, Reset},
		{&os.SyscallError{Syscall: "connect", Err: syscall.EHOSTUNREACH}, Unreachable},
		{&os.SyscallError{Syscall: "connect", Err: syscall.ENETUNREACH}, Unreachable},
		{&os.SyscallError{Syscall: "connect", Err: syscall.EACCES}, LocalFirewall},
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

// TestClassifyWinsock runs on every OS: the Winsock numbers come from
// winerror.h and are what Windows returns, whatever syscall's constants say.
func TestClassifyWinsock(t *testing.T) {
	for n, want := range map[uintptr]string{
		10061: Refused, 10054: Reset, 10053: Reset, 10060: Timeout,
		10051: Unreachable, 10065: Unreachable, 10050: Unreachable, 10064: Unreachable,
		10013: LocalFirewall, 10022: "",
	} {
		if got := classifyWinsock(n); got != want {
			t.Errorf("classifyWinsock(%d) = %q, want %q", n, got, want)
		}
	}
}

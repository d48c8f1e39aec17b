package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/report"
)

// Exit status, as in docs/SPEC.md.
const (
	ExitOK          = 0
	ExitUnreachable = 1
	ExitUsage       = 2
	ExitInternal    = 3
	ExitInterrupted = 130
)

// usageError is a bad flag, argument, config file or environment value.
type usageError struct{ err error }

// inputError is local input that is wrong or unreadable (a PAC file, a saved
// report): exit 2 as a usage error, without the hint about --help, which
// would not help.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

func inputf(format string, args ...any) error { return inputError{fmt.Errorf(format, args...)} }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// findingError is a network finding that ends a command before it has a
// report to print (a name rules --resolve cannot resolve, a PAC URL that
// cannot be fetched): exit 1, like a failed target, with its message.
type findingError struct{ err error }

func (e findingError) Error() string { return e.err.Error() }
func (e findingError) Unwrap() error { return e.err }

func findingf(format string, args ...any) error {
	return findingError{fmt.Errorf(format, args...)}
}

// errUnreachable tells Main that the report was printed and at least one
// target failed (or warned under --strict): exit 1 with no further message.
var errUnreachable = errors.New("not reachable")

// exitCode maps the error a command returned to the exit status.
func exitCode(ctx context.Context, err error) int {
	var ue usageError
	var ie inputError
	var fe findingError
	switch {
	case err == nil:
		return ExitOK
	case ctx.Err() != nil, errors.Is(err, errInterrupted):
		return ExitInterrupted
	case errors.Is(err, errUnreachable), errors.As(err, &fe):
		return ExitUnreachable
	case errors.As(err, &ue), errors.As(err, &ie):
		return ExitUsage
	}
	return ExitInternal
}

// Main runs the command line and returns the exit status.
func Main(ctx context.Context, args []string, env *Env, build Build) int {
	root, a := newRootCmd(env, build)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && !a.started {
		// cobra failed before any command ran: a bad flag, argument or command.
		err = usageError{err}
	}
	code := exitCode(ctx, err)
	switch code {
	case ExitOK:
	case ExitUnreachable:
		if !errors.Is(err, errUnreachable) {
			fmt.Fprintf(env.Stderr, "error: %s\n", safeMessage(err, args))
		}
	case ExitInterrupted:
		fmt.Fprintln(env.Stderr, "okviz-check: interrupted")
	case ExitUsage:
		fmt.Fprintf(env.Stderr, "error: %s\n", safeMessage(err, args))
		if !errors.As(err, new(inputError)) {
			fmt.Fprintln(env.Stderr, "hint: run 'okviz-check --help' for usage")
		}
	default:
		fmt.Fprintf(env.Stderr, "error: okviz-check could not do its job: %s\n", safeMessage(err, args))
	}
	return code
}

func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", " ") }

// safeMessage is an error as one line fit for a terminal: credentials in
// URLs replaced by ***, also those of a command-line argument the message
// quotes without a scheme ("user:pass@proxy:8080"), control and escape
// sequences removed (a flag value or a file name may carry them).
func safeMessage(err error, args []string) string {
	known := make([]string, 0, len(args))
	for _, a := range args {
		if _, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "-") {
			a = v
		}
		known = append(known, report.Sanitize(a))
	}
	return redact.Text(report.Sanitize(oneLine(err.Error())), known...)
}

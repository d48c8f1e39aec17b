package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const usage = `usage:
  benchrelay gencert -dir DIR HOST...
  benchrelay origin -listen ADDR -cert FILE -key FILE
  benchrelay relay -listen ADDR -to ADDR [-delay 20ms]
  benchrelay delayline -client-dev NAME -server-dev NAME [-delay 20ms]   (Linux, root)
`

// errUsage marks errors that are the caller's mistake (exit status 2).
var errUsage = errors.New("usage error")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one mode and returns the exit status: 0 done, 1 failed,
// 2 bad arguments.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	logger := log.New(stderr, "benchrelay: ", log.Lmicroseconds)
	var err error
	switch mode, rest := args[0], args[1:]; mode {
	case "gencert":
		err = genCertCmd(rest, stdout, stderr)
	case "origin":
		err = originCmd(ctx, rest, stdout, stderr, logger)
	case "relay":
		err = relayCmd(ctx, rest, stdout, stderr, logger)
	case "delayline":
		err = delayLineCmd(ctx, rest, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		err = fmt.Errorf("%w: unknown mode %q", errUsage, mode)
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "benchrelay: %v\n%s", err, usage)
		return 2
	default:
		logger.Print(err)
		return 1
	}
}

// parseFlags parses args into fs and turns flag errors into usage errors:
// extra arguments are refused unless allowArgs, the flags named in need
// must not be empty, and delay (when not nil) must be sensible.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer, allowArgs bool, delay *time.Duration, need ...string) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %s: %v", errUsage, fs.Name(), err)
	}
	if !allowArgs && fs.NArg() > 0 {
		return fmt.Errorf("%w: %s: unexpected argument %q", errUsage, fs.Name(), fs.Arg(0))
	}
	for _, n := range need {
		if fs.Lookup(n).Value.String() == "" {
			return fmt.Errorf("%w: %s: -%s is required", errUsage, fs.Name(), n)
		}
	}
	// A typo such as 20s would make the benchmark look hung.
	if delay != nil && (*delay < 0 || *delay > 10*time.Second) {
		return fmt.Errorf("%w: %s: -delay %v is outside 0..10s", errUsage, fs.Name(), *delay)
	}
	return nil
}

// delayFlag declares the -delay flag every delaying mode shares.
func delayFlag(fs *flag.FlagSet) *time.Duration {
	return fs.Duration("delay", 20*time.Millisecond, "one-way delay added to everything the client sends")
}

func relayCmd(ctx context.Context, args []string, stdout, stderr io.Writer, logger *log.Logger) error {
	fs := flag.NewFlagSet("relay", flag.ContinueOnError)
	listen := fs.String("listen", "", "address to listen on (host:port)")
	to := fs.String("to", "", "address to forward to (host:port)")
	delay := delayFlag(fs)
	if err := parseFlags(fs, args, stderr, false, delay, "listen", "to"); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "ready", ln.Addr())
	return relay(ctx, ln, *to, *delay, logger)
}

func originCmd(ctx context.Context, args []string, stdout, stderr io.Writer, logger *log.Logger) error {
	fs := flag.NewFlagSet("origin", flag.ContinueOnError)
	listen := fs.String("listen", "", "address to listen on (host:port)")
	certFile := fs.String("cert", "", "server certificate chain, PEM")
	keyFile := fs.String("key", "", "server key, PEM")
	if err := parseFlags(fs, args, stderr, false, nil, "listen", "cert", "key"); err != nil {
		return err
	}
	srv, err := newOrigin(*certFile, *keyFile, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "ready", ln.Addr())
	return serveOrigin(ctx, srv, ln)
}

func delayLineCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("delayline", flag.ContinueOnError)
	clientDev := fs.String("client-dev", "", "TUN device to create for the client side")
	serverDev := fs.String("server-dev", "", "TUN device to create for the server side")
	delay := delayFlag(fs)
	if err := parseFlags(fs, args, stderr, false, delay, "client-dev", "server-dev"); err != nil {
		return err
	}
	return delayLine(ctx, *clientDev, *serverDev, *delay, stdout)
}

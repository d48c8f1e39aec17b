// Command okviz-check diagnoses whether this machine can reach the services
// a Power BI visual needs, names the root cause when it cannot, and prints
// whitelist rules for firewalls and proxies.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/okviz/okviz-check/cmd"
	"github.com/okviz/okviz-check/internal/winconsole"
)

// Set by the release build (-ldflags -X).
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C (or SIGTERM) ends the run and writes what finished;
	// from then on the signals' default handling is back, so a second one
	// ends the process at once, whatever the writing waits for.
	context.AfterFunc(ctx, stop)
	build := cmd.Build{Version: version, Commit: commit, Date: date}.FromBuildInfo(debug.ReadBuildInfo())
	var code int
	if cmd.StartedByDoubleClick(os.Args[1:], winconsole.Processes()) {
		code = cmd.DoubleClick(ctx, cmd.System(), build)
	} else {
		code = cmd.Main(ctx, os.Args[1:], cmd.System(), build)
	}
	stop()
	os.Exit(code)
}

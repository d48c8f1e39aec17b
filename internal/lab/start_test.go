package lab_test

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/lab"
	"github.com/okviz/okviz-check/internal/proc"
)

// startLab builds a lab for t while build compiles a program into a
// temporary directory, and returns the lab and a function that waits for
// the program's path.
func startLab(t *testing.T, build func(ctx context.Context, dir string) (string, error)) (*lab.Lab, func() (string, error)) {
	t.Helper()
	type built struct {
		path string
		err  error
	}
	done := make(chan built, 1)
	dir := t.TempDir()
	go func() {
		p, err := build(context.Background(), dir)
		done <- built{p, err}
	}()
	start := time.Now()
	l := lab.New(t)
	t.Logf("lab up in %v", time.Since(start).Round(time.Millisecond))
	return l, func() (string, error) {
		b := <-done
		done <- b // a second wait gets the same answer
		return b.path, b.err
	}
}

// startLabCLI is startLab with okviz-check built: the lab and the binary,
// or the test ends (unavailable when there is no main package).
func startLabCLI(t *testing.T) (*lab.Lab, string) {
	t.Helper()
	l, cli := startLab(t, lab.BuildCLI)
	bin, err := cli()
	if errors.Is(err, lab.ErrNoCLI) {
		lab.Unavailable(t, "okviz-check has no main package to build")
	}
	if err != nil {
		t.Fatal(err)
	}
	return l, bin
}

// firewallOrigin inserts rule (an OUTPUT rule's match and target, before
// "-d ADDR") into ns's firewall for each of host's origin addresses, with
// iptables or ip6tables by family.
func firewallOrigin(ctx context.Context, t *testing.T, ns *lab.Netns, host string, rule ...string) {
	t.Helper()
	for _, addr := range lab.OriginAddrs(host) {
		tool := "iptables"
		if strings.Contains(addr, ":") {
			tool = "ip6tables"
		}
		argv := append([]string{"netns", "exec", ns.Name, tool, "-w", "-I", "OUTPUT", "-d", addr}, rule...)
		if out, err := proc.Bound(exec.CommandContext(ctx, "ip", argv...)).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(argv, " "), err, out)
		}
	}
}

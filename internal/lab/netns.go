package lab

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/okviz/okviz-check/internal/proc"
)

// nsPrefix starts every namespace name the lab creates: okvz-PID-RANDOM-.
const nsPrefix = "okvz-"

var nsNameRE = regexp.MustCompile(`^okvz-([0-9]+)-[0-9a-f]{6}-[a-z]+$`)

// namePID returns the pid of the process that created a lab namespace,
// or 0 when the name is not one of the lab's.
func namePID(name string) int {
	m := nsNameRE.FindStringSubmatch(name)
	if m == nil {
		return 0
	}
	pid, _ := strconv.Atoi(m[1])
	return pid
}

// removeStale deletes lab namespaces left by runs whose process died
// before its cleanup could run (a test binary killed on timeout). Their
// daemons died with that process (dieWithParent).
func removeStale(alive func(pid int) bool) {
	entries, _ := os.ReadDir("/run/netns")
	for _, e := range entries {
		if pid := namePID(e.Name()); pid != 0 && !alive(pid) {
			(&Netns{Name: e.Name()}).remove()
		}
	}
}

// Netns is one network namespace of the lab.
type Netns struct {
	Name  string // as `ip netns` knows it
	Addr  string // IPv4 address on the client link ("" for the internet namespace)
	Addr6 string // IPv6 address on the client link
}

// etcDir is where `ip netns exec` finds the files it mounts over /etc.
func (n *Netns) etcDir() string { return filepath.Join("/etc/netns", n.Name) }

// command runs a program on the host with stdin and returns a clear error
// carrying its output when it fails.
func command(ctx context.Context, stdin string, name string, args ...string) error {
	cmd := proc.Bound(exec.CommandContext(ctx, name, args...))
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}

// ipBatch runs `ip` commands (one per line) inside the namespace.
func (n *Netns) ipBatch(ctx context.Context, lines ...string) error {
	return command(ctx, strings.Join(lines, "\n")+"\n", "ip", "-n", n.Name, "-batch", "-")
}

// exec runs a program inside the namespace and waits for it.
func (n *Netns) exec(ctx context.Context, stdin string, argv ...string) error {
	return command(ctx, stdin, "ip", append([]string{"netns", "exec", n.Name}, argv...)...)
}

// createNetns adds a namespace with its loopback up.
func createNetns(ctx context.Context, name string) (*Netns, error) {
	if err := command(ctx, "", "ip", "netns", "add", name); err != nil {
		return nil, err
	}
	n := &Netns{Name: name}
	if err := n.ipBatch(ctx, "link set lo up"); err != nil {
		n.remove()
		return nil, err
	}
	return n, nil
}

// remove deletes the namespace and its /etc/netns directory. Deleting a
// namespace also deletes the veth ends inside it.
func (n *Netns) remove() error {
	err := command(context.Background(), "", "ip", "netns", "delete", n.Name)
	if rmErr := os.RemoveAll(n.etcDir()); err == nil {
		err = rmErr
	}
	return err
}

// setResolver makes `ip netns exec` processes resolve through server.
func (n *Netns) setResolver(server string) error {
	if err := os.MkdirAll(n.etcDir(), 0o755); err != nil {
		return err
	}
	conf := "# okviz-check network lab\nnameserver " + server + "\n"
	return os.WriteFile(filepath.Join(n.etcDir(), "resolv.conf"), []byte(conf), 0o644)
}

// setFirewall loads an IPv4 and an IPv6 filter table into the namespace.
func (n *Netns) setFirewall(ctx context.Context, v4, v6 string) error {
	if err := n.exec(ctx, v4, "iptables-restore", "-w"); err != nil {
		return err
	}
	return n.exec(ctx, v6, "ip6tables-restore", "-w")
}

package proxy

import (
	"context"
	"io/fs"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/okviz/okviz-check/proxy/discover"
)

// machine is a computer made of recorded settings (testdata/proxy), for
// route decisions drawn from what discovery finds on it. The discover
// package's tests look at each source; these look at the route.
type machine struct {
	goos  string
	env   map[string]string
	files map[string][]byte   // absolute path → content
	cmds  map[string][]byte   // "name arg..." → output; absent → not installed
	reg   discover.Registry   // nil outside Windows
	host  string              // host name
	hosts map[string][]string // name → addresses; absent → does not resolve
	dhcp  []discover.DHCPOffer
}

// sources runs discovery on the machine.
func (m *machine) sources(given discover.Given) []discover.Source {
	files := fstest.MapFS{}
	for p, b := range m.files {
		files[strings.TrimPrefix(p, "/")] = &fstest.MapFile{Data: b}
	}
	sys := discover.System{
		GOOS:     m.goos,
		Registry: m.reg,
		LookupEnv: func(k string) (string, bool) {
			v, ok := m.env[k]
			return v, ok
		},
		ReadFile: func(name string) ([]byte, error) { return files.ReadFile(strings.TrimPrefix(name, "/")) },
		ReadDir: func(dir string) ([]string, error) {
			entries, err := files.ReadDir(strings.TrimPrefix(dir, "/"))
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			return names, err
		},
		RunCommand: func(_ context.Context, name string, args ...string) ([]byte, error) {
			if out, ok := m.cmds[strings.Join(append([]string{name}, args...), " ")]; ok {
				return out, nil
			}
			return nil, &fs.PathError{Op: "exec", Path: name, Err: fs.ErrNotExist}
		},
		Hostname: func() (string, error) { return m.host, nil },
		LookupHost: func(_ context.Context, host string) ([]string, error) {
			if a, ok := m.hosts[host]; ok {
				return a, nil
			}
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		},
	}
	if m.dhcp != nil {
		sys.DHCPWPAD = func(context.Context) ([]discover.DHCPOffer, error) { return m.dhcp, nil }
	}
	return discover.Discover(context.Background(), sys, given)
}

// recorded reads a recorded input under testdata/proxy.
func recorded(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"..", "testdata", "proxy"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// registry merges recorded registry exports (testdata/proxy/windows).
func registry(t testing.TB, names ...string) discover.RegistryMap {
	t.Helper()
	m := discover.RegistryMap{}
	for _, n := range names {
		r, err := discover.ParseRegFile(recorded(t, "windows", n))
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		for key, values := range r {
			if m[key] == nil {
				m[key] = values
			} else {
				maps.Copy(m[key], values)
			}
		}
	}
	return m
}

// noted tells whether one of the notes contains sub.
func noted(notes []string, sub string) bool {
	return slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, sub) })
}

// envSources discovers a Linux machine without a desktop: only the
// environment speaks.
func envSources(env map[string]string) []discover.Source {
	return (&machine{goos: "linux", env: env}).sources(discover.Given{})
}

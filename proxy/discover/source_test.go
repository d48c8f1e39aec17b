package discover

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
)

// testdata reads a recorded input under testdata/proxy.
func testdata(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"..", "..", "testdata", "proxy"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// regFile loads a recorded registry export.
func regFile(t testing.TB, names ...string) RegistryMap {
	t.Helper()
	m := RegistryMap{}
	for _, n := range names {
		r, err := ParseRegFile(testdata(t, "windows", n))
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		for k, v := range r {
			if m[k] == nil {
				m[k] = map[string]RegValue{}
			}
			for name, val := range v {
				m[k][name] = val
			}
		}
	}
	return m
}

// fakeMachine is a machine made of recorded inputs.
type fakeMachine struct {
	goos    string
	env     map[string]string
	files   map[string][]byte   // path → content
	cmds    map[string][]byte   // "name arg..." → output; absent → not installed
	cmdErrs map[string]error    // "name arg..." → error
	reg     Registry            // nil outside Windows
	host    string              // host name
	hosts   map[string][]string // name → addresses; absent → does not resolve
	dhcp    []DHCPOffer
	ran     []string // commands run, in order

	mu     sync.Mutex
	looked []string // names looked up
}

func (m *fakeMachine) system() System {
	s := System{
		GOOS: m.goos,
		LookupEnv: func(k string) (string, bool) {
			v, ok := m.env[k]
			return v, ok
		},
		ReadFile: func(name string) ([]byte, error) {
			if b, ok := m.files[name]; ok {
				return b, nil
			}
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		},
		ReadDir: func(dir string) ([]string, error) {
			var names []string
			for p := range m.files {
				// Slash paths, as the sources build them for the OS
				// they read (a Linux policy directory on any OS).
				if path.Dir(p) == dir {
					names = append(names, path.Base(p))
				}
			}
			if names == nil {
				return nil, &fs.PathError{Op: "readdir", Path: dir, Err: fs.ErrNotExist}
			}
			sort.Strings(names)
			return names, nil
		},
		RunCommand: func(ctx context.Context, name string, args ...string) ([]byte, error) {
			key := strings.Join(append([]string{name}, args...), " ")
			m.ran = append(m.ran, key)
			if err := m.cmdErrs[key]; err != nil {
				return nil, err
			}
			if out, ok := m.cmds[key]; ok {
				return out, nil
			}
			return nil, fmt.Errorf("%s: %w", name, errNoAccess)
		},
		Registry: m.reg,
		Hostname: func() (string, error) { return m.host, nil },
		LookupHost: func(ctx context.Context, host string) ([]string, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.looked = append(m.looked, host)
			if a, ok := m.hosts[host]; ok {
				return a, nil
			}
			return nil, errors.New("no such host")
		},
	}
	if m.dhcp != nil {
		s.DHCPWPAD = func(context.Context) ([]DHCPOffer, error) { return m.dhcp, nil }
	}
	return s
}

func findSource(t testing.TB, sources []Source, name string) Source {
	t.Helper()
	for _, s := range sources {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no source %q in %v", name, sourceNames(sources))
	return Source{}
}

func sourceNames(sources []Source) []string {
	var n []string
	for _, s := range sources {
		n = append(n, s.Name)
	}
	return n
}

func hasNote(notes []string, sub string) bool {
	for _, n := range notes {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}

// discover runs Discover on the fake machine and returns one source.
func (m *fakeMachine) discover(t testing.TB, name string) Source {
	t.Helper()
	return findSource(t, Discover(context.Background(), m.system(), Given{}), name)
}

// want is what a test expects a source to say.
type want struct {
	mode       string
	proxies    map[string][]string
	pac        string
	autoDetect bool
	bypass     []string
}

func (w want) check(t *testing.T, name string, s Source) {
	t.Helper()
	if s.Mode != w.mode || !reflect.DeepEqual(s.Proxies, w.proxies) || s.PACURL != w.pac || s.AutoDetect != w.autoDetect || !reflect.DeepEqual(s.Bypass, w.bypass) {
		t.Errorf("%s: got mode %q proxies %v pac %q auto-detect %v bypass %q (found %v, notes %q, error %q)",
			name, s.Mode, s.Proxies, s.PACURL, s.AutoDetect, s.Bypass, s.Found, s.Notes, s.Err)
	}
}

func TestGivenSource(t *testing.T) {
	src := Discover(context.Background(), (&fakeMachine{goos: "linux"}).system(), Given{Flags: Override{Proxy: "ftp://nope", Origin: "--proxy"}})
	f := findSource(t, src, "flag")
	if f.Found || !strings.Contains(f.Err, "unsupported scheme") {
		t.Errorf("bad flag: %+v", f)
	}
	src = Discover(context.Background(), (&fakeMachine{goos: "linux"}).system(), Given{Config: Override{PAC: "http://pac/p.pac", Proxy: "p:1", Origin: "OKVIZ_CHECK_PROXY_URL"}})
	c := findSource(t, src, "config")
	if !c.Found || c.Mode != "pac" || c.Origin != "OKVIZ_CHECK_PROXY_URL" || !hasNote(c.Notes, "PAC file wins") {
		t.Errorf("config: %+v", c)
	}
}

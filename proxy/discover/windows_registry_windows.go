//go:build windows

package discover

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"golang.org/x/sys/windows/registry"
)

// osRegistry is the live Windows registry.
func osRegistry() Registry { return liveRegistry{} }

type liveRegistry struct{}

// open opens a key read-only in the 64-bit view, where browsers and
// Windows keep their settings even when this program is a 32-bit build.
func (liveRegistry) open(root, key string) (registry.Key, error) {
	var base registry.Key
	switch root {
	case "HKCU":
		base = registry.CURRENT_USER
	case "HKLM":
		base = registry.LOCAL_MACHINE
	case "HKU":
		base = registry.USERS // another user's hive: HKU\<SID>\...
	default:
		return 0, fmt.Errorf("registry root %q: %w", root, fs.ErrNotExist)
	}
	k, err := registry.OpenKey(base, key, registry.QUERY_VALUE|registry.ENUMERATE_SUB_KEYS|registry.WOW64_64KEY)
	if err != nil {
		return 0, regErr(root+`\`+key, err)
	}
	return k, nil
}

func regErr(what string, err error) error {
	if errors.Is(err, registry.ErrNotExist) || errors.Is(err, syscall.ERROR_PATH_NOT_FOUND) {
		return fmt.Errorf("registry %s: %w", what, fs.ErrNotExist)
	}
	return fmt.Errorf("registry %s: %w", what, err)
}

// Value implements Registry.
func (r liveRegistry) Value(root, key, name string) (RegValue, error) {
	k, err := r.open(root, key)
	if err != nil {
		return RegValue{}, err
	}
	defer k.Close()
	what := root + `\` + key + `\` + name
	_, typ, err := k.GetValue(name, nil)
	if err != nil {
		return RegValue{}, regErr(what, err)
	}
	switch typ {
	case registry.SZ, registry.EXPAND_SZ:
		s, _, err := k.GetStringValue(name)
		if err != nil {
			return RegValue{}, regErr(what, err)
		}
		t := RegSZ
		if typ == registry.EXPAND_SZ {
			t = RegExpandSZ
		}
		return RegValue{Type: t, Str: s}, nil
	case registry.MULTI_SZ:
		list, _, err := k.GetStringsValue(name)
		if err != nil {
			return RegValue{}, regErr(what, err)
		}
		return RegValue{Type: RegMultiSZ, Strs: list}, nil
	case registry.DWORD, registry.QWORD:
		n, _, err := k.GetIntegerValue(name)
		if err != nil {
			return RegValue{}, regErr(what, err)
		}
		t := RegDWORD
		if typ == registry.QWORD {
			t = RegQWORD
		}
		return RegValue{Type: t, Num: n}, nil
	}
	buf := make([]byte, 64*1024)
	n, _, err := k.GetValue(name, buf)
	if err != nil {
		return RegValue{}, regErr(what, err)
	}
	t := RegBinary
	if typ != registry.BINARY {
		t = fmt.Sprintf("REG_TYPE_%d", typ)
	}
	return RegValue{Type: t, Bin: buf[:n]}, nil
}

// ValueNames implements Registry.
func (r liveRegistry) ValueNames(root, key string) ([]string, error) {
	return r.names(root, key, registry.Key.ReadValueNames)
}

// SubKeys implements Registry.
func (r liveRegistry) SubKeys(root, key string) ([]string, error) {
	return r.names(root, key, registry.Key.ReadSubKeyNames)
}

// names lists value or subkey names of a key with read.
func (r liveRegistry) names(root, key string, read func(registry.Key, int) ([]string, error)) ([]string, error) {
	k, err := r.open(root, key)
	if err != nil {
		return nil, err
	}
	defer k.Close()
	names, err := read(k, -1)
	if err != nil {
		return nil, regErr(root+`\`+key, err)
	}
	return names, nil
}

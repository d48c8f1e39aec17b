package discover

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Registry reads the Windows registry. Roots are "HKCU" and "HKLM"; keys
// use backslashes and are case-insensitive. A missing key or value gives an
// error matching fs.ErrNotExist.
type Registry interface {
	Value(root, key, name string) (RegValue, error)
	ValueNames(root, key string) ([]string, error)
	SubKeys(root, key string) ([]string, error)
}

// RegValue is one registry value. Type is the REG_* name; the field that
// matches it is set: Str for REG_SZ and REG_EXPAND_SZ (not expanded), Strs
// for REG_MULTI_SZ, Num for REG_DWORD and REG_QWORD, Bin for REG_BINARY
// and any other type.
type RegValue struct {
	Type string
	Str  string
	Strs []string
	Num  uint64
	Bin  []byte
}

// Registry value type names.
const (
	RegSZ       = "REG_SZ"
	RegExpandSZ = "REG_EXPAND_SZ"
	RegMultiSZ  = "REG_MULTI_SZ"
	RegDWORD    = "REG_DWORD"
	RegQWORD    = "REG_QWORD"
	RegBinary   = "REG_BINARY"
)

// RegistryMap is an in-memory registry, filled by ParseRegFile from a
// regedit export: recorded inputs for tests and for explaining another
// machine's settings offline.
type RegistryMap map[string]map[string]RegValue // lower-case `ROOT\key` → lower-case name → value

func regPath(root, key string) string {
	return strings.ToLower(strings.Trim(root+`\`+strings.Trim(key, `\`), `\`))
}

// Value implements Registry.
func (m RegistryMap) Value(root, key, name string) (RegValue, error) {
	vals, ok := m[regPath(root, key)]
	if !ok {
		return RegValue{}, fmt.Errorf("registry key %s\\%s: %w", root, key, fs.ErrNotExist)
	}
	v, ok := vals[strings.ToLower(name)]
	if !ok {
		return RegValue{}, fmt.Errorf("registry value %s\\%s\\%s: %w", root, key, name, fs.ErrNotExist)
	}
	return v, nil
}

// ValueNames implements Registry; names come back lower-cased.
func (m RegistryMap) ValueNames(root, key string) ([]string, error) {
	vals, ok := m[regPath(root, key)]
	if !ok {
		return nil, fmt.Errorf("registry key %s\\%s: %w", root, key, fs.ErrNotExist)
	}
	return sortedKeys(vals), nil
}

// SubKeys implements Registry; names come back lower-cased.
func (m RegistryMap) SubKeys(root, key string) ([]string, error) {
	prefix := regPath(root, key) + `\`
	seen := map[string]bool{}
	for k := range m {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			seen[strings.SplitN(rest, `\`, 2)[0]] = true
		}
	}
	if len(seen) == 0 {
		if _, ok := m[regPath(root, key)]; !ok {
			return nil, fmt.Errorf("registry key %s\\%s: %w", root, key, fs.ErrNotExist)
		}
	}
	return sortedKeys(seen), nil
}

var regRoots = map[string]string{
	"hkey_current_user": "HKCU", "hkcu": "HKCU",
	"hkey_local_machine": "HKLM", "hklm": "HKLM",
	"hkey_users": "HKU", "hkey_classes_root": "HKCR",
}

// ParseRegFile reads a regedit export ("Windows Registry Editor Version
// 5.00" or "REGEDIT4"), UTF-8 or UTF-16 with a byte order mark. Lines
// starting with ";" are comments; a trailing "\" continues a line. Values
// of the form "name"="text", dword:, hex:, hex(2): (expand string),
// hex(7): (multi string), hex(b): (qword) and hex(N): are understood; a
// line that is none of these is an error naming its line number.
func ParseRegFile(data []byte) (RegistryMap, error) {
	text, err := decodeRegText(data)
	if err != nil {
		return nil, err
	}
	m := RegistryMap{}
	cur := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	lineNo, pending, start := 0, "", 0
	header := false
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		if pending == "" {
			start = lineNo
		}
		if strings.HasSuffix(line, `\`) && !strings.HasPrefix(strings.TrimSpace(line), ";") {
			pending += strings.TrimSpace(strings.TrimSuffix(line, `\`))
			continue
		}
		line = strings.TrimSpace(pending + strings.TrimSpace(line))
		pending = ""
		switch {
		case line == "" || strings.HasPrefix(line, ";"):
			continue
		case !header:
			if line != "Windows Registry Editor Version 5.00" && line != "REGEDIT4" {
				return nil, fmt.Errorf("line %d: not a registry export (header %q)", start, line)
			}
			header = true
		case strings.HasPrefix(line, "["):
			if !strings.HasSuffix(line, "]") {
				return nil, fmt.Errorf("line %d: unterminated key %q", start, line)
			}
			k := strings.TrimSuffix(strings.TrimPrefix(line, "["), "]")
			if strings.HasPrefix(k, "-") {
				cur = "" // a deletion: nothing to record
				continue
			}
			rootName, rest, _ := strings.Cut(k, `\`)
			root, ok := regRoots[strings.ToLower(rootName)]
			if !ok {
				return nil, fmt.Errorf("line %d: unknown root key %q", start, rootName)
			}
			cur = regPath(root, rest)
			if m[cur] == nil {
				m[cur] = map[string]RegValue{}
			}
		default:
			if cur == "" {
				return nil, fmt.Errorf("line %d: value outside of a key", start)
			}
			name, v, err := parseRegValueLine(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", start, err)
			}
			m[cur][strings.ToLower(name)] = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !header {
		return nil, fmt.Errorf("empty registry export")
	}
	return m, nil
}

func decodeRegText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return utf16Text(data[2:], binary.LittleEndian)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return utf16Text(data[2:], binary.BigEndian)
	}
	return strings.TrimPrefix(string(data), "\uFEFF"), nil
}

func utf16Text(b []byte, order binary.ByteOrder) (string, error) {
	if len(b)%2 != 0 {
		return "", fmt.Errorf("UTF-16 registry export has an odd length")
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = order.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u)), nil
}

// parseRegValueLine reads `"name"=data` or `@=data`.
func parseRegValueLine(line string) (string, RegValue, error) {
	var name, rest string
	if strings.HasPrefix(line, "@=") {
		rest = line[2:]
	} else {
		n, r, err := regQuoted(line)
		if err != nil {
			return "", RegValue{}, err
		}
		if !strings.HasPrefix(r, "=") {
			return "", RegValue{}, fmt.Errorf("value %q: missing '='", n)
		}
		name, rest = n, r[1:]
	}
	rest = strings.TrimSpace(rest)
	switch {
	case strings.HasPrefix(rest, `"`):
		s, tail, err := regQuoted(rest)
		if err != nil {
			return "", RegValue{}, err
		}
		if strings.TrimSpace(tail) != "" {
			return "", RegValue{}, fmt.Errorf("value %q: text after the string", name)
		}
		return name, RegValue{Type: RegSZ, Str: s}, nil
	case strings.HasPrefix(strings.ToLower(rest), "dword:"):
		n, err := strconv.ParseUint(strings.TrimSpace(rest[6:]), 16, 32)
		if err != nil {
			return "", RegValue{}, fmt.Errorf("value %q: bad dword %q", name, rest[6:])
		}
		return name, RegValue{Type: RegDWORD, Num: n}, nil
	case strings.HasPrefix(strings.ToLower(rest), "hex"):
		kind, hexdata, ok := strings.Cut(rest[3:], ":")
		if !ok {
			return "", RegValue{}, fmt.Errorf("value %q: bad hex value", name)
		}
		b, err := hex.DecodeString(strings.NewReplacer(",", "", " ", "", "\t", "").Replace(hexdata))
		if err != nil {
			return "", RegValue{}, fmt.Errorf("value %q: %v", name, err)
		}
		return name, regTyped(strings.ToLower(kind), b), nil
	case rest == "-":
		return name, RegValue{Type: "deleted"}, nil
	}
	return "", RegValue{}, fmt.Errorf("value %q: unknown data %q", name, rest)
}

// regTyped converts the bytes of a hex(N): value to its type.
func regTyped(kind string, b []byte) RegValue {
	switch kind {
	case "", "(3)":
		return RegValue{Type: RegBinary, Bin: b}
	case "(2)":
		return RegValue{Type: RegExpandSZ, Str: utf16z(b)}
	case "(1)":
		return RegValue{Type: RegSZ, Str: utf16z(b)}
	case "(7)":
		var list []string
		for _, s := range strings.Split(utf16z2(b), "\x00") {
			if s != "" {
				list = append(list, s)
			}
		}
		return RegValue{Type: RegMultiSZ, Strs: list}
	case "(4)":
		if len(b) >= 4 {
			return RegValue{Type: RegDWORD, Num: uint64(binary.LittleEndian.Uint32(b))}
		}
	case "(b)":
		if len(b) >= 8 {
			return RegValue{Type: RegQWORD, Num: binary.LittleEndian.Uint64(b)}
		}
	}
	return RegValue{Type: "hex" + kind, Bin: b}
}

// utf16z decodes little-endian UTF-16 up to the first NUL.
func utf16z(b []byte) string {
	s := utf16z2(b)
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s
}

// utf16z2 decodes little-endian UTF-16 keeping embedded NULs.
func utf16z2(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// regQuoted reads a regedit quoted string (escapes \\ and \") and returns
// it with the rest of the line.
func regQuoted(s string) (string, string, error) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", fmt.Errorf("expected a quoted string at %q", s)
	}
	// regedit escapes as prefs.js does: a backslash keeps the next byte.
	v, end, ok := jsString(s)
	if !ok {
		return "", "", fmt.Errorf("unterminated string %q", s)
	}
	return v, s[end:], nil
}

package discover

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
)

func TestParseRegFile(t *testing.T) {
	utf8 := regFile(t, "ie-manual.reg")
	utf16 := regFile(t, "ie-manual-utf16.reg")
	if !reflect.DeepEqual(utf8, utf16) {
		t.Error("UTF-16 and UTF-8 exports of the same settings differ")
	}
	v, err := utf8.Value("HKCU", ieSettingsKey, "proxyenable")
	if err != nil || v.Type != RegDWORD || v.Num != 1 {
		t.Errorf("ProxyEnable = %+v, %v", v, err)
	}
	v, err = utf8.Value("hkcu", strings.ToUpper(connectionsKey), "DefaultConnectionSettings")
	if err != nil || v.Type != RegBinary || len(v.Bin) != 12+4+23+4+27+4+32 {
		t.Errorf("blob = %d bytes, %v", len(v.Bin), err)
	}
	if _, err := utf8.Value("HKCU", ieSettingsKey, "AutoConfigURL"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing value: %v", err)
	}
	if _, err := utf8.Value("HKLM", ieSettingsKey, "ProxyEnable"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing key: %v", err)
	}
	names, err := utf8.ValueNames("HKCU", ieSettingsKey)
	if err != nil || !reflect.DeepEqual(names, []string{"proxyenable", "proxyoverride", "proxyserver"}) {
		t.Errorf("ValueNames = %v, %v", names, err)
	}
	subs, err := regFile(t, "dns-suffixes.reg").SubKeys("HKLM", tcpipInterfaces)
	if err != nil || len(subs) != 1 {
		t.Errorf("SubKeys = %v, %v", subs, err)
	}
	json := regFile(t, "edge-policy.reg")
	ps, _ := json.Value("HKLM", `SOFTWARE\Policies\Microsoft\Edge`, "ProxySettings")
	if !strings.HasPrefix(ps.Str, `{"ProxyMode": "fixed_servers"`) {
		t.Errorf("escaped string = %q", ps.Str)
	}
}

func TestParseRegFileErrors(t *testing.T) {
	for _, name := range []string{"not-a-reg.reg", "bad-value.reg"} {
		if _, err := ParseRegFile(testdata(t, "windows", name)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	for _, in := range []string{
		"",
		"Windows Registry Editor Version 5.00\n\"x\"=dword:1\n",                   // value outside a key
		"Windows Registry Editor Version 5.00\n[HKEY_NOWHERE\\x]\n",               // unknown root
		"Windows Registry Editor Version 5.00\n[HKEY_CURRENT_USER\\x\n",           // unterminated key
		"Windows Registry Editor Version 5.00\n[HKCU\\x]\n\"a\"=hex:zz\n",         // bad hex
		"Windows Registry Editor Version 5.00\n[HKCU\\x]\n\"a\"=\"unterminated\n", // bad string
		"\xff\xfe\x00",
	} {
		if _, err := ParseRegFile([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	m, err := ParseRegFile([]byte("REGEDIT4\n[HKEY_CURRENT_USER\\k]\n@=\"default\"\n\"m\"=hex(7):61,00,00,00,62,00,00,00,00,00\n\"e\"=hex(2):25,00,41,00,25,00,00,00\n\"q\"=hex(b):01,00,00,00,00,00,00,00\n\"gone\"=-\n"))
	if err != nil {
		t.Fatal(err)
	}
	vals := m[`hkcu\k`]
	if vals[""].Str != "default" || !reflect.DeepEqual(vals["m"].Strs, []string{"a", "b"}) || vals["e"].Str != "%A%" || vals["q"].Num != 1 || vals["gone"].Type != "deleted" {
		t.Errorf("typed values: %+v", vals)
	}
}

func TestDecodeConnectionSettings(t *testing.T) {
	blob := func(file, root, key, name string) []byte {
		v, err := regFile(t, file).Value(root, key, name)
		if err != nil {
			t.Fatal(err)
		}
		return v.Bin
	}
	tests := []struct {
		name string
		b    []byte
		want ConnectionSettings
	}{
		{"ie7 manual", blob("ie-manual.reg", "HKCU", connectionsKey, "DefaultConnectionSettings"),
			ConnectionSettings{Version: 0x46, Counter: 28, Flags: 3, ProxyServer: "proxy.corp.example:8080", Bypass: "<local>;*.corp.example;10.*", HasAutoConfigURL: true}},
		{"ie7 pac+autodetect", blob("ie-pac-autodetect.reg", "HKCU", connectionsKey, "DefaultConnectionSettings"),
			ConnectionSettings{Version: 0x46, Counter: 5, Flags: 0x0d, ProxyServer: "http=oldproxy:3128;https=oldproxy:3129", AutoConfigURL: "http://pac.corp.example/proxy.pac", HasAutoConfigURL: true}},
		{"ie6", blob("ie6-legacy.reg", "HKCU", connectionsKey, "DefaultConnectionSettings"),
			ConnectionSettings{Version: 0x3c, Counter: 1, Flags: 3, ProxyServer: "10.20.30.40:80", Bypass: "<local>", HasAutoConfigURL: true}},
		{"winhttp 0x28", blob("winhttp.reg", "HKLM", connectionsKey, "WinHttpSettings"),
			ConnectionSettings{Version: 0x28, Flags: 3, ProxyServer: "http=10.0.0.1:3128", Bypass: "<local>"}},
		{"winhttp 0x18 short", blob("winhttp-direct.reg", "HKLM", connectionsKey, "WinHttpSettings"),
			ConnectionSettings{Version: 0x18, Flags: 1}},
		{"latin-1 and NUL", append(le(0x46, 0, 3, 6), []byte{'p', 0xe9, ':', '8', '0', 0}...),
			ConnectionSettings{Version: 0x46, Flags: 3, ProxyServer: "p\u00e9:80"}},
	}
	for _, tt := range tests {
		got, err := DecodeConnectionSettings(tt.b)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, %v; want %+v", tt.name, got, err, tt.want)
		}
	}
	if got, _ := DecodeConnectionSettings(tests[1].b); !got.AutoDetect() || !got.UseAutoConfig() || got.UseProxy() {
		t.Errorf("flags of %+v", got)
	}
}

// le encodes little-endian u32 values.
func le(v ...uint32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], x)
	}
	return b
}

func TestDecodeConnectionSettingsMalformed(t *testing.T) {
	truncated, _ := regFile(t, "ie-truncated.reg").Value("HKCU", connectionsKey, "DefaultConnectionSettings")
	for name, b := range map[string][]byte{
		"empty":            nil,
		"short header":     le(0x46, 0)[:7],
		"no proxy length":  append(le(0x46, 0, 3), 5, 0),
		"recorded":         truncated.Bin,
		"huge length":      le(0x46, 0, 3, 0xffffffff),
		"bypass truncated": append(le(0x46, 0, 3, 0), le(5)...),
		"pac truncated":    append(le(0x46, 0, 3, 0, 0), le(100)...),
	} {
		if _, err := DecodeConnectionSettings(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// encodeConnectionSettings is the inverse of DecodeConnectionSettings, for
// the fuzz round trip.
func encodeConnectionSettings(c ConnectionSettings) []byte {
	b := le(c.Version, c.Counter, c.Flags)
	for _, s := range []string{c.ProxyServer, c.Bypass} {
		b = append(append(b, le(uint32(len(s)))...), s...)
	}
	if c.HasAutoConfigURL {
		b = append(append(b, le(uint32(len(c.AutoConfigURL)))...), c.AutoConfigURL...)
	}
	return b
}

func FuzzDecodeConnectionSettings(f *testing.F) {
	f.Add(le(0x46, 1, 3, 3, 0x61_3a_31, 0, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeConnectionSettings(b)
		if err != nil {
			return
		}
		// Strings that are ASCII without NUL survive a round trip.
		for _, s := range []string{c.ProxyServer, c.Bypass, c.AutoConfigURL} {
			if !isASCII([]byte(s)) || strings.ContainsRune(s, 0) {
				return
			}
		}
		c2, err := DecodeConnectionSettings(encodeConnectionSettings(c))
		if err != nil || c2 != c {
			t.Fatalf("round trip: %+v → %+v, %v", c, c2, err)
		}
		_ = c.String()
	})
}

func TestParseProxyOverride(t *testing.T) {
	got := ParseProxyOverride("<local>;*.corp.example, 10.*\r\n192.168.*;;")
	want := []string{"<local>", "*.corp.example", "10.*", "192.168.*"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q", got)
	}
}

func TestReadWindows(t *testing.T) {
	all := func(p string) map[string][]string { return map[string][]string{"all": {p}} }
	tests := []struct {
		files  []string
		source string
		want   want
		note   string
		err    string
	}{
		{[]string{"ie-manual.reg"}, "windows-ie-user", want{mode: "manual", proxies: all("http://proxy.corp.example:8080"), bypass: []string{"<local>", "*.corp.example", "10.*"}}, "", ""},
		{[]string{"ie-pac-autodetect.reg"}, "windows-ie-user", want{mode: "auto-detect", pac: "http://pac.corp.example/proxy.pac", autoDetect: true}, "", ""},
		{[]string{"ie-all-three.reg"}, "windows-ie-user", want{mode: "auto-detect",
			proxies: map[string][]string{"http": {"http://web.corp.example:8080"}, "https": {"http://secure.corp.example:8443"}, "fallback": {"socks4://socks.corp.example:1080"}},
			pac:     "http://***@pac.corp.example/proxy.pac", autoDetect: true, bypass: []string{"<local>"}}, `connection "corp vpn"`, ""},
		{[]string{"ie6-legacy.reg"}, "windows-ie-user", want{mode: "manual", proxies: all("http://10.20.30.40:80"), bypass: []string{"<local>"}}, "", ""},
		{[]string{"ie-direct.reg"}, "windows-ie-user", want{mode: "direct"}, "", ""},
		{[]string{"ie-truncated.reg"}, "windows-ie-user", want{mode: "manual", proxies: all("http://proxy:8080")}, "unreadable", "exceeds"},
		{[]string{"machine-wide.reg"}, "windows-ie-machine", want{mode: "manual", proxies: all("http://machineproxy.corp.example:3128"), bypass: []string{"*.corp.example"}}, "", ""},
		{[]string{"machine-wide.reg"}, "windows-policy-per-user", want{}, "machine-wide", ""},
		{[]string{"winhttp.reg"}, "windows-winhttp", want{mode: "manual", proxies: map[string][]string{"http": {"http://10.0.0.1:3128"}}, bypass: []string{"<local>"}}, "DisableWpad", ""},
		{[]string{"winhttp-direct.reg"}, "windows-winhttp", want{mode: "direct"}, "", ""},
		// Nothing stored: Windows' default is auto-detect.
		{[]string{"dns-suffixes.reg"}, "windows-ie-user", want{mode: "auto-detect", autoDetect: true}, "default", ""},
	}
	for _, tt := range tests {
		m := &fakeMachine{goos: "windows", reg: regFile(t, tt.files...)}
		s := m.discover(t, tt.source)
		name := strings.Join(tt.files, "+") + "/" + tt.source
		tt.want.check(t, name, s)
		if tt.note != "" && !hasNote(s.Notes, tt.note) {
			t.Errorf("%s: no note with %q in %q", name, tt.note, s.Notes)
		}
		if !strings.Contains(s.Err, tt.err) || (tt.err == "" && s.Err != "") {
			t.Errorf("%s: error %q, want %q", name, s.Err, tt.err)
		}
		for _, n := range append(s.Notes, s.PACURL) {
			if strings.Contains(n, "pacpass") {
				t.Errorf("%s: credentials leak in %q", name, n)
			}
		}
	}
}

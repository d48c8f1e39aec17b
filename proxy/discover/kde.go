package discover

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/okviz/okviz-check/proxy/internal/lists"
)

// KDESettings is the [Proxy Settings] group of kioslaverc, keys as written
// (localisation and "[$e]" markers removed).
type KDESettings map[string]string

// ParseKioslaverc reads the [Proxy Settings] group of a kioslaverc file the
// way Chromium does: "key=value" lines, trimmed, later lines winning; other
// groups and lines without "=" are skipped. It fails only on binary
// content, which no KDE config file has.
func ParseKioslaverc(data []byte) (KDESettings, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("kioslaverc: contains NUL bytes, not a KDE config file")
	}
	k := KDESettings{}
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "[") {
			in = strings.HasPrefix(line, "[Proxy Settings]")
			continue
		}
		if !in {
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if strings.HasSuffix(key, "]") {
			i := strings.LastIndex(key, "[")
			if i < 0 {
				continue
			}
			key = strings.TrimSpace(key[:i])
		}
		if key != "" {
			k[key] = val
		}
	}
	return k, sc.Err()
}

// kdeAsGnome translates KDE settings into the GNOME keys, as Chromium's
// SettingGetterImplKDE does, so one interpretation serves both. lookupEnv
// resolves ProxyType=4, where the proxy fields name environment variables.
func kdeAsGnome(k KDESettings, lookupEnv func(string) (string, bool)) (GnomeSettings, []string) {
	g := GnomeSettings{}
	var notes []string
	t, err := strconv.Atoi(k["ProxyType"])
	if err != nil {
		t = 0
	}
	indirect := false
	switch t {
	case 1:
		g["mode"] = "manual"
	case 2:
		g["mode"] = "auto"
		g["autoconfig-url"] = k["Proxy Config Script"]
	case 3:
		g["mode"] = "auto" // WPAD: no script URL
	case 4:
		g["mode"] = "manual"
		indirect = true
		notes = append(notes, "ProxyType=4: the proxy fields name environment variables")
	default:
		g["mode"] = "none"
	}
	for _, scheme := range []string{"http", "https", "ftp", "socks"} {
		v, ok := k[scheme+"Proxy"]
		if !ok {
			continue
		}
		if indirect && scheme != "socks" {
			val, set := lookupEnv(v)
			if !set {
				continue
			}
			v = val
		}
		if v == "" || strings.HasPrefix(v, "//:") {
			continue
		}
		// Newer KDE separates the port with a space: "http://h 8080".
		g[scheme+".host"] = strings.Replace(v, " ", ":", 1)
	}
	if v, ok := k["NoProxyFor"]; ok {
		list := lists.Split(v, ", ")
		if indirect {
			list = nil
			if first := lists.Split(v, ", "); len(first) > 0 {
				if val, set := lookupEnv(first[0]); set {
					list = lists.Split(val, ", ")
				}
			}
		}
		g["ignore-hosts"] = list
	}
	return g, notes
}

// kdeReversed reads ReversedException: "true" or a non-zero number.
func kdeReversed(k KDESettings) bool {
	v := k["ReversedException"]
	n, _ := strconv.Atoi(v)
	return v == "true" || n != 0
}

// kdeConfigFiles lists where kioslaverc may live, most specific first.
func kdeConfigFiles(sys System) []string {
	var files []string
	if kh := sys.getenv("KDEHOME"); kh != "" {
		files = append(files, path.Join(kh, "share/config/kioslaverc"))
	}
	if x := sys.getenv("XDG_CONFIG_HOME"); x != "" {
		files = append(files, path.Join(x, "kioslaverc"))
	}
	if h := sys.getenv("HOME"); h != "" {
		files = append(files, path.Join(h, ".config/kioslaverc"), path.Join(h, ".kde4/share/config/kioslaverc"), path.Join(h, ".kde/share/config/kioslaverc"))
	}
	return files
}

// readKDE reads the first kioslaverc found.
func readKDE(sys System) Source {
	s := Source{Name: "kde", set: Settings{BypassStyle: BypassChromiumSuffix}}
	for _, f := range kdeConfigFiles(sys) {
		data, err := sys.readFile(f)
		if err != nil {
			s.fail(err)
			continue
		}
		s.Origin = f
		k, err := ParseKioslaverc(data)
		if err != nil {
			s.Err = err.Error()
			return s
		}
		if len(k) == 0 {
			s.note("no [Proxy Settings] group")
			return s
		}
		g, notes := kdeAsGnome(k, sys.lookupEnv)
		st, usable, more := gnomeSettings(g)
		st.BypassStyle = BypassChromiumSuffix
		st.Reversed = kdeReversed(k)
		st.Unusable = !usable
		s.set, s.Found = st, true
		s.Notes = append(notes, more...)
		if st.Reversed {
			s.note("ReversedException is on: only the listed hosts use the proxy")
		}
		return s
	}
	return s
}

package discover

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/okviz/okviz-check/internal/redact"
)

// gnomeSchema is the GSettings schema of the GNOME proxy settings; its
// children .http, .https, .ftp and .socks hold host and port.
const gnomeSchema = "org.gnome.system.proxy"

// ParseGVariant parses the GVariant text gsettings prints for a value: a
// string ('x' or "x" with backslash escapes), a string array (['a', 'b'],
// "@as []"), an integer (optionally typed: "uint32 8080") or a boolean. It
// returns string, []string, int64 or bool.
func ParseGVariant(text string) (any, error) {
	s := strings.TrimSpace(text)
	if rest, ok := strings.CutPrefix(s, "@"); ok {
		// A type annotation such as "@as []": drop the type.
		_, v, ok := strings.Cut(rest, " ")
		if !ok {
			return nil, fmt.Errorf("gvariant %q: type annotation without value", text)
		}
		s = strings.TrimSpace(v)
	}
	switch {
	case s == "true" || s == "false":
		return s == "true", nil
	case strings.HasPrefix(s, "'") || strings.HasPrefix(s, `"`):
		v, rest, err := gvString(s)
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(rest) != "" {
			return nil, fmt.Errorf("gvariant %q: text after the string", text)
		}
		return v, nil
	case strings.HasPrefix(s, "["):
		list, err := gvStringArray(s)
		if err != nil {
			return nil, err
		}
		return list, nil
	}
	fields := strings.Fields(s)
	if len(fields) == 2 {
		// Typed number: "uint32 8080", "int32 -1".
		s = fields[1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("gvariant %q: not a string, string array, number or boolean", text)
	}
	return n, nil
}

// gvString reads one quoted string and returns the rest of the input.
func gvString(s string) (string, string, error) {
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q:
			return b.String(), s[i+1:], nil
		case c == '\\' && i+1 < len(s):
			i++
			switch e := s[i]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'u', 'U':
				size := 4
				if e == 'U' {
					size = 8
				}
				if i+1+size > len(s) {
					return "", "", fmt.Errorf("gvariant: short \\%c escape", e)
				}
				r, err := strconv.ParseUint(s[i+1:i+1+size], 16, 32)
				if err != nil || !utf8.ValidRune(rune(r)) {
					return "", "", fmt.Errorf("gvariant: bad \\%c escape", e)
				}
				b.WriteRune(rune(r))
				i += size
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("gvariant: unterminated string %q", s)
}

// gvStringArray reads ['a', 'b'].
func gvStringArray(s string) ([]string, error) {
	rest := strings.TrimSpace(s[1:])
	out := []string{}
	for {
		if strings.HasPrefix(rest, "]") {
			if strings.TrimSpace(rest[1:]) != "" {
				return nil, fmt.Errorf("gvariant %q: text after the array", s)
			}
			return out, nil
		}
		if rest == "" || (rest[0] != '\'' && rest[0] != '"') {
			return nil, fmt.Errorf("gvariant %q: expected a string in the array", s)
		}
		v, tail, err := gvString(rest)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		rest = strings.TrimSpace(tail)
		if strings.HasPrefix(rest, ",") {
			rest = strings.TrimSpace(rest[1:])
		} else if !strings.HasPrefix(rest, "]") {
			return nil, fmt.Errorf("gvariant %q: expected ',' or ']'", s)
		}
	}
}

// GnomeSettings are the GNOME proxy keys, by "schema key" name relative to
// org.gnome.system.proxy: "mode", "autoconfig-url", "ignore-hosts",
// "https.host", "https.port", ...
type GnomeSettings map[string]any

// ParseGsettingsList parses `gsettings list-recursively
// org.gnome.system.proxy` output ("<schema> <key> <value>" lines). Lines of
// other schemas are skipped; a malformed value is an error naming the key.
func ParseGsettingsList(out []byte) (GnomeSettings, error) {
	g := GnomeSettings{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		schema, rest, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("gsettings: unexpected line %q", line)
		}
		key, val, ok := strings.Cut(strings.TrimSpace(rest), " ")
		if !ok {
			return nil, fmt.Errorf("gsettings: no value in line %q", line)
		}
		child, isProxy := strings.CutPrefix(schema, gnomeSchema)
		if !isProxy || (child != "" && !strings.HasPrefix(child, ".")) {
			continue
		}
		v, err := ParseGVariant(val)
		if err != nil {
			return nil, fmt.Errorf("gsettings %s %s: %v", schema, key, err)
		}
		name := key
		if child != "" {
			name = strings.TrimPrefix(child, ".") + "." + key
		}
		g[name] = v
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return g, nil
}

func (g GnomeSettings) str(k string) string { s, _ := g[k].(string); return s }

// gnomeSettings maps the keys onto Chromium's model
// (ProxyConfigServiceLinux::Delegate::GetConfigFromSettings). usable is
// false when Chromium would discard them and read the environment instead:
// mode missing or unknown, manual without any proxy, an invalid PAC URL.
func gnomeSettings(g GnomeSettings) (st Settings, usable bool, notes []string) {
	st.BypassStyle = BypassChromium
	mode := g.str("mode")
	switch mode {
	case "none":
		st.Direct = true
		return st, true, nil
	case "auto":
		u := strings.TrimSpace(g.str("autoconfig-url"))
		if u == "" {
			st.AutoDetect = true
			return st, true, nil
		}
		if strings.HasPrefix(u, "/") {
			u = "file://" + u
		}
		if !strings.Contains(u, "://") {
			return st, false, []string{fmt.Sprintf("autoconfig-url %q is not a URL: Chromium ignores these settings", redact.URL(u))}
		}
		st.PACURL = u
		return st, true, nil
	case "manual":
	case "":
		return st, false, []string{"no proxy mode set"}
	default:
		return st, false, []string{fmt.Sprintf("unknown mode %q: Chromium ignores these settings", mode)}
	}
	proxyFor := func(scheme, defScheme string) string {
		host := strings.TrimSpace(g.str(scheme + ".host"))
		if host == "" {
			return ""
		}
		hp := host
		if port, _ := g[scheme+".port"].(int64); port != 0 {
			if i := strings.Index(host, "://"); i >= 0 {
				hp = host[:i+3] + net.JoinHostPort(strings.Trim(host[i+3:], "[]/"), strconv.FormatInt(port, 10))
			} else {
				hp = net.JoinHostPort(strings.Trim(host, "[]"), strconv.FormatInt(port, 10))
			}
		}
		p, err := NormalizeProxy(hp, defScheme)
		if err != nil {
			notes = append(notes, scheme+": "+err.Error())
			return ""
		}
		return p
	}
	http, https, ftp, socks := proxyFor("http", "http"), proxyFor("https", "http"), proxyFor("ftp", "http"), proxyFor("socks", "socks5")
	if socks != "" && http == "" && https == "" && ftp == "" {
		st.Rules.All = []string{socks}
	} else {
		for _, p := range []struct {
			v   string
			dst *[]string
		}{{http, &st.Rules.HTTP}, {https, &st.Rules.HTTPS}, {ftp, &st.Rules.FTP}, {socks, &st.Rules.Fallback}} {
			if p.v != "" {
				*p.dst = []string{p.v}
			}
		}
	}
	if st.Rules.Empty() {
		return st, false, append(notes, "mode is manual but no proxy host is set: Chromium ignores these settings")
	}
	if b, _ := g["http.use-authentication"].(bool); b {
		notes = append(notes, "use-authentication is on: the browser ignores the stored credentials and asks the proxy's challenge itself")
	}
	hosts, _ := g["ignore-hosts"].([]string)
	st.Bypass = append(st.Bypass, hosts...)
	return st, true, notes
}

// readGnome reads the GNOME proxy settings with gsettings.
func readGnome(ctx context.Context, sys System) Source {
	s := Source{Name: "gnome", Origin: "gsettings list-recursively " + gnomeSchema, set: Settings{BypassStyle: BypassChromium}}
	var g GnomeSettings
	parse := func(out []byte) (err error) { g, err = ParseGsettingsList(out); return err }
	if !runParsed(ctx, sys, &s, parse, "gsettings", "list-recursively", gnomeSchema) {
		return s
	}
	if len(g) == 0 {
		s.note("the %s schema is not installed", gnomeSchema)
		return s
	}
	var usable bool
	s.set, usable, s.Notes = gnomeSettings(g)
	s.Found = true
	s.set.Unusable = !usable
	return s
}

package discover

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// ScutilDict is a parsed scutil dictionary: values are strings, nested
// ScutilDict values or []any arrays (of the same kinds).
type ScutilDict map[string]any

// maxScutilDepth bounds nesting; real output nests three levels
// (__SCOPED__ → interface → list).
const maxScutilDepth = 32

// ParseScutil parses the text scutil prints for a dictionary, such as
// `scutil --proxy`: "<dictionary> {", "key : value" lines, nested
// "<dictionary> {" and "<array> {" blocks closed by "}". Separators may be
// " : " or a bare ":". Output that is not a well-formed dictionary is an
// error; "No proxies" gives an empty dictionary.
func ParseScutil(out []byte) (ScutilDict, error) {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("scutil: empty output")
	}
	if len(lines) == 1 && strings.EqualFold(lines[0], "No proxies") {
		return ScutilDict{}, nil
	}
	if lines[0] != "<dictionary> {" {
		return nil, fmt.Errorf("scutil: output does not start with a dictionary (%q)", lines[0])
	}
	p := scutilParser{lines: lines, i: 1}
	v, err := p.block(true, 1)
	if err != nil {
		return nil, err
	}
	if p.i != len(lines) {
		return nil, fmt.Errorf("scutil: line %d: text after the closing brace", p.i+1)
	}
	return v.(ScutilDict), nil
}

type scutilParser struct {
	lines []string
	i     int
}

// block reads entries up to the closing brace; dict selects the result
// type.
func (p *scutilParser) block(dict bool, depth int) (any, error) {
	if depth > maxScutilDepth {
		return nil, fmt.Errorf("scutil: nesting deeper than %d", maxScutilDepth)
	}
	d := ScutilDict{}
	var arr []any
	for p.i < len(p.lines) {
		line := p.lines[p.i]
		p.i++
		if line == "}" {
			if dict {
				return d, nil
			}
			return arr, nil
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("scutil: line %d: expected \"key : value\", got %q", p.i, line)
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		var v any = val
		switch val {
		case "<dictionary> {":
			sub, err := p.block(true, depth+1)
			if err != nil {
				return nil, err
			}
			v = sub
		case "<array> {":
			sub, err := p.block(false, depth+1)
			if err != nil {
				return nil, err
			}
			v = sub
		}
		if dict {
			d[key] = v
		} else {
			arr = append(arr, v)
		}
	}
	return nil, fmt.Errorf("scutil: missing closing brace")
}

func (d ScutilDict) str(key string) string {
	s, _ := d[key].(string)
	if s == "<NULL>" {
		return ""
	}
	return s
}

// flag reads a number as a boolean, false when absent or not a number.
func (d ScutilDict) flag(key string) bool {
	n, err := strconv.Atoi(d.str(key))
	return err == nil && n != 0
}

func (d ScutilDict) strings(key string) []string {
	arr, _ := d[key].([]any)
	var out []string
	for _, v := range arr {
		if s, ok := v.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// scutilSettings maps the global proxy dictionary onto Chromium's model,
// as ProxyConfigServiceMac does: each protocol counts only when its Enable
// flag is 1, SOCKS becomes the fallback (SOCKS5) proxy, ExceptionsList is
// the bypass list and ExcludeSimpleHostnames prepends "<local>".
func scutilSettings(d ScutilDict) (Settings, []string) {
	st := Settings{BypassStyle: BypassChromium}
	var notes []string
	st.AutoDetect = d.flag("ProxyAutoDiscoveryEnable")
	if d.flag("ProxyAutoConfigEnable") {
		st.PACURL = d.str("ProxyAutoConfigURLString")
		if st.PACURL == "" {
			notes = append(notes, "ProxyAutoConfigEnable is 1 but ProxyAutoConfigURLString is empty")
		}
	}
	proto := func(prefix, scheme string, dst *[]string) {
		if !d.flag(prefix + "Enable") {
			return
		}
		host := d.str(prefix + "Proxy")
		if host == "" {
			notes = append(notes, prefix+"Enable is 1 but "+prefix+"Proxy is empty")
			return
		}
		hp := host
		if port := d.str(prefix + "Port"); port != "" && port != "0" {
			hp = net.JoinHostPort(strings.Trim(host, "[]"), port)
		}
		p, err := NormalizeProxy(hp, scheme)
		if err != nil {
			notes = append(notes, prefix+": "+err.Error())
			return
		}
		*dst = []string{p}
	}
	proto("HTTP", "http", &st.Rules.HTTP)
	proto("HTTPS", "http", &st.Rules.HTTPS)
	proto("FTP", "http", &st.Rules.FTP)
	proto("SOCKS", "socks5", &st.Rules.Fallback)
	if d.flag("ExcludeSimpleHostnames") {
		st.Bypass = append(st.Bypass, "<local>")
	}
	st.Bypass = append(st.Bypass, d.strings("ExceptionsList")...)
	if scoped, ok := d["__SCOPED__"].(ScutilDict); ok {
		for _, ifname := range sortedKeys(scoped) {
			sub, _ := scoped[ifname].(ScutilDict)
			s2, _ := scutilSettings(sub)
			if s2.AutoDetect != st.AutoDetect || s2.PACURL != st.PACURL || fmt.Sprint(s2.Rules) != fmt.Sprint(st.Rules) {
				notes = append(notes, fmt.Sprintf("interface %s has its own proxy settings (scoped); apps that bind to it may use them", ifname))
			}
		}
	}
	return st, notes
}

// readScutil runs `scutil --proxy`, the effective proxy settings every
// macOS app (and Chromium) sees.
func readScutil(ctx context.Context, sys System) Source {
	s := Source{Name: "macos-scutil", Origin: "scutil --proxy", set: Settings{BypassStyle: BypassChromium}}
	var d ScutilDict
	parse := func(out []byte) (err error) { d, err = ParseScutil(out); return err }
	if !runParsed(ctx, sys, &s, parse, "scutil", "--proxy") {
		return s
	}
	s.Found = len(d) > 0
	s.set, s.Notes = scutilSettings(d)
	return s
}

// ParseScutilDNSSearch extracts the search domains from `scutil --dns`
// ("search domain[0] : corp.example.com" and "domain : ..." lines), in
// order, without duplicates.
func ParseScutilDNSSearch(out []byte) []string {
	var domains []string
	seen := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		key = strings.TrimSpace(key)
		if !strings.HasPrefix(key, "search domain[") && key != "domain" {
			continue
		}
		d := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(val), "."))
		if d != "" && !seen[d] {
			seen[d] = true
			domains = append(domains, d)
		}
	}
	return domains
}

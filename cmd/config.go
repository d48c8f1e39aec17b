package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/redact"
)

// setting ties a flag to its config-file key; the environment variable is
// derived from the key: proxy.url ⇒ OKVIZ_CHECK_PROXY_URL. check, when set,
// validates what the flag's own Set cannot (a file that must hold
// certificates), whichever source the value came from.
type setting struct {
	flag  string
	key   string
	check func(string) error
}

func (s setting) envName() string {
	return "OKVIZ_CHECK_" + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(s.key))
}

// settings lists every flag that can also come from the environment or the
// config file. The key "targets" has no flag: it is the default target list.
var settings = []setting{
	{"format", "format", nil},
	{"color", "color", nil},
	{"timeout", "timeout", nil},
	{"quiet", "quiet", nil},
	{"verbose", "verbose", nil},
	{"progress", "progress", nil},
	{"proxy", "proxy.url", nil},
	{"no-proxy", "proxy.none", nil},
	{"pac", "proxy.pac", checkPACSource},
	{"dns-server", "dns.servers", nil},
	{"dns-compare", "dns.compare", nil},
	{"ca-file", "tls.ca_file", checkCertFile},
	{"public-roots", "tls.public_roots", checkCertFile},
	{"strict", "strict", nil},
	{"client", "client", nil},
}

// configKeys are the keys a config file may hold; anything else is a typo
// worth an error rather than a silently ignored setting.
func configKeys() map[string]bool {
	keys := map[string]bool{"targets": true}
	for _, s := range settings {
		keys[s.key] = true
	}
	return keys
}

const configName = "okviz-check.yaml"

// maxConfigSize bounds what is read from a config file, so --config
// /dev/zero is an error rather than a hang.
const maxConfigSize = 1 << 20

// configType is the syntax of a config file, from its extension in any
// case; a file without one is YAML.
func configType(path string) (string, error) {
	switch ext := filepath.Ext(path); strings.ToLower(ext) {
	case "", ".yaml", ".yml":
		return "yaml", nil
	case ".json":
		return "json", nil
	case ".toml":
		return "toml", nil
	default:
		return "", fmt.Errorf("unsupported file type %q (use .yaml, .yml, .json or .toml)", ext)
	}
}

// config is one run's view of the config file and the environment.
type config struct {
	v      *viper.Viper
	file   string // "" when no config file was found
	getenv func(string) string
	// origins names, per flag that apply filled, the source of its value.
	origins map[string]string
}

// loadConfig reads the config file: the explicit one (--config or
// OKVIZ_CHECK_CONFIG), else the first okviz-check.yaml found in env.ConfigDirs.
func loadConfig(env *Env, explicit string) (*config, error) {
	c := &config{v: viper.New(), getenv: env.Getenv}
	from := "--config"
	if explicit == "" {
		explicit = env.Getenv("OKVIZ_CHECK_CONFIG")
		from = "environment variable OKVIZ_CHECK_CONFIG"
	}
	if explicit != "" {
		if _, err := os.Stat(explicit); err != nil {
			return nil, usagef("%s: cannot read config file %q: %v", from, explicit, errors.Unwrap(err))
		}
		c.file = explicit
	} else {
		for _, dir := range env.ConfigDirs {
			p := filepath.Join(dir, configName)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				c.file = p
				break
			}
		}
	}
	if c.file == "" {
		return c, nil
	}
	if err := c.read(); err != nil {
		return nil, usagef("config file %s: %v", c.file, err)
	}
	return c, nil
}

// read parses c.file and rejects keys that mean nothing to okviz-check.
func (c *config) read() error {
	typ, err := configType(c.file)
	if err != nil {
		return err
	}
	data, err := readLimited(c.file, maxConfigSize)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil // an empty file sets nothing, whatever its syntax
	}
	c.v.SetConfigType(typ)
	if err := c.v.ReadConfig(bytes.NewReader(data)); err != nil {
		return syntaxError(typ, data, err)
	}
	keys := c.v.AllKeys()
	sort.Strings(keys)
	for _, k := range keys {
		if err := checkKey(k); err != nil {
			return err
		}
	}
	return nil
}

// readLimited reads at most limit bytes of the file at path.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, withoutPath(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, withoutPath(err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d KiB, not an okviz-check config file", limit>>10)
	}
	return data, nil
}

// withoutPath drops the path from a file error: the message names the file
// already.
func withoutPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkKey accepts a known key and explains an unknown one: a typo, a map
// where a single value belongs, or a single value where a map belongs.
func checkKey(k string) error {
	known := configKeys()
	if known[k] {
		return nil
	}
	var sub []string
	for kk := range known {
		if rest, ok := strings.CutPrefix(kk, k+"."); ok {
			sub = append(sub, rest)
		}
	}
	if len(sub) > 0 {
		sort.Strings(sub)
		return fmt.Errorf("key %s: want a map with the keys %s", k, strings.Join(sub, ", "))
	}
	for p := k; strings.Contains(p, "."); {
		p = p[:strings.LastIndex(p, ".")]
		if known[p] {
			want := "a single value"
			if p == "targets" {
				want = "a list of strings"
			}
			return fmt.Errorf("key %s: want %s, not a map", p, want)
		}
	}
	return fmt.Errorf("unknown key %q", k)
}

// apply fills every flag of fs that was not given on the command line from
// the environment, else from the config file. The flag's own Set validates
// the value, so a bad value is reported with its source and key. A global
// setting only fills the global flag: a command whose own flag of the same
// name means something else (rules --format) keeps its default.
func (c *config) apply(fs, global *pflag.FlagSet) error {
	if c.origins == nil {
		c.origins = map[string]string{}
	}
	for _, s := range settings {
		f := fs.Lookup(s.flag)
		if f == nil {
			continue
		}
		if g := global.Lookup(s.flag); g != nil && g != f {
			continue
		}
		if f.Changed {
			if err := s.validate(f.Value.String()); err != nil {
				return usagef("--%s: %s", s.flag, redact.Text(err.Error(), f.Value.String()))
			}
			continue
		}
		if val := c.getenv(s.envName()); val != "" {
			from := "environment variable " + s.envName()
			if err := s.set(fs, val); err != nil {
				return usagef("%s: %s", from, redact.Text(err.Error(), val))
			}
			c.origins[s.flag] = from
			continue
		}
		raw := c.v.Get(s.key)
		if raw == nil {
			continue // absent, or written with no value (key: ~)
		}
		from := "config file " + c.file + ": key " + s.key
		val, err := configString(raw, f.Value.Type() == "list")
		if err == nil {
			err = s.set(fs, val)
		}
		if err != nil {
			return usagef("%s: %s", from, redact.Text(err.Error(), val))
		}
		c.origins[s.flag] = from
	}
	return nil
}

// set gives the flag val and runs the setting's own check.
func (s setting) set(fs *pflag.FlagSet, val string) error {
	if err := fs.Set(s.flag, val); err != nil {
		return err
	}
	return s.validate(val)
}

// validate runs the setting's own check; an empty value means "not set".
func (s setting) validate(val string) error {
	if s.check == nil || val == "" {
		return nil
	}
	return s.check(val)
}

// origin names where the value of a flag came from, for error messages
// about combinations of settings: the flag itself, or the environment
// variable or config key apply filled it from.
func (c *config) origin(flag string) string {
	if from, ok := c.origins[flag]; ok {
		return from
	}
	return "--" + flag
}

// targets returns the default target list from the environment or the
// file, and names that source for error messages. A source that is set but
// names no target is an error, not a silent fallback to the default.
func (c *config) targets() ([]string, string, error) {
	if val := c.getenv("OKVIZ_CHECK_TARGETS"); val != "" {
		from := "environment variable OKVIZ_CHECK_TARGETS"
		t := splitList(val)
		if len(t) == 0 {
			return nil, "", usagef("%s: lists no target", from)
		}
		return t, from, nil
	}
	if !c.v.IsSet("targets") {
		return nil, "", nil
	}
	from := "config file " + c.file + ": key targets"
	var out []string
	switch t := c.v.Get("targets").(type) {
	case string:
		out = splitList(t)
	case []any:
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, "", usagef("%s: every entry must be a string, got %s", from, describe(e))
			}
			out = append(out, s)
		}
	default:
		return nil, "", usagef("%s: want a list of strings, got %s", from, describe(t))
	}
	if len(out) == 0 {
		return nil, "", usagef("%s: lists no target", from)
	}
	return out, from, nil
}

// configString turns a YAML/JSON/TOML scalar into flag syntax, or, for a
// list flag, a list of scalars into a comma-separated list.
func configString(raw any, list bool) (string, error) {
	switch t := raw.(type) {
	case string:
		return t, nil
	case bool, int, int64, uint64, float64:
		return fmt.Sprint(t), nil
	case []any:
		if !list {
			return "", fmt.Errorf("want a single value, got a list")
		}
		parts := make([]string, 0, len(t))
		for _, e := range t {
			s, err := configString(e, false)
			if err != nil {
				return "", fmt.Errorf("every entry must be a single value, got %s", describe(e))
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("want a single value, got %s", describe(raw))
}

// describe names the kind of a config value for an error message.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	case string:
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprint(v)
}

// checkCertFile reads a PEM file of certificates (--ca-file, --public-roots).
func checkCertFile(path string) error {
	_, err := diag.LoadCertPool(path)
	return err
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// syntaxError says in plain words why a config file does not parse, with
// the line (and column) where known, instead of the parser's Go words
// ("cannot unmarshal !!seq into map[string]interface {}").
func syntaxError(typ string, data []byte, err error) error {
	if typ == "json" {
		var v any
		jerr := json.Unmarshal(data, &v)
		var se *json.SyntaxError
		switch {
		case errors.As(jerr, &se):
			line, col := lineCol(data, se.Offset)
			if strings.Contains(se.Error(), "unexpected end") {
				return fmt.Errorf("not valid JSON: it ends too early at line %d (a missing } or ]?)", line)
			}
			return fmt.Errorf("not valid JSON at line %d, column %d (a trailing comma, a missing quote, or YAML in a .json file?)", line, col)
		case jerr == nil:
			if _, ok := v.(map[string]any); !ok {
				return fmt.Errorf("the top level must be an object of settings ({\"timeout\": \"5s\"}), not %s", describe(v))
			}
		}
	}
	msg := strings.TrimPrefix(oneLine(err.Error()), "While parsing config: ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimSpace(strings.TrimPrefix(msg, "unmarshal errors:"))
	if m := yamlTopLevel.FindStringSubmatch(msg); m != nil {
		what := "a single value"
		if m[2] == "seq" {
			what = "a list"
		}
		return fmt.Errorf("line %s: the top level must be a map of settings (timeout: 5s), not %s", m[1], what)
	}
	if m := yamlDuplicate.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("line %s: the key %q is given twice (first at line %s): keep one", m[1], m[2], m[3])
	}
	if strings.Contains(msg, "cannot start any token") {
		msg += " (YAML indents with spaces, never tabs)"
	}
	return fmt.Errorf("not valid %s: %s", strings.ToUpper(typ), msg)
}

var (
	yamlTopLevel  = regexp.MustCompile(`^line (\d+): cannot unmarshal !!(\w+) .*into map\[string\]interface \{\}`)
	yamlDuplicate = regexp.MustCompile(`^line (\d+): mapping key "([^"]*)" already defined at line (\d+)`)
)

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

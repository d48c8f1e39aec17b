package cmd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// setting ties a flag to its config-file key; the environment variable is
// derived from the key: proxy.url ⇒ OKVIZ_CHECK_PROXY_URL.
type setting struct {
	flag string
	key  string
}

func (s setting) envName() string {
	return "OKVIZ_CHECK_" + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(s.key))
}

// settings lists every flag that can also come from the environment or the
// config file. The key "targets" has no flag: it is the default target list.
var settings = []setting{
	{"format", "format"},
	{"color", "color"},
	{"timeout", "timeout"},
	{"quiet", "quiet"},
	{"verbose", "verbose"},
	{"proxy", "proxy.url"},
	{"no-proxy", "proxy.none"},
	{"pac", "proxy.pac"},
	{"dns-server", "dns.servers"},
	{"dns-compare", "dns.compare"},
	{"ca-file", "tls.ca_file"},
	{"public-roots", "tls.public_roots"},
	{"strict", "strict"},
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

// config is one run's view of the config file and the environment.
type config struct {
	v      *viper.Viper
	file   string // "" when no config file was found
	getenv func(string) string
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
	c.v.SetConfigFile(c.file)
	if filepath.Ext(c.file) == "" {
		c.v.SetConfigType("yaml")
	}
	if err := c.v.ReadInConfig(); err != nil {
		return nil, usagef("config file %s: %v", c.file, oneLine(err.Error()))
	}
	known := configKeys()
	var unknown []string
	for _, k := range c.v.AllKeys() {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, usagef("config file %s: unknown key %q", c.file, unknown[0])
	}
	return c, nil
}

// apply fills every flag of fs that was not given on the command line from
// the environment, else from the config file. The flag's own Set validates
// the value, so a bad value is reported with its source and key. A global
// setting only fills the global flag: a command whose own flag of the same
// name means something else (rules --format) keeps its default.
func (c *config) apply(fs, global *pflag.FlagSet) error {
	for _, s := range settings {
		f := fs.Lookup(s.flag)
		if f == nil || f.Changed {
			continue
		}
		if g := global.Lookup(s.flag); g != nil && g != f {
			continue
		}
		if val := c.getenv(s.envName()); val != "" {
			if err := fs.Set(s.flag, val); err != nil {
				return usagef("environment variable %s: %v", s.envName(), err)
			}
			continue
		}
		if !c.v.IsSet(s.key) {
			continue
		}
		val, err := configString(c.v.Get(s.key))
		if err == nil {
			err = fs.Set(s.flag, val)
		}
		if err != nil {
			return usagef("config file %s: key %s: %v", c.file, s.key, err)
		}
	}
	return nil
}

// targets returns the default target list from the environment or the
// file, and names that source for error messages.
func (c *config) targets() ([]string, string, error) {
	if val := c.getenv("OKVIZ_CHECK_TARGETS"); val != "" {
		return splitList(val), "environment variable OKVIZ_CHECK_TARGETS", nil
	}
	if !c.v.IsSet("targets") {
		return nil, "", nil
	}
	from := "config file " + c.file + ": key targets"
	raw := c.v.Get("targets")
	switch t := raw.(type) {
	case string:
		return splitList(t), from, nil
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, "", usagef("%s: every entry must be a string, got %v", from, e)
			}
			out = append(out, s)
		}
		return out, from, nil
	}
	return nil, "", usagef("%s: want a list of strings, got %v", from, raw)
}

// configString turns a YAML/JSON/TOML scalar or list into flag syntax.
func configString(raw any) (string, error) {
	switch t := raw.(type) {
	case string:
		return t, nil
	case bool, int, int64, float64:
		return fmt.Sprint(t), nil
	case []any:
		parts := make([]string, 0, len(t))
		for _, e := range t {
			s, err := configString(e)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("unsupported value %v", raw)
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

func (c *config) origin(flag string) string { return "--" + flag }

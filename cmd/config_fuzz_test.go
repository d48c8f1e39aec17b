package cmd

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoadConfig writes the input as a YAML and as a JSON config file and
// loads it as the check command would: read the file, fill the flags, read
// the default targets. Whatever the bytes, that never panics, and it either
// succeeds or fails with a usage error that names the file.
// The seed corpus is in testdata/fuzz/FuzzLoadConfig.
func FuzzLoadConfig(f *testing.F) {
	for _, seed := range []string{
		"format: json\ntimeout: 3s\ntargets: [api.okviz.com, \"https://198.18.0.7:8443/x\"]\n",
		"proxy: {url: \"http://u:pw@198.18.0.9:3128\", none: false, pac: wpad.dat}\ndns: {servers: [198.18.0.53], compare: none}\n",
		`{"tls": {"ca_file": "missing.pem"}, "strict": true, "quiet": 1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		for _, name := range []string{"fuzz.yaml", "fuzz.json"} {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			err := loadAsCheck(t, path)
			if err == nil {
				continue
			}
			var ue usageError
			if !errors.As(err, &ue) {
				t.Fatalf("%s: %T is not a usage error: %v", name, err, err)
			}
			if !strings.Contains(err.Error(), "config file "+path) {
				t.Fatalf("%s: the error does not name the file: %v", name, err)
			}
		}
	})
}

// loadAsCheck loads the config file at path with an empty environment and
// applies it to the check command's flags, then parses its targets.
func loadAsCheck(t *testing.T, path string) error {
	env := &Env{Getenv: func(string) string { return "" }, LookupEnv: func(string) (string, bool) { return "", false }}
	c, err := loadConfig(env, path)
	if err != nil {
		return err
	}
	fs, global, a := checkFlags(t, env)
	if err := c.apply(fs, global); err != nil {
		return err
	}
	a.global.cfg = c
	_, err = a.parseTargets(nil)
	return err
}

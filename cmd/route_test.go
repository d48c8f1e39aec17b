package cmd

import (
	"strings"
	"testing"
)

// TestProxyCredentials: --proxy-user takes its password from
// OKVIZ_CHECK_PROXY_PASSWORD, else from a no-echo prompt asked once and
// only when stdin is a terminal (Env.ReadPassword set), else it is a usage
// error naming the variable.
func TestProxyCredentials(t *testing.T) {
	env := map[string]string{}
	asked := 0
	a := &app{env: &Env{
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		ReadPassword: func(prompt string) (string, error) {
			asked++
			if !strings.Contains(prompt, `CORP\bob`) {
				t.Errorf("prompt %q", prompt)
			}
			return "typed-pw", nil
		},
	}}
	o := &checkOptions{ProxyUser: `CORP\bob`}
	for range 2 {
		c, err := a.proxyCredentials(o)
		if err != nil || c.User != `CORP\bob` || c.Password != "typed-pw" || !strings.Contains(c.Source, "prompt") {
			t.Fatalf("%+v, %v", c, err)
		}
	}
	if asked != 1 {
		t.Errorf("asked %d times, want once per run", asked)
	}
	env[proxyPasswordVar] = "env-pw"
	if c, err := (&app{env: a.env}).proxyCredentials(o); err != nil || c.Password != "env-pw" || c.Source != "--proxy-user and "+proxyPasswordVar {
		t.Errorf("environment: %+v, %v", c, err)
	}
	delete(env, proxyPasswordVar)
	a.env.ReadPassword = nil // not a terminal
	if _, err := (&app{env: a.env}).proxyCredentials(o); err == nil || !strings.Contains(err.Error(), proxyPasswordVar) {
		t.Errorf("no terminal, no variable: %v", err)
	}
	if c, err := a.proxyCredentials(&checkOptions{}); c != nil || err != nil {
		t.Errorf("no --proxy-user: %+v, %v", c, err)
	}
}

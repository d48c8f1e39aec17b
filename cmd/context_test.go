package cmd

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/report"
)

// TestReportContext: a real run's JSON report carries the host facts and
// every setting with the source it came from (flag, environment variable,
// config file and key, default, argument), and no password.
func TestReportContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target := ln.Addr().String()
	ln.Close() // refused: a quick run
	dir := t.TempDir()
	conf := filepath.Join(dir, "okviz-check.yaml")
	if err := os.WriteFile(conf, []byte("proxy:\n  url: http://bob:s3cret@proxy.corp.example:8080\nstrict: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	env := testEnv(&stdout, &stderr)
	vars := map[string]string{"OKVIZ_CHECK_DNS_COMPARE": "none", "OKVIZ_CHECK_TIMEOUT": "3s"}
	env.Getenv = func(k string) string { return vars[k] }
	host := diag.Host{OS: diag.OSInfo{Name: "Windows 11 Pro", Version: "23H2", Build: "22631.4460"}, Elevated: true, Account: diag.AccountSystem}
	env.ReadHost = func(context.Context) diag.Host { return host }
	code := Main(context.Background(), []string{"check", "--config", conf, "--no-proxy", "-o", "json", target}, env, Build{Version: "t"})
	if code != ExitUnreachable {
		t.Fatalf("exit %d; stderr %s", code, stderr.String())
	}
	if strings.Contains(stdout.String(), "s3cret") {
		t.Error("the config file's proxy password is in the report")
	}
	rep, err := report.Read(&stdout)
	if err != nil {
		t.Fatal(err)
	}
	if rep.SchemaVersion != report.SchemaVersion || rep.Context == nil {
		t.Fatalf("schema %d, context %v", rep.SchemaVersion, rep.Context)
	}
	c := rep.Context
	if c.Host != host {
		t.Errorf("host %+v, want what ReadHost said %+v", c.Host, host)
	}
	if c.ProxySettings.Kind != "self" || c.ProxySettings.Summary == "" {
		t.Errorf("proxy settings of %+v", c.ProxySettings)
	}
	got := map[string]string{}
	for _, s := range c.Settings {
		got[s.Name] = fmt.Sprintf("%s (%s)", s.Value, s.Source)
	}
	want := map[string]string{
		"config":      conf + " (--config)",
		"targets":     target + " (argument)",
		"timeout":     "3s (environment variable OKVIZ_CHECK_TIMEOUT)",
		"dns-compare": "none (environment variable OKVIZ_CHECK_DNS_COMPARE)",
		"strict":      "true (config file " + conf + ": key strict)",
		"no-proxy":    "true (--no-proxy)",
		"format":      "json (--format)",
		"color":       "auto (default)",
		"progress":    "auto (default)",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("setting %s = %q, want %q", k, got[k], w)
		}
	}
	if _, ok := got["proxy-user"]; ok {
		t.Error("proxy-user listed though not given")
	}
}

// TestReportContextReadsTheHost: without an injected reader the real one
// runs and names this machine's OS.
func TestReportContextReadsTheHost(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"dns", "-o", "json", "127.0.0.1"}, testEnv(&stdout, &stderr), Build{Version: "t"})
	if code != ExitOK {
		t.Fatalf("exit %d; stderr %s", code, stderr.String())
	}
	rep, err := report.Read(&stdout)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Context == nil || rep.Context.OS.Name == "" || rep.Context.Account == "" {
		t.Errorf("context %+v", rep.Context)
	}
}

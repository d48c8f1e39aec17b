package cmd

import (
	"context"
	"strings"

	"github.com/spf13/pflag"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/proxy/discover"
	"github.com/okviz/okviz-check/report"
)

// readHost starts reading the machine's facts (OS build, elevation,
// account) beside the probes; the returned function waits for them. It
// has its own bound, so an interrupted run still says what it ran on.
func (a *app) readHost(ctx context.Context) func() diag.Host {
	read := a.env.ReadHost
	if read == nil {
		read = diag.ReadHost
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.global.Timeout)
	ch := make(chan diag.Host, 1)
	go func() { ch <- read(ctx) }()
	return func() diag.Host {
		defer cancel()
		return <-ch
	}
}

// runContext is the report's context: the host, whose proxy settings the
// discovery read, and every setting of the command with its source.
func (a *app) runContext(host diag.Host, sources []discover.Source) *report.Context {
	return &report.Context{Host: host, ProxySettings: proxySettingsOf(a.env.GOOS, sources), Settings: a.effectiveSettings()}
}

// proxySettingsOf says whose proxy settings were read: on Windows what
// the windows-user source found (run as SYSTEM, the interactive user's);
// elsewhere the account okviz-check runs as, always.
func proxySettingsOf(goos string, sources []discover.Source) report.ProxySettingsOf {
	for _, s := range sources {
		if w := s.Settings().Whose; w != nil {
			return report.ProxySettingsOf{Kind: w.Kind, User: w.User, Hive: w.Hive, Summary: w.Summary, Warning: w.Warning}
		}
	}
	if goos == "windows" {
		return report.ProxySettingsOf{Kind: discover.WhoseSelf, Hive: "HKCU", Summary: "the account okviz-check runs as (HKCU)"}
	}
	return report.ProxySettingsOf{Kind: discover.WhoseSelf, Summary: "the environment and desktop settings of the account okviz-check runs as"}
}

// effectiveSettings lists the command's settings with their values and
// where each came from: the flag, the environment variable, the config
// file and key, or the default. Credentials in values are masked; the
// proxy password never is a setting (it comes only from its variable or
// the prompt).
func (a *app) effectiveSettings() []report.Setting {
	out := []report.Setting{}
	cfg := a.global.cfg
	if cfg != nil && cfg.file != "" {
		from := "first okviz-check.yaml found in the working, user config or system folder"
		switch {
		case a.global.ConfigFile != "":
			from = "--config"
		case a.env.Getenv("OKVIZ_CHECK_CONFIG") != "":
			from = "environment variable OKVIZ_CHECK_CONFIG"
		}
		out = append(out, report.Setting{Name: "config", Value: cfg.file, Source: from})
	}
	if len(a.targets) > 0 {
		out = append(out, report.Setting{Name: "targets", Value: redact.Text(strings.Join(a.targets, ",")), Source: a.targetsFrom})
	}
	if a.flags == nil {
		return out
	}
	add := func(f *pflag.Flag) {
		from := "default"
		if f.Changed {
			from = "--" + f.Name
			if cfg != nil {
				from = cfg.origin(f.Name)
			}
		}
		val := f.Value.String()
		if f.Name == "proxy" {
			val = redact.ProxyValue(val) // WinINET's per-scheme form has no "://" for Text to find
		}
		out = append(out, report.Setting{Name: f.Name, Value: redact.Text(val), Source: from})
	}
	for _, s := range settings {
		if f := a.flags.Lookup(s.flag); f != nil {
			add(f)
		}
	}
	if f := a.flags.Lookup("proxy-user"); f != nil && f.Changed {
		add(f) // a user name, never a password
	}
	return out
}

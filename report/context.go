package report

import (
	"fmt"
	"strings"

	"github.com/okviz/okviz-check/diag"
)

// Context is what shaped a run beside the network (schema version 2):
// the machine and account it ran on, whose proxy settings it read, and
// every setting with where its value came from.
type Context struct {
	diag.Host
	// ProxySettings says whose proxy settings discovery read: on Windows,
	// run as SYSTEM or a service, the interactive user's rather than its own.
	ProxySettings ProxySettingsOf `json:"proxy_settings"`
	Settings      []Setting       `json:"settings"`
}

// ProxySettingsOf names whose proxy settings were read.
type ProxySettingsOf struct {
	// Kind is self (the account okviz-check runs as), interactive-user (run
	// as SYSTEM or a service: the logged-on user's) or service-own (no user
	// found: the service account's own, which no browser uses).
	Kind    string `json:"kind"`
	User    string `json:"user,omitempty"` // DOMAIN\user whose settings were read (Windows)
	Hive    string `json:"hive,omitempty"` // HKCU, or HKU\<SID> for another user's
	Summary string `json:"summary"`
	Warning string `json:"warning,omitempty"`
}

// Setting is one effective setting and its source: "default", the flag
// ("--timeout"), the environment variable or the config file and key.
// Credentials in values are masked.
type Setting struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// contextLine is the one line text output gives the context: the OS and
// build, the account, and whose proxy settings.
func contextLine(c *Context) string {
	os := c.OS.Name
	// Linux names often carry the version already ("Debian GNU/Linux 12
	// (bookworm)"): say it once.
	if c.OS.Version != "" && !strings.Contains(os, c.OS.Version) {
		os += " " + c.OS.Version
	}
	if c.OS.Build != "" {
		os += " (build " + c.OS.Build + ")"
	}
	parts := []string{os}
	acct := c.Account
	if c.Elevated && c.Account != diag.AccountRoot && c.Account != diag.AccountSystem {
		acct += ", elevated"
	} else if !c.Elevated && c.Account == diag.AccountUser {
		acct += ", not elevated"
	}
	if acct != "" {
		parts = append(parts, "ran as "+acct)
	}
	if s := c.ProxySettings.Summary; s != "" {
		parts = append(parts, "proxy settings: "+s)
	}
	return clean(strings.Join(parts, " · "))
}

// settingLines are the settings as "name value (source)", the ones not
// at their default first; all of them when all is set.
func settingLines(c *Context, all bool) []string {
	var out, defaults []string
	for _, s := range c.Settings {
		v := s.Value
		if v == "" {
			v = `""`
		}
		line := clean(fmt.Sprintf("%s %s (%s)", s.Name, v, s.Source))
		if s.Source == "default" {
			defaults = append(defaults, line)
			continue
		}
		out = append(out, line)
	}
	if all {
		out = append(out, defaults...)
	}
	return out
}

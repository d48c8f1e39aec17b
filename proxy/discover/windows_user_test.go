package discover

import (
	"context"
	"strings"
	"testing"
)

const aliceSID = "S-1-5-21-1004336348-1177238915-682003330-1001"

func TestWhoseSettings(t *testing.T) {
	alice := Session{ID: 1, Console: true, Active: true, User: `CORP\alice`, SID: aliceSID}
	bob := Session{ID: 3, Active: true, User: `CORP\bob`, SID: "S-1-5-21-1-2-3-1002"}
	carol := Session{ID: 4, Active: true, User: `CORP\carol`, SID: "S-1-5-21-1-2-3-1003"}
	system := Accounts{Self: `NT AUTHORITY\SYSTEM`, SelfSID: "S-1-5-18", SelfSession: 0}
	with := func(a Accounts, s ...Session) Accounts { a.Sessions = s; return a }
	tests := []struct {
		name    string
		in      Accounts
		kind    string
		hive    string
		warn    bool
		summary string
	}{
		{"user", with(Accounts{Self: `CORP\alice`, SelfSID: aliceSID, SelfSession: 1}, alice), WhoseSelf, "HKCU", false, `the proxy settings of CORP\alice, who runs`},
		{"runas another user", with(Accounts{Self: `CORP\admin`, SelfSID: "S-1-5-21-1-2-3-500", SelfSession: 1}, alice), WhoseSelf, "HKCU", false, `CORP\alice is logged on at the console (session 1), and their browser may use other settings`},
		{"SYSTEM, console user", with(system, alice), WhoseInteractive, `HKU\` + aliceSID, false, `those of CORP\alice, logged on at the console`},
		{"SYSTEM, one RDP user", with(system, Session{ID: 2, Console: true}, bob), WhoseInteractive, `HKU\S-1-5-21-1-2-3-1002`, false, "Remote Desktop session 3"},
		{"SYSTEM, two RDP users", with(system, bob, carol), WhoseServiceOwn, "HKCU", true, `several users are logged on over Remote Desktop (CORP\bob, CORP\carol)`},
		{"SYSTEM, nobody", with(system, Session{ID: 1, Console: true, Active: true}), WhoseServiceOwn, "HKCU", true, "no user is logged on"},
		{"NetworkService", with(Accounts{Self: `NT AUTHORITY\NETWORK SERVICE`, SelfSID: "S-1-5-20", SelfSession: 0}, alice), WhoseInteractive, `HKU\` + aliceSID, false, "a service account"},
		{"virtual service account", with(Accounts{Self: `NT SERVICE\agent`, SelfSID: "S-1-5-80-1-2-3-4-5", SelfSession: 0}), WhoseServiceOwn, "HKCU", true, `NT SERVICE\agent`},
		{"domain account in session 0", with(Accounts{Self: `CORP\svc_sccm`, SelfSID: "S-1-5-21-1-2-3-2000", SelfSession: 0}, alice), WhoseInteractive, `HKU\` + aliceSID, false, `CORP\svc_sccm`},
		{"task as the console user", with(Accounts{Self: `CORP\alice`, SelfSID: aliceSID, SelfSession: 0}, alice), WhoseSelf, "HKCU", false, "who runs okviz-check and is logged on at the console"},
		{"SYSTEM, sessions unreadable", Accounts{Self: `NT AUTHORITY\SYSTEM`, SelfSID: "S-1-5-18", Err: "WTSEnumerateSessions: Access is denied."}, WhoseServiceOwn, "HKCU", true, "no interactive user could be found (WTSEnumerateSessions: Access is denied.)"},
		{"unknown process account", Accounts{SelfSession: 1}, WhoseSelf, "HKCU", false, "the proxy settings of an unknown account"},
		{"disconnected user only", with(system, Session{ID: 2, User: `CORP\bob`, SID: "S-1-5-21-1-2-3-1002"}), WhoseServiceOwn, "HKCU", true, "no user is logged on"},
	}
	for _, tt := range tests {
		w := WhoseSettings(tt.in)
		if w.Kind != tt.kind || w.Hive != tt.hive || (w.Warning != "") != tt.warn || !strings.Contains(w.Summary, tt.summary) {
			t.Errorf("%s: %+v\nwant kind %s hive %s warning %v, summary with %q", tt.name, w, tt.kind, tt.hive, tt.warn, tt.summary)
		}
		if tt.warn && !strings.Contains(w.Warning, "service account's own") {
			t.Errorf("%s: warning %q", tt.name, w.Warning)
		}
	}
}

// asUser copies the HKCU keys of a registry export under HKU\<sid>: a
// real capture of a user's settings, placed where SYSTEM finds that
// user's hive.
func asUser(m RegistryMap, sid string) RegistryMap {
	out := RegistryMap{}
	for k, v := range m {
		if rest, ok := strings.CutPrefix(k, `hkcu\`); ok {
			out[`hku\`+strings.ToLower(sid)+`\`+rest] = v
		}
	}
	return out
}

// Run as SYSTEM: SYSTEM's own HKCU says direct (a real Windows 10
// capture); the user at the console has a PAC file and a proxy (a real
// Windows 7 capture) in their hive.
func TestDiscoverAsSystem(t *testing.T) {
	reg := regFile(t, "captured-win10-direct.reg")
	for k, v := range asUser(regFile(t, "captured-win7-proxy-pac.reg"), aliceSID) {
		reg[k] = v
	}
	run := func(a Accounts) []Source {
		m := &fakeMachine{goos: "windows", reg: reg}
		sys := m.system()
		sys.Accounts = func() Accounts { return a }
		sys.LiveIE = func() (IEConfig, error) { return IEConfig{}, nil } // SYSTEM's own: direct
		return Discover(context.Background(), sys, Given{})
	}
	system := Accounts{Self: `NT AUTHORITY\SYSTEM`, SelfSID: "S-1-5-18", SelfSession: 0}

	withUser := system
	withUser.Sessions = []Session{{ID: 1, Console: true, Active: true, User: `CORP\alice`, SID: aliceSID}}
	srcs := run(withUser)
	user, ie, live := findSource(t, srcs, "windows-user"), findSource(t, srcs, "windows-ie-user"), findSource(t, srcs, "windows-ie-live")
	if w := user.Settings().Whose; w == nil || w.Kind != WhoseInteractive || !hasNote(user.Notes, `those of CORP\alice`) || hasNote(user.Notes, "WARNING") {
		t.Errorf("windows-user: %+v", user)
	}
	if ie.Mode != "pac" || ie.PACURL != "http://xduotai.com/pRsO3NGR3-.pac" || !strings.Contains(ie.Origin, `HKU\`+aliceSID+`\Software`) || strings.Contains(ie.Origin, "HKCU") {
		t.Errorf("the user's settings were not read from their hive: %+v", ie)
	}
	if live.Found || !hasNote(live.Notes, `not asked: it would answer with the settings of NT AUTHORITY\SYSTEM, not CORP\alice's`) {
		t.Errorf("windows-ie-live: %+v", live)
	}

	// Nobody logged on: SYSTEM's own settings, said loudly.
	srcs = run(system)
	user, ie = findSource(t, srcs, "windows-user"), findSource(t, srcs, "windows-ie-user")
	if w := user.Settings().Whose; w == nil || w.Kind != WhoseServiceOwn || !hasNote(user.Notes, "WARNING: okviz-check runs as NT AUTHORITY\\SYSTEM and no user is logged on") {
		t.Errorf("windows-user without a user: %+v", user)
	}
	if ie.Mode != "direct" || !strings.HasPrefix(ie.Origin, "HKCU") {
		t.Errorf("SYSTEM's own settings: %+v", ie)
	}

	// A user whose hive is not loaded: SYSTEM's own, with the reason.
	ghost := system
	ghost.Sessions = []Session{{ID: 1, Console: true, Active: true, User: `CORP\ghost`, SID: "S-1-5-21-9-9-9-1009"}}
	user = findSource(t, run(ghost), "windows-user")
	if w := user.Settings().Whose; w == nil || w.Kind != WhoseServiceOwn || !hasNote(user.Notes, `no interactive user could be found (the registry hive of CORP\ghost cannot be read: it is not loaded)`) {
		t.Errorf("windows-user with an unloaded hive: %+v", user)
	}

	// No registry at all (nothing to read the user's hive with): no panic,
	// the service account's own settings, said loudly.
	m0 := &fakeMachine{goos: "windows"}
	sys0 := m0.system()
	sys0.Accounts = func() Accounts { return withUser }
	user = findSource(t, Discover(context.Background(), sys0, Given{}), "windows-user")
	if w := user.Settings().Whose; w == nil || w.Kind != WhoseServiceOwn || !hasNote(user.Notes, "there is no registry to read") {
		t.Errorf("windows-user without a registry: %+v", user)
	}

	// Replaying an export: nobody to ask, HKCU is the export's.
	m := &fakeMachine{goos: "windows", reg: reg}
	user = findSource(t, Discover(context.Background(), m.system(), Given{}), "windows-user")
	if user.Found || !hasNote(user.Notes, "replaying a registry export") {
		t.Errorf("windows-user when replaying: %+v", user)
	}
}

// TestDefaultHiveCapture: a real HKEY_USERS\.DEFAULT value (SYSTEM's hive)
// whose trailer after the three strings is not zero decodes as direct with
// its counter, the trailer ignored; read as SYSTEM's own settings with
// nobody logged on, the route is direct and the warning is said.
func TestDefaultHiveCapture(t *testing.T) {
	m := regFile(t, "captured-default-hive.reg")
	key := `hku\.default\software\microsoft\windows\currentversion\internet settings\connections`
	vals := m[key]
	if vals == nil {
		t.Fatalf("no %s in the capture: %v", key, m)
	}
	for name, want := range map[string]ConnectionSettings{
		"defaultconnectionsettings": {Version: 0x46, Counter: 9, Flags: ConnFlagDirect, HasAutoConfigURL: true},
		"savedlegacysettings":       {Version: 0x46, Counter: 10, Flags: ConnFlagDirect | ConnFlagAutoDetect, HasAutoConfigURL: true},
	} {
		v, ok := vals[name]
		if !ok || len(v.Bin) != 56 {
			t.Fatalf("%s: %+v (present %v), want 56 bytes", name, v, ok)
		}
		if v.Bin[24] != 1 {
			t.Fatalf("%s: the capture's trailer starts with %d, want its non-zero 1", name, v.Bin[24])
		}
		got, err := DecodeConnectionSettings(v.Bin)
		if err != nil || got != want {
			t.Errorf("%s: %+v, %v; want %+v", name, got, err, want)
		}
	}

	// SYSTEM's HKCU is this hive: nobody logged on, its settings are used.
	own := RegistryMap{}
	for k, v := range m {
		if rest, ok := strings.CutPrefix(k, `hku\.default\`); ok {
			own[`hkcu\`+rest] = v
		}
	}
	sys := (&fakeMachine{goos: "windows", reg: own}).system()
	sys.Accounts = func() Accounts { return Accounts{Self: `NT AUTHORITY\SYSTEM`, SelfSID: "S-1-5-18"} }
	sys.LiveIE = func() (IEConfig, error) { return IEConfig{}, nil }
	srcs := Discover(context.Background(), sys, Given{})
	if ie := findSource(t, srcs, "windows-ie-user"); ie.Mode != "direct" || ie.Err != "" {
		t.Errorf("windows-ie-user from SYSTEM's hive: %+v", ie)
	}
	if user := findSource(t, srcs, "windows-user"); !hasNote(user.Notes, "WARNING") {
		t.Errorf("windows-user: %+v, want the warning that no user is logged on", user)
	}
}

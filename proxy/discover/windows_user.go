package discover

import (
	"fmt"
	"strings"
)

// Session is one Windows logon session as the Terminal Services API
// lists it.
type Session struct {
	ID      uint32 `json:"id"`
	Console bool   `json:"console,omitempty"` // the active console session (WTSGetActiveConsoleSessionId)
	Active  bool   `json:"active,omitempty"`  // WTSActive: someone works in it now, at the console or over Remote Desktop
	User    string `json:"user,omitempty"`    // DOMAIN\user; "" when nobody is logged on
	SID     string `json:"sid,omitempty"`
}

// Accounts is what Windows says about who runs okviz-check and who is
// logged on. Err says what could not be learned.
type Accounts struct {
	Self        string // DOMAIN\user of the process token
	SelfSID     string
	SelfSession uint32 // the process's session; 0 is the services' session
	Sessions    []Session
	Err         string
}

// Kinds of Whose.
const (
	// WhoseSelf: the account okviz-check runs as is a user's; its own
	// settings (HKCU) are the browser's.
	WhoseSelf = "self"
	// WhoseInteractive: okviz-check runs as SYSTEM or a service, and the
	// settings read are those of the user logged on interactively.
	WhoseInteractive = "interactive-user"
	// WhoseServiceOwn: okviz-check runs as SYSTEM or a service and no
	// user could be found: the service account's own settings were read,
	// which no browser uses.
	WhoseServiceOwn = "service-own"
)

// Whose says whose proxy settings discovery read on Windows, and why.
type Whose struct {
	Kind    string `json:"kind"`
	User    string `json:"user"`          // DOMAIN\user whose settings were read
	SID     string `json:"sid,omitempty"` // their SID
	Hive    string `json:"hive"`          // HKCU, or HKU\<SID> for another user's
	Process string `json:"process"`       // the account okviz-check runs as
	Summary string `json:"summary"`
	// Warning is set when the settings read are probably not any user's
	// browser's (a service account's own).
	Warning string `json:"warning,omitempty"`
}

// serviceSID reports whether a SID is one of the accounts services run as:
// LocalSystem, LocalService, NetworkService, a per-service virtual account
// (NT SERVICE\...), an IIS application pool or a Hyper-V VM worker.
func serviceSID(sid string) bool {
	switch sid {
	case "S-1-5-18", "S-1-5-19", "S-1-5-20":
		return true
	}
	for _, p := range []string{"S-1-5-80-", "S-1-5-82-", "S-1-5-83-"} {
		if strings.HasPrefix(sid, p) {
			return true
		}
	}
	return false
}

// interactiveUser picks the user whose browser matters: the one at the
// console, else the only one working in an active session (a Remote
// Desktop server with one user). With several active users and none at
// the console there is no one answer: it returns nil and says so.
func interactiveUser(sessions []Session) (*Session, string) {
	var active []*Session
	for i := range sessions {
		s := &sessions[i]
		if s.User == "" || s.SID == "" || !s.Active {
			continue
		}
		if s.Console {
			return s, fmt.Sprintf("logged on at the console (session %d)", s.ID)
		}
		active = append(active, s)
	}
	switch len(active) {
	case 0:
		return nil, "no user is logged on"
	case 1:
		return active[0], fmt.Sprintf("the only user logged on (Remote Desktop session %d)", active[0].ID)
	}
	var names []string
	for _, s := range active {
		names = append(names, s.User)
	}
	return nil, fmt.Sprintf("several users are logged on over Remote Desktop (%s) and none at the console", strings.Join(names, ", "))
}

// WhoseSettings decides whose proxy settings to read. A user runs the
// tool: their own (HKCU). SYSTEM or a service account runs it (Intune,
// SCCM, an RMM agent, PsExec -s, a scheduled task in session 0): HKCU is
// that account's own hive, which no browser reads, so the interactive
// user's hive (HKEY_USERS\<SID>) is read instead; without one, the
// service's own settings are read and Warning says so.
func WhoseSettings(a Accounts) Whose {
	self := a.Self
	if self == "" {
		self = a.SelfSID
	}
	if self == "" {
		self = "an unknown account"
	}
	w := Whose{Kind: WhoseSelf, User: self, SID: a.SelfSID, Hive: "HKCU", Process: self}
	service := serviceSID(a.SelfSID) || (a.SelfSession == 0 && a.SelfSID != "")
	user, why := interactiveUser(a.Sessions)
	if !service {
		w.Summary = fmt.Sprintf("the proxy settings of %s, who runs okviz-check", self)
		if user != nil && !strings.EqualFold(user.SID, a.SelfSID) {
			w.Summary += fmt.Sprintf("; %s is %s, and their browser may use other settings (run okviz-check as that user to see them)", user.User, why)
		}
		return w
	}
	if user != nil && strings.EqualFold(user.SID, a.SelfSID) {
		w.Summary = fmt.Sprintf("the proxy settings of %s, who runs okviz-check and is %s", self, why)
		return w
	}
	if user != nil {
		w.Kind, w.User, w.SID, w.Hive = WhoseInteractive, user.User, user.SID, `HKU\`+user.SID
		w.Summary = fmt.Sprintf("okviz-check runs as %s, a service account; the proxy settings read are those of %s, %s, from HKEY_USERS\\%s", self, user.User, why, user.SID)
		return w
	}
	w.Kind = WhoseServiceOwn
	switch {
	case a.Err != "" && len(a.Sessions) == 0:
		why = "no interactive user could be found (" + a.Err + ")"
	case a.Err != "":
		why += " (" + a.Err + ")"
	}
	w.Summary = fmt.Sprintf("okviz-check runs as %s, a service account, and %s: the proxy settings read are %s's own", self, why, self)
	w.Warning = fmt.Sprintf("okviz-check runs as %s and %s, so the proxy settings it read are that service account's own, which no user's browser uses; run it while the user is logged on (it then reads their settings) or in the user's context", self, why)
	return w
}

// userHive reads another user's hive in place of HKCU: HKCU\key becomes
// HKU\<SID>\key, so every reader (WinINET settings, browser policies)
// reads the interactive user's values unchanged.
type userHive struct {
	Registry
	sid string
}

func (u userHive) root(root, key string) (string, string) {
	if strings.EqualFold(root, "HKCU") {
		return "HKU", u.sid + `\` + key
	}
	return root, key
}

// Value implements Registry.
func (u userHive) Value(root, key, name string) (RegValue, error) {
	r, k := u.root(root, key)
	return u.Registry.Value(r, k, name)
}

// ValueNames implements Registry.
func (u userHive) ValueNames(root, key string) ([]string, error) {
	r, k := u.root(root, key)
	return u.Registry.ValueNames(r, k)
}

// SubKeys implements Registry.
func (u userHive) SubKeys(root, key string) ([]string, error) {
	r, k := u.root(root, key)
	return u.Registry.SubKeys(r, k)
}

// windowsUser decides whose settings to read and returns the System to
// read them with (the registry pointed at that user's hive), the source
// that reports it, and, when the live WinHTTP call would answer for
// another account than the one read, why it must not be made.
func windowsUser(sys System) (System, Source, string) {
	s := Source{Name: "windows-user", set: Settings{NoMode: true}}
	if sys.Accounts == nil {
		s.note("whose settings these are cannot be told here (replaying a registry export): HKCU is the export's")
		return sys, s, ""
	}
	a := sys.Accounts()
	w := WhoseSettings(a)
	s.Origin = "the process token and the Windows sessions (WTSEnumerateSessions, WTSQueryUserToken)"
	skipLive := ""
	if w.Kind == WhoseInteractive {
		// HKEY_USERS\<SID> exists only while that user's hive is loaded.
		err := errNoAccess
		if sys.Registry != nil {
			_, err = sys.Registry.SubKeys("HKU", w.SID)
		}
		if err != nil {
			why := "it is not loaded"
			if sys.Registry == nil {
				why = "there is no registry to read"
			} else if !isNotExist(err) {
				why = err.Error()
			}
			a.Sessions, a.Err = nil, fmt.Sprintf("the registry hive of %s cannot be read: %s", w.User, why)
			w = WhoseSettings(a)
		} else {
			sys.Registry = userHive{Registry: sys.Registry, sid: w.SID}
			skipLive = fmt.Sprintf("it would answer with the settings of %s, not %s's", w.Process, w.User)
		}
	}
	s.Found = true
	s.note("%s", w.Summary)
	if w.Warning != "" {
		s.note("WARNING: %s", w.Warning)
	}
	s.set.Whose = &w
	return sys, s, skipLive
}

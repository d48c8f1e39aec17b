//go:build windows

package discover

import (
	"fmt"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// osAccounts reads who runs okviz-check and who is logged on.
func osAccounts() func() Accounts { return windowsAccounts }

// unknownSession stands for a session id that could not be read: not 0,
// which would make the process look like a service.
const unknownSession = ^uint32(0)

// windowsAccounts asks the process token for its user and session, and
// the Terminal Services API for the sessions and their users. Every
// failure is kept in Err; what was learned is still returned.
func windowsAccounts() Accounts {
	a := Accounts{SelfSession: unknownSession}
	var errs []string
	if tu, err := windows.GetCurrentProcessToken().GetTokenUser(); err != nil {
		errs = append(errs, fmt.Sprintf("process token: %v", err))
	} else {
		a.SelfSID, a.Self = tu.User.Sid.String(), accountName(tu.User.Sid)
	}
	var sess uint32
	if err := windows.ProcessIdToSessionId(windows.GetCurrentProcessId(), &sess); err != nil {
		errs = append(errs, fmt.Sprintf("ProcessIdToSessionId: %v", err))
	} else {
		a.SelfSession = sess
	}
	sessions, err := wtsSessions()
	if err != nil {
		errs = append(errs, err.Error())
	}
	a.Sessions = sessions
	a.Err = strings.Join(errs, "; ")
	return a
}

// accountName is DOMAIN\user for a SID, or "" when it has no name.
func accountName(sid *windows.SID) string {
	user, domain, _, err := sid.LookupAccount("")
	if err != nil {
		return ""
	}
	if domain == "" {
		return user
	}
	return domain + `\` + user
}

// wtsSessions lists the sessions with their users. The user's SID comes
// from the session's token (WTSQueryUserToken: SYSTEM only, it needs
// SeTcbPrivilege), else from the session's user name
// (WTSQuerySessionInformation, then LookupAccountName).
func wtsSessions() ([]Session, error) {
	var list *windows.WTS_SESSION_INFO
	var n uint32
	if err := windows.WTSEnumerateSessions(0, 0, 1, &list, &n); err != nil {
		return nil, fmt.Errorf("WTSEnumerateSessions: %w", err)
	}
	defer windows.WTSFreeMemory(uintptr(unsafe.Pointer(list)))
	console := windows.WTSGetActiveConsoleSessionId()
	var out []Session
	var errs []string
	for _, info := range unsafe.Slice(list, n) {
		s := Session{ID: info.SessionID, Console: info.SessionID == console, Active: info.State == windows.WTSActive}
		if !s.Active {
			continue // disconnected, listening or idle: nobody at it now
		}
		var tok windows.Token
		if err := windows.WTSQueryUserToken(s.ID, &tok); err == nil {
			if tu, err := tok.GetTokenUser(); err == nil {
				s.SID, s.User = tu.User.Sid.String(), accountName(tu.User.Sid)
			}
			tok.Close()
		}
		if s.SID == "" {
			user, domain := wtsString(s.ID, wtsUserName), wtsString(s.ID, wtsDomainName)
			if user != "" {
				s.User = user
				if domain != "" {
					s.User = domain + `\` + user
				}
				if sid, _, _, err := windows.LookupSID("", s.User); err == nil {
					s.SID = sid.String()
				} else {
					errs = append(errs, fmt.Sprintf("session %d: LookupAccountName %s: %v", s.ID, s.User, err))
				}
			}
		}
		out = append(out, s)
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return out, nil
}

// WTS_INFO_CLASS values.
const (
	wtsUserName   = 5
	wtsDomainName = 7
)

// wtsString reads one text property of a session, "" when it cannot.
func wtsString(session uint32, class uint32) string {
	proc := windows.NewLazySystemDLL("wtsapi32.dll").NewProc("WTSQuerySessionInformationW")
	if proc.Find() != nil {
		return ""
	}
	var buf *uint16
	var size uint32
	r, _, _ := proc.Call(0, uintptr(session), uintptr(class), uintptr(unsafe.Pointer(&buf)), uintptr(unsafe.Pointer(&size)))
	if r == 0 || buf == nil {
		return ""
	}
	defer windows.WTSFreeMemory(uintptr(unsafe.Pointer(buf)))
	return windows.UTF16PtrToString(buf)
}

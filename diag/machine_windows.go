package diag

import (
	"context"
	"strconv"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// ReadHost reads the Windows version from the registry and the process
// token's elevation and account.
func ReadHost(context.Context) Host {
	h := Host{Account: AccountUser}
	v := map[string]string{}
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SOFTWARE\Microsoft\Windows NT\CurrentVersion`, registry.QUERY_VALUE)
	if err == nil {
		for _, name := range []string{"ProductName", "DisplayVersion", "ReleaseId", "CurrentBuild", "CurrentBuildNumber"} {
			if s, _, err := k.GetStringValue(name); err == nil {
				v[name] = s
			}
		}
		if n, _, err := k.GetIntegerValue("UBR"); err == nil {
			v["UBR"] = strconv.FormatUint(n, 10)
		}
		k.Close()
	}
	h.OS = WindowsOS(v)
	if err != nil {
		h.OS.Error = "cannot read the Windows version: " + err.Error()
	}
	tok := windows.GetCurrentProcessToken()
	h.Elevated = tok.IsElevated()
	if u, err := tok.GetTokenUser(); err == nil {
		h.Account = WindowsAccount(u.User.Sid.String())
	}
	return h
}

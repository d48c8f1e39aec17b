package diag

import (
	"bufio"
	"strconv"
	"strings"
)

// Host is what support asks first about the machine a report comes from:
// the operating system and its build, whether okviz-check ran elevated,
// and as what kind of account.
type Host struct {
	OS       OSInfo `json:"os"`
	Elevated bool   `json:"elevated"` // Windows: an elevated token; Unix: effective uid 0
	Account  string `json:"account"`  // one of the Account* kinds
}

// Account kinds of Host.Account.
const (
	AccountUser    = "user"    // a person's account
	AccountSystem  = "system"  // Windows LocalSystem (S-1-5-18): Intune, SCCM and most RMM agents run scripts so
	AccountService = "service" // Windows LocalService, NetworkService, a virtual service account
	AccountRoot    = "root"    // Unix effective uid 0
)

// OSInfo names the operating system as its own tools do.
type OSInfo struct {
	Name    string `json:"name"`              // Windows 11 Pro, macOS, Ubuntu 24.04.3 LTS
	Version string `json:"version,omitempty"` // 23H2, 14.5, 24.04
	Build   string `json:"build,omitempty"`   // 22631.4460, 23F79, the Linux kernel release
	// Note says how a value was derived when the OS's own words would
	// mislead (Windows 11's registry still says Windows 10).
	Note string `json:"note,omitempty"`
	// Error says what could not be read; the other fields hold the rest.
	Error string `json:"error,omitempty"`
}

// windows11Build is the first build of Windows 11: its ProductName still
// reads "Windows 10 …", so the build decides.
const windows11Build = 22000

// ParseRegQuery reads the values of one key from `reg query` output
// ("    Name    REG_SZ    data", four spaces around the type): name to
// data as written; REG_DWORD data stays in its 0x hex form.
func ParseRegQuery(out string) map[string]string {
	values := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if !strings.HasPrefix(line, "    ") {
			continue // the key's own line, blank lines, "End of search"
		}
		parts := strings.SplitN(strings.TrimPrefix(line, "    "), "    ", 3)
		if len(parts) < 2 || !strings.HasPrefix(parts[1], "REG_") {
			continue
		}
		data := ""
		if len(parts) == 3 {
			data = parts[2]
		}
		values[parts[0]] = data
	}
	return values
}

// WindowsOS names Windows from the values of
// HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion: ProductName (Windows
// 11 for builds from 22000, whatever it says, and the note says so),
// DisplayVersion (ReleaseId before 20H2), CurrentBuild (or
// CurrentBuildNumber) and UBR, the update revision, as "22631.4460". UBR
// may be a number or reg query's 0x hex form.
func WindowsOS(v map[string]string) OSInfo {
	info := OSInfo{Name: strings.TrimSpace(v["ProductName"]), Version: strings.TrimSpace(v["DisplayVersion"])}
	if info.Version == "" {
		info.Version = strings.TrimSpace(v["ReleaseId"])
	}
	build := strings.TrimSpace(v["CurrentBuild"])
	if build == "" {
		build = strings.TrimSpace(v["CurrentBuildNumber"])
	}
	n, err := strconv.Atoi(build)
	if err == nil && n >= windows11Build && strings.HasPrefix(info.Name, "Windows 10") {
		info.Note = "the registry's ProductName says " + info.Name + "; build " + build + " is Windows 11 (from build 22000)"
		info.Name = "Windows 11" + strings.TrimPrefix(info.Name, "Windows 10")
	}
	if ubr, ok := regNumber(v["UBR"]); ok && build != "" {
		build += "." + strconv.FormatUint(ubr, 10)
	}
	info.Build = build
	if info.Name == "" {
		info.Name = "Windows"
	}
	return info
}

// regNumber reads a REG_DWORD as reg query prints it (0x1cf9) or as a
// plain decimal number.
func regNumber(s string) (uint64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		n, err := strconv.ParseUint(h, 16, 32)
		return n, err == nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	return n, err == nil
}

// WindowsAccount is the account kind of a Windows SID: LocalSystem is
// system; LocalService, NetworkService and the per-service, IIS
// application pool and Hyper-V accounts are services; anything else is a
// user.
func WindowsAccount(sid string) string {
	switch sid {
	case "S-1-5-18":
		return AccountSystem
	case "S-1-5-19", "S-1-5-20":
		return AccountService
	}
	for _, p := range []string{"S-1-5-80-", "S-1-5-82-", "S-1-5-83-"} {
		if strings.HasPrefix(sid, p) {
			return AccountService
		}
	}
	return AccountUser
}

// SwVers names macOS from `sw_vers` output ("ProductName:\tmacOS" and so
// on, tabs or spaces after the colon).
func SwVers(out string) OSInfo {
	v := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, val, ok := strings.Cut(line, ":"); ok {
			v[strings.TrimSpace(k)] = strings.TrimSpace(val)
		}
	}
	info := OSInfo{Name: v["ProductName"], Version: v["ProductVersion"], Build: v["BuildVersion"]}
	if extra := v["ProductVersionExtra"]; extra != "" {
		info.Version += " " + extra // a Rapid Security Response: 13.3.1 (a)
	}
	if info.Name == "" {
		info.Name = "macOS"
	}
	return info
}

// OSRelease names a Linux distribution from /etc/os-release (KEY=value,
// values optionally quoted, # comments): PRETTY_NAME, else NAME, and
// VERSION_ID; kernel is the kernel release, the build that says most.
func OSRelease(data, kernel string) OSInfo {
	v := map[string]string{}
	for _, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		k, val, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		if uq, err := strconv.Unquote(val); err == nil && len(val) > 1 && val[0] == '"' {
			val = uq
		} else {
			val = strings.Trim(val, `"'`)
		}
		v[k] = val
	}
	info := OSInfo{Name: v["PRETTY_NAME"], Version: v["VERSION_ID"], Build: strings.TrimSpace(kernel)}
	if info.Name == "" {
		info.Name = v["NAME"]
	}
	if info.Name == "" {
		info.Name = "Linux"
	}
	return info
}

// unixAccount is root, elevated, for effective uid 0, else a user.
func unixAccount(euid int) Host {
	if euid == 0 {
		return Host{Elevated: true, Account: AccountRoot}
	}
	return Host{Account: AccountUser}
}

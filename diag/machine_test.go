package diag

import "testing"

// A Windows 11 machine's `reg query "HKLM\SOFTWARE\Microsoft\Windows
// NT\CurrentVersion"`, as recorded in flutter/flutter,
// packages/flutter_tools/test/general.shard/windows_version_validator_test.dart
// (windows10RegQueryOutput): ProductName says Windows 10 on build 22631.
const regQueryWindows11 = `
HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion
    SystemRoot    REG_SZ    C:\WINDOWS
    BuildBranch    REG_SZ    ni_release
    BuildGUID    REG_SZ    ffffffff-ffff-ffff-ffff-ffffffffffff
    BuildLab    REG_SZ    22621.ni_release.220506-1250
    BuildLabEx    REG_SZ    22621.1.amd64fre.ni_release.220506-1250
    CompositionEditionID    REG_SZ    Enterprise
    CurrentBuild    REG_SZ    22631
    CurrentBuildNumber    REG_SZ    22631
    CurrentType    REG_SZ    Multiprocessor Free
    CurrentVersion    REG_SZ    6.3
    DisplayVersion    REG_SZ    23H2
    EditionID    REG_SZ    Professional
    EditionSubManufacturer    REG_SZ
    EditionSubstring    REG_SZ
    EditionSubVersion    REG_SZ
    InstallationType    REG_SZ    Client
    ProductName    REG_SZ    Windows 10 Pro
    ReleaseId    REG_SZ    2009
    SoftwareType    REG_SZ    System
    PathName    REG_SZ    C:\Windows
    ProductId    REG_SZ    00330-80832-91035-AA540

End of search: 21 match(es) found.

`

// The same key on a 25H2 machine with its update revision (UBR), from
// Homebrew/brew, Library/Homebrew/test/cmd/config_spec.rb ("reads the
// Windows version on WSL"), with reg query's CRLF line ends.
const regQueryUBR = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\r\n" +
	"    ProductName    REG_SZ    Windows 10 Pro\r\n" +
	"    DisplayVersion    REG_SZ    25H2\r\n" +
	"    CurrentBuildNumber    REG_SZ    26200\r\n" +
	"    UBR    REG_DWORD    0x2109\r\n"

func TestWindowsOS(t *testing.T) {
	v := ParseRegQuery(regQueryWindows11)
	if v["EditionSubVersion"] != "" || v["SystemRoot"] != `C:\WINDOWS` || len(v) != 21 {
		t.Errorf("ParseRegQuery: %d values (want the 21 reg counted), SystemRoot %q", len(v), v["SystemRoot"])
	}
	cases := []struct {
		name string
		in   map[string]string
		want OSInfo
	}{
		{"Windows 11 saying Windows 10", v, OSInfo{Name: "Windows 11 Pro", Version: "23H2", Build: "22631",
			Note: "the registry's ProductName says Windows 10 Pro; build 22631 is Windows 11 (from build 22000)"}},
		{"with UBR in hex", ParseRegQuery(regQueryUBR), OSInfo{Name: "Windows 11 Pro", Version: "25H2", Build: "26200.8457",
			Note: "the registry's ProductName says Windows 10 Pro; build 26200 is Windows 11 (from build 22000)"}},
		{"Windows 10 stays 10", map[string]string{"ProductName": "Windows 10 Enterprise", "DisplayVersion": "22H2", "CurrentBuild": "19045", "UBR": "5131"},
			OSInfo{Name: "Windows 10 Enterprise", Version: "22H2", Build: "19045.5131"}},
		{"before 20H2: ReleaseId", map[string]string{"ProductName": "Windows 10 Pro", "ReleaseId": "1909", "CurrentBuildNumber": "18363"},
			OSInfo{Name: "Windows 10 Pro", Version: "1909", Build: "18363"}},
		{"a server is not renamed", map[string]string{"ProductName": "Windows Server 2022 Datacenter", "DisplayVersion": "21H2", "CurrentBuild": "20348"},
			OSInfo{Name: "Windows Server 2022 Datacenter", Version: "21H2", Build: "20348"}},
		{"nothing readable", map[string]string{"UBR": "garbage"}, OSInfo{Name: "Windows"}},
	}
	for _, c := range cases {
		if got := WindowsOS(c.in); got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

func TestWindowsAccount(t *testing.T) {
	for sid, want := range map[string]string{
		"S-1-5-18": AccountSystem, "S-1-5-19": AccountService, "S-1-5-20": AccountService,
		"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464": AccountService, // NT SERVICE\TrustedInstaller
		"S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415":  AccountService, // IIS APPPOOL\DefaultAppPool
		"S-1-5-21-1004336348-1177238915-682003330-512":                   AccountUser,
		"": AccountUser,
	} {
		if got := WindowsAccount(sid); got != want {
			t.Errorf("WindowsAccount(%q) = %s, want %s", sid, got, want)
		}
	}
}

// `sw_vers` on macOS 13.2.1, as recorded in the README of
// ryota-k0827/swagger-docker-project (two tabs after each colon).
const swVers = "ProductName:\t\tmacOS\nProductVersion:\t\t13.2.1\nBuildVersion:\t\t22D68\n"

func TestSwVers(t *testing.T) {
	if got, want := SwVers(swVers), (OSInfo{Name: "macOS", Version: "13.2.1", Build: "22D68"}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// Older releases said "Mac OS X" with one tab; a Rapid Security Response adds ProductVersionExtra.
	got := SwVers("ProductName:\tMac OS X\nProductVersion:\t13.3.1\nProductVersionExtra:\t(a)\nBuildVersion:\t22E772610a\n")
	if want := (OSInfo{Name: "Mac OS X", Version: "13.3.1 (a)", Build: "22E772610a"}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := SwVers(""); got.Name != "macOS" {
		t.Errorf("empty output: %+v", got)
	}
}

// /etc/os-release files as the distributions publish them, recorded in
// python-distro/distro, tests/resources/distros/{debian13,ubuntu24,rhel9}/etc/os-release.
const (
	osReleaseDebian13 = `PRETTY_NAME="Debian GNU/Linux 13 (trixie)"
NAME="Debian GNU/Linux"
VERSION_ID="13"
VERSION="13 (trixie)"
VERSION_CODENAME=trixie
DEBIAN_VERSION_FULL=13.1
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`
	osReleaseUbuntu24 = `PRETTY_NAME="Ubuntu 24.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.3 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
`
	osReleaseRHEL9 = `NAME="Red Hat Enterprise Linux"
VERSION="9.6 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.6"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.6 (Plow)"
ANSI_COLOR="0;31"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"
HOME_URL="https://www.redhat.com/"
DOCUMENTATION_URL="https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/9"
BUG_REPORT_URL="https://issues.redhat.com/"

REDHAT_BUGZILLA_PRODUCT="Red Hat Enterprise Linux 9"
REDHAT_BUGZILLA_PRODUCT_VERSION=9.6
REDHAT_SUPPORT_PRODUCT="Red Hat Enterprise Linux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.6"
`
)

func TestOSRelease(t *testing.T) {
	cases := []struct {
		data string
		want OSInfo
	}{
		{osReleaseDebian13, OSInfo{Name: "Debian GNU/Linux 13 (trixie)", Version: "13", Build: "6.12.48+deb13-amd64"}},
		{osReleaseUbuntu24, OSInfo{Name: "Ubuntu 24.04.3 LTS", Version: "24.04", Build: "6.12.48+deb13-amd64"}},
		{osReleaseRHEL9, OSInfo{Name: "Red Hat Enterprise Linux 9.6 (Plow)", Version: "9.6", Build: "6.12.48+deb13-amd64"}},
		{"# only a comment\nNAME=Alpine\n", OSInfo{Name: "Alpine", Build: "6.12.48+deb13-amd64"}},
		{"", OSInfo{Name: "Linux", Build: "6.12.48+deb13-amd64"}},
		{"PRETTY_NAME=\"unterminated\nVERSION_ID='7'\n", OSInfo{Name: "unterminated", Version: "7", Build: "6.12.48+deb13-amd64"}},
	}
	for _, c := range cases {
		if got := OSRelease(c.data, "6.12.48+deb13-amd64\n"); got != c.want {
			t.Errorf("got %+v\nwant %+v", got, c.want)
		}
	}
}

func TestUnixAccount(t *testing.T) {
	if h := unixAccount(0); !h.Elevated || h.Account != AccountRoot {
		t.Errorf("uid 0: %+v", h)
	}
	if h := unixAccount(1000); h.Elevated || h.Account != AccountUser {
		t.Errorf("uid 1000: %+v", h)
	}
}

//go:build windows

package browser

import (
	"golang.org/x/sys/windows/registry"

	"github.com/okviz/okviz-check/internal/proc"
)

// AppPath reads the default value of App Paths\<exe>, the current user's
// first, then the machine's (64-bit view, where installers register).
func AppPath(exe string) string {
	const key = `SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\`
	for _, root := range []registry.Key{registry.CURRENT_USER, registry.LOCAL_MACHINE} {
		k, err := registry.OpenKey(root, key+exe, registry.QUERY_VALUE|registry.WOW64_64KEY)
		if err != nil {
			continue
		}
		// GetStringValue does not expand REG_EXPAND_SZ: ParseAppPath does.
		v, _, err := k.GetStringValue("")
		k.Close()
		if err == nil && v != "" {
			return v
		}
	}
	return ""
}

// IsRoot is false on Windows: Chromium's sandbox works for administrators.
func IsRoot() bool { return false }

// terminate ends the browser and its helpers (their job, which proc.Bound
// made): Windows has no gentle signal for a process without a console
// window.
func terminate(cmd *proc.Cmd) { cmd.KillTree() }

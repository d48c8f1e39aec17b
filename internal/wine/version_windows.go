//go:build windows

package wine

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Version returns the Wine version the process runs under, or "" on
// Windows itself.
func Version() string { return version() }

var version = sync.OnceValue(func() string {
	proc := windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version")
	if proc.Find() != nil {
		return ""
	}
	// const char *wine_get_version(void): a static NUL-terminated string.
	p, _, _ := proc.Call()
	if p == 0 {
		return "(version unknown)"
	}
	// Reinterpreting the returned word as a pointer, the way vet accepts.
	return windows.BytePtrToString(*(**byte)(unsafe.Pointer(&p)))
})

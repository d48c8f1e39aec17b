// Package wine lets okviz-check's tests know when they run under Wine — the
// Windows test binaries that .ci/run builds and runs with Wine (see
// scripts/wine) — so that a test which cannot pass there for a reason of
// Wine's, not of Windows', skips only there, saying why.
//
// Wine is recognised the way Wine documents for programs that must know:
// ntdll.dll exports wine_get_version, which Windows' ntdll does not
// (https://wiki.winehq.org/Developer_FAQ#How_can_I_detect_Wine.3F).
package wine

import "testing"

// Skip skips tb when the process runs under Wine, with the Wine version and
// reason (what Wine does differently from Windows) in the message. Outside
// Wine it does nothing.
func Skip(tb testing.TB, reason string) {
	tb.Helper()
	if v := Version(); v != "" {
		tb.Skipf("under Wine %s: %s", v, reason)
	}
}

// Running reports whether the process runs under Wine.
func Running() bool { return Version() != "" }

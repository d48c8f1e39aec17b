package wine

import (
	"os"
	"runtime"
	"testing"
)

// TestVersion checks the detection against what the runner says: .ci/run
// sets OKVIZ_WINE=1 when it runs the Windows test binaries under Wine, so a
// detection that silently stopped working (and with it every Wine-only
// skip) fails here instead of turning the skips into failures elsewhere.
func TestVersion(t *testing.T) {
	v := Version()
	t.Logf("GOOS %s, Wine version %q", runtime.GOOS, v)
	want := os.Getenv("OKVIZ_WINE") == "1"
	if got := v != ""; got != want {
		t.Errorf("under Wine: detected %v, OKVIZ_WINE=1 %v", got, want)
	}
	if runtime.GOOS != "windows" && v != "" {
		t.Errorf("Wine detected on %s", runtime.GOOS)
	}
}

package wine

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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

func TestRemoveTree(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "001")
	for _, d := range []string{dir, filepath.Join(dir, "a", "b")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(dir, "x"), filepath.Join(dir, "a", "b", "y")} {
		if err := os.WriteFile(f, []byte("z"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	removeTree(dir)
	if _, err := os.Stat(parent); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after removeTree, the parent %s: %v", parent, err)
	}
}

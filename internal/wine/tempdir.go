package wine

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TempDir is tb.TempDir. Under Wine it also removes the directory, entry
// by entry, just before testing would: Go's os.RemoveAll on Windows deletes
// with NtSetInformationFile (FileDispositionInformationEx), which Wine 8
// does not implement; Go falls back only on the statuses Windows gives for
// an unsupported class, not on Wine's STATUS_NOT_IMPLEMENTED ("Invalid
// function"), so testing's own cleanup would fail the test. os.Remove
// (DeleteFile, RemoveDirectory) works under Wine, and testing's RemoveAll
// of a directory already gone succeeds.
func TempDir(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	if Running() {
		// Cleanups run last-registered first: this one before TempDir's.
		tb.Cleanup(func() { removeTree(dir) })
	}
	return dir
}

// removeTree removes dir and everything below it, deepest first, then
// dir's parent if that is left empty: testing.TB.TempDir returns
// PARENT/001, PARENT/002, … and removes PARENT.
func removeTree(dir string) {
	var paths []string
	filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err == nil {
			paths = append(paths, p)
		}
		return nil
	})
	// A walk lists parents before their children.
	for _, p := range slices.Backward(paths) {
		os.Remove(p)
	}
	os.Remove(filepath.Dir(dir)) // fails, harmlessly, while not empty
}

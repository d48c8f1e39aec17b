package wine

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TempDir is tb.TempDir. Under Wine it also empties the directory, entry by
// entry, just before testing removes it: Go's os.RemoveAll on Windows
// deletes a directory's entries with NtSetInformationFile
// (FileDispositionInformationEx), which Wine 8 does not implement; Go falls
// back only on the statuses Windows gives for an unsupported class, not on
// Wine's STATUS_NOT_IMPLEMENTED ("Invalid function"), so testing's own
// cleanup would fail the test. os.Remove (DeleteFile, RemoveDirectory)
// works under Wine.
func TempDir(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	if Running() {
		// Cleanups run last-registered first: this one before TempDir's.
		tb.Cleanup(func() { removeEntries(dir) })
	}
	return dir
}

// removeEntries removes everything below dir, deepest first, and leaves
// dir itself (testing removes it).
func removeEntries(dir string) {
	var paths []string
	filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err == nil && p != dir {
			paths = append(paths, p)
		}
		return nil
	})
	// A walk lists parents before their children.
	for _, p := range slices.Backward(paths) {
		os.Remove(p)
	}
}

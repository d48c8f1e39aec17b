//go:build !windows

package winconsole

// Processes is 0 where there is no Windows console to share: a
// terminal program is never started by a double-click there.
func Processes() int { return 0 }

//go:build !windows

package cmd

// ConsoleProcesses is 0 where there is no Windows console to share: a
// terminal program is never started by a double-click there.
func ConsoleProcesses() int { return 0 }

//go:build !windows

package wine

// Version returns "": Wine runs Windows programs only.
func Version() string { return "" }

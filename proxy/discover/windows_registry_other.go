//go:build !windows

package discover

// osRegistry is nil outside Windows: there is no registry to read.
func osRegistry() Registry { return nil }

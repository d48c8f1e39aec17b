//go:build !windows

package discover

// osAccounts is nil outside Windows: there is no HKCU to mistake.
func osAccounts() func() Accounts { return nil }

//go:build !windows

package diag

// SystemNRPT: only Windows has a Name Resolution Policy Table.
func SystemNRPT() ([]NRPTRule, error) { return nil, nil }

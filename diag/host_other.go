//go:build !windows

package diag

import "context"

// hostChecks: the PC-side sources read on Windows (Windows Firewall's
// outbound policy) have no counterpart read here.
func hostChecks() func(context.Context) []Check { return nil }

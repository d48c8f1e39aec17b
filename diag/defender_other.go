//go:build !windows

package diag

import "context"

// defenderEvents: Defender Network Protection's event log exists only on
// Windows; elsewhere host.defender does not run.
func defenderEvents() func(context.Context) ([]DefenderEvent, string) { return nil }

//go:build !windows

package discover

import "context"

// osWinHTTPAdvanced is nil outside Windows.
func osWinHTTPAdvanced() func(context.Context) ([]byte, error) { return nil }

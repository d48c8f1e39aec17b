//go:build !windows

package discover

// osLiveIE is nil outside Windows: there is no WinHTTP to ask.
func osLiveIE() func() (IEConfig, error) { return nil }

//go:build !windows

package discover

import "context"

// osDHCPWPAD is nil outside Windows: there DHCP option 252 is read from
// NetworkManager (Linux) or ipconfig (macOS) through RunCommand.
func osDHCPWPAD() func(ctx context.Context) ([]DHCPOffer, error) { return nil }

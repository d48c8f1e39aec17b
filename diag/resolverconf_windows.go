//go:build windows

package diag

import "fmt"

// ResolverConfig returns the resolver configuration as read: the network
// adapters with their DNS servers, gateways and suffixes.
func ResolverConfig() ([]ConfigFile, error) {
	adapters, err := windowsAdapters()
	if err != nil {
		return nil, fmt.Errorf("reading the network adapters' DNS servers: %w", err)
	}
	return []ConfigFile{windowsAdapterFile(adapters)}, nil
}

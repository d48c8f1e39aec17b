package diag

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

// TestWindowsAdapterFile: the bundle's Windows resolver file holds every
// adapter as read and the servers and suffixes taken from them, and reads
// back as JSON.
func TestWindowsAdapterFile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(dnsTestdata, "windows-adapters-laptop.json"))
	if err != nil {
		t.Fatal(err)
	}
	var adapters []winAdapter
	if err := json.Unmarshal(b, &adapters); err != nil {
		t.Fatal(err)
	}
	f := windowsAdapterFile(adapters)
	var doc struct {
		Adapters    []winAdapter `json:"adapters"`
		Nameservers []string     `json:"nameservers_used"`
	}
	if err := json.Unmarshal(f.Data, &doc); err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	if len(doc.Adapters) != len(adapters) || !slices.Equal(doc.Nameservers, windowsNameservers(adapters)) {
		t.Errorf("%s = %s", f.Name, f.Data)
	}
	if empty := windowsAdapterFile(nil); !json.Valid(empty.Data) {
		t.Errorf("no adapters: %s", empty.Data)
	}
}

// TestResolverConfig reads this machine's resolver configuration: the same
// servers as SystemNameservers parse from it.
func TestResolverConfig(t *testing.T) {
	files, err := ResolverConfig()
	if err != nil {
		if _, statErr := os.Stat("/etc/resolv.conf"); runtime.GOOS != "windows" && os.IsNotExist(statErr) {
			t.Skip("no /etc/resolv.conf on this machine")
		}
		t.Fatal(err)
	}
	if len(files) == 0 || len(files[0].Data) == 0 || files[0].Name == "" {
		t.Fatalf("ResolverConfig() = %+v", files)
	}
}

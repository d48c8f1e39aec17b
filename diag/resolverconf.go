package diag

import (
	"encoding/json"
)

// ConfigFile is a file of the machine's configuration as read, kept for a
// support bundle: its name in the bundle, where it was read and its bytes.
type ConfigFile struct {
	Name, From string
	Data       []byte
}

// windowsAdapterFile renders the adapters as GetAdaptersAddresses listed
// them, with the servers and suffixes okviz-check took from them, as the
// resolver configuration of a Windows machine (which has no resolv.conf).
func windowsAdapterFile(adapters []winAdapter) ConfigFile {
	doc := struct {
		Adapters    []winAdapter `json:"adapters"`
		Nameservers []string     `json:"nameservers_used"`
		Search      []string     `json:"search_domains"`
	}{append([]winAdapter{}, adapters...), windowsNameservers(adapters), windowsSearchDomains(adapters)}
	for i := range doc.Adapters {
		if doc.Adapters[i].Gateways == nil {
			doc.Adapters[i].Gateways = []string{}
		}
		if doc.Adapters[i].DNS == nil {
			doc.Adapters[i].DNS = []string{}
		}
	}
	b, _ := json.MarshalIndent(doc, "", "  ") // plain strings and bools: cannot fail
	return ConfigFile{Name: "dns-adapters.json", From: "GetAdaptersAddresses", Data: append(b, '\n')}
}

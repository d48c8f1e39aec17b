package diag

import (
	"encoding/json"
	"strings"
)

// Details is the typed evidence of one check: each kind of check has its
// own struct, whose JSON tags make the report's "details" object. Fields
// are declared in the alphabetical order of their JSON names, which is the
// order the report has always written them in, so a report keeps its bytes
// whatever produced it; a pointer marks a value that may be present and
// empty ("alpn": ""). CheckDetails marks the types; it does nothing.
type Details interface{ CheckDetails() }

// NoDetails is the evidence of a check that has none (a skipped stage).
type NoDetails struct{}

// RawDetails is evidence read back from a saved report under a check id
// this version does not know: kept as it was, and shown as JSON.
type RawDetails json.RawMessage

func (NoDetails) CheckDetails()  {}
func (RawDetails) CheckDetails() {}

// MarshalJSON writes the evidence as it was read.
func (r RawDetails) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("{}"), nil
	}
	return json.RawMessage(r).MarshalJSON()
}

// detailsFor returns an empty value of the details type of a check id, for
// reading a saved report back; checks of the direct path beside a proxy
// route ("direct.tcp.connect") have the type of their base check.
func detailsFor(id string) Details {
	for _, client := range []string{"direct.", "desktop.", "firefox.", "cli."} {
		// Checks of another path or client have the type of their base check.
		id = strings.TrimPrefix(id, client)
	}
	switch id {
	case CheckDNSSystem:
		return &DNSSystemDetails{}
	case CheckDNSServers, CheckDNSCompare:
		return &DNSViewsDetails{}
	case CheckTCPConnect:
		return &TCPDetails{}
	case CheckTLSHandshake:
		return &TLSDetails{}
	case CheckHTTPGet, CheckHTTPPortal:
		return &HTTPDetails{}
	case "clock":
		return &ClockDetails{}
	case CheckProxyRoute:
		return &RouteDetails{}
	case CheckProxyConnect:
		return &TunnelDetails{}
	case CheckBrowserFetch:
		return &BrowserDetails{}
	case CheckHostFirewall:
		return &FirewallDetails{}
	case CheckHostDefender:
		return &DefenderDetails{}
	}
	return nil
}

// UnmarshalJSON reads a check from a saved report, its details into the
// type its id has; skipped checks and unknown ids keep the raw JSON.
func (c *Check) UnmarshalJSON(b []byte) error {
	type plain Check
	var raw struct {
		plain
		Details json.RawMessage `json:"details"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*c = Check(raw.plain)
	c.Details = NoDetails{}
	if len(raw.Details) == 0 || string(raw.Details) == "null" || string(raw.Details) == "{}" {
		return nil
	}
	d := detailsFor(c.ID)
	if d == nil || c.Status == StatusSkip {
		c.Details = RawDetails(raw.Details)
		return nil
	}
	if err := json.Unmarshal(raw.Details, d); err != nil {
		c.Details = RawDetails(raw.Details)
		return nil
	}
	c.Details = d
	return nil
}

func ptr[T any](v T) *T { return &v }

package rules

import (
	"encoding/json"
	"net/netip"
)

// jsonRules is the JSON document, versioned like the report: adding a field
// is compatible, renaming or removing one needs schema_version 2.
type jsonRules struct {
	SchemaVersion int        `json:"schema_version"`
	Tool          jsonTool   `json:"tool"`
	GeneratedAt   string     `json:"generated_at"`
	Resolved      bool       `json:"resolved"`
	Rules         []jsonRule `json:"rules"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonRule struct {
	Host     string   `json:"host"`
	Port     int      `json:"port"`
	Protocol string   `json:"protocol"`
	Purpose  string   `json:"purpose"`
	Comment  string   `json:"comment"`
	FQDN     bool     `json:"fqdn"`
	IPv4     []string `json:"ipv4"`
	IPv6     []string `json:"ipv6"`
}

// renderJSON writes the rules as data; arrays are [] rather than null.
func renderJSON(p *printer, s *Set) {
	doc := jsonRules{SchemaVersion: 1, Tool: jsonTool{"okviz-check", s.version()},
		GeneratedAt: s.date(), Resolved: s.Resolved, Rules: []jsonRule{}}
	for _, r := range s.Rules {
		doc.Rules = append(doc.Rules, jsonRule{Host: r.Host, Port: r.Port, Protocol: r.Protocol,
			Purpose: string(r.Purpose), Comment: r.Comment, FQDN: !r.IsIP(),
			IPv4: strs(r.IPv4), IPv6: strs(r.IPv6)})
	}
	b, _ := json.MarshalIndent(doc, "", "  ") // plain structs cannot fail to marshal
	p.Write(b)
	p.blank()
}

func strs(as []netip.Addr) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.String())
	}
	return out
}

package rules

import (
	"encoding/csv"
	"strconv"
)

// renderCSV writes one row per rule. The header comment lines start with
// '#' (encoding/csv reads them with Reader.Comment = '#'; spreadsheet users
// delete them); addresses are space-separated in one column.
func renderCSV(p *printer, s *Set) {
	p.header(s, "#", "whitelist rules as CSV")
	w := csv.NewWriter(p)
	w.Write([]string{"host", "port", "protocol", "purpose", "comment", "fqdn", "ipv4", "ipv6"})
	for _, r := range s.Rules {
		w.Write([]string{r.Host, strconv.Itoa(r.Port), r.Protocol, string(r.Purpose), r.Comment,
			strconv.FormatBool(!r.IsIP()), join(r.IPv4, " "), join(r.IPv6, " ")})
	}
	w.Flush()
}

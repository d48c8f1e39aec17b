package rules

import (
	"encoding/csv"
	"strconv"
	"strings"
)

// renderCSV writes one row per rule after the header row, which comes
// first so that Import-Csv, csv.DictReader and spreadsheets take it as the
// header; the provenance goes to stderr. Addresses are space-separated in
// one column.
func renderCSV(p *printer, s *Set) {
	for _, line := range strings.Split(headerText(s, "whitelist rules as CSV"), "\n") {
		p.note("%s", line)
	}
	w := csv.NewWriter(p)
	w.Write([]string{"host", "port", "protocol", "purpose", "comment", "fqdn", "ipv4", "ipv6"})
	for _, r := range s.Rules {
		w.Write([]string{r.Host, strconv.Itoa(r.Port), r.Protocol, string(r.Purpose), r.Comment,
			strconv.FormatBool(!r.IsIP()), join(r.IPv4, " "), join(r.IPv6, " ")})
	}
	w.Flush()
}

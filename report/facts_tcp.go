package report

import "github.com/okviz/okviz-check/diag"

// tcpFacts prints one line per connection attempt:
// "198.18.1.10:443 ipv4 ok 12 ms".
func tcpFacts(f *factList, d *diag.TCPDetails) {
	items(f, d.Attempts, func(a diag.TCPAttempt) string {
		return joinNonEmpty(" ", val(a.Address), val(a.Family), val(a.Result), ms(a.DurationMS))
	}, func(a diag.TCPAttempt) string { return val(a.Result) })
}

package report

import (
	"strconv"

	"github.com/okviz/okviz-check/diag"
)

// browserFacts says what the real browser's fetch came to, its own error
// and route when the NetLog gave them, and how the browser was run.
func browserFacts(f *factList, d *diag.BrowserDetails) {
	status := ""
	if d.HTTPStatus != 0 {
		status = "HTTP " + strconv.Itoa(d.HTTPStatus)
	}
	f.add(pair("outcome", string(d.Outcome)), status, pair("browser error", d.NetError), pair("route", d.BrowserRoute))
	if d.NetError == "" {
		f.kv("error", d.Error)
	}
	run := val(d.Mode)
	if d.Browser != "" {
		run += " " + val(d.Browser)
	}
	if d.NoSandbox {
		run += ", no sandbox (running as root)"
	}
	f.add(pair("browser", run), pair("profile", d.Profile), pair("proxy settings", d.ProxySettings))
	for _, n := range d.Notes {
		f.kv("note", n)
	}
}

package report

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// Hostile strings as a middlebox could send them: an 8-bit OSC that
// retitles the terminal (HTTP parsers pass bytes above 0x7f in headers), a
// CSI that clears the screen, Markdown and XML syntax. The probed
// fixture's block page serves them.
const (
	hostileServer = "nginx\u009d0;pwned\u009c/1.2"
	hostileTitle  = "Access denied\x1b[2J | ask *IT* <b>now</b> & [here](http://block.example/)"
)

// fixturePath is the report the real probes produced (TestProbedFixture
// keeps it in step with them).
var fixturePath = filepath.Join("testdata", "report-fixture.json")

// fixedReport is the report every golden file renders: the probed fixture,
// read as a saved report is, with a proxy password planted where a careless
// caller could leave one (the renderers must mask it).
func fixedReport() *Report {
	b, err := os.ReadFile(fixturePath)
	if err != nil {
		panic(err.Error() + " (run UPDATE_GOLDEN=1 go test ./report/ -run TestProbedFixture)")
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		panic(err)
	}
	r.Targets[0].Proxy = "http://alice:s3cret@proxy.corp.example:8080"
	r.Proxy.Sources = append(r.Proxy.Sources, map[string]any{"name": "flag", "found": true, "origin": "--proxy",
		"proxies": map[string]any{"all": []string{"http://alice:s3cret@proxy.corp.example:8080"}}})
	return &r
}

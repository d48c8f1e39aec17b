package cmd

import (
	"strings"
	"testing"
)

// TestParseTargetShapes pins what a target may look like: international
// names become punycode (IDNA 2008, as browsers), networks and paths
// without a scheme are refused with what to write instead.
func TestParseTargetShapes(t *testing.T) {
	good := map[string]string{
		"bücher.example":                "https://xn--bcher-kva.example/",
		"Bücher.Example:8443":           "https://xn--bcher-kva.example:8443/",
		"https://bücher.example/a?b=1":  "https://xn--bcher-kva.example/a?b=1",
		"faß.de":                        "https://xn--fa-hia.de/", // IDNA 2008: ß stays, unlike IDNA 2003's "fass"
		"api.okviz.com":                 "https://api.okviz.com/",
		"10.0.0.1":                      "https://10.0.0.1/",
		"[2001:db8::1]:443":             "https://[2001:db8::1]/",
		"https://api.okviz.com/v1/ping": "https://api.okviz.com/v1/ping",
	}
	for in, want := range good {
		tg, err := parseTarget(in)
		if err != nil || tg.URL != want {
			t.Errorf("parseTarget(%q) = %q, %v; want %q", in, tg.URL, err, want)
		}
	}
	bad := map[string]string{
		"10.0.0.0/8":       "is a network (CIDR), not a host: give one address in it (e.g. 10.0.0.1)",
		"2001:db8::/32":    "is a network (CIDR)",
		"a/b/c":            "write the whole URL (https://a/b/c)",
		"api.okviz.com/v1": "is not a host, host:port or https:// URL",
		"xn--a.☃.example":  "not a valid international domain name",
	}
	for in, want := range bad {
		_, err := parseTarget(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseTarget(%q) error = %v; want it to say %q", in, err, want)
		}
	}
}

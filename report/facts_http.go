package report

import (
	"fmt"
	"strconv"

	"github.com/okviz/okviz-check/diag"
)

func httpFacts(f *factList, d *diag.HTTPDetails) {
	status := ""
	if d.Status != 0 {
		status = "HTTP " + strconv.Itoa(d.Status)
		if d.Protocol != "" {
			status += " (" + val(d.Protocol) + ")"
		}
	}
	f.add(status, pair("server", d.Server), pair("via", d.Via))
	f.kv("location", d.Location)
	f.kv("title", d.Title)
	f.add(pair("block page", d.Product), pair("squid error", d.XSquidError))
	if status == "" {
		f.kv("error", d.Error)
	}
}

func clockFacts(f *factList, d *diag.ClockDetails) {
	skew := "skew: " + formatSkew(d.SkewS)
	switch { // the sign alone is easy to misread once it matters
	case d.SkewS >= 60:
		skew += " (this machine is ahead)"
	case d.SkewS <= -60:
		skew += " (this machine is behind)"
	}
	from := ""
	if !d.Trusted {
		from = "from an unverified connection"
	}
	f.add(skew, pair("server date", d.ServerDate), from)
}

// formatSkew writes a signed number of seconds the way a person reads a
// clock difference: +3h02m, -45s, +2d03h.
func formatSkew(s int64) string {
	sign := "+"
	if s < 0 {
		sign, s = "-", -s
	}
	switch {
	case s == 0:
		return "0s"
	case s < 60:
		return fmt.Sprintf("%s%ds", sign, s)
	case s < 3600:
		return fmt.Sprintf("%s%dm%02ds", sign, s/60, s%60)
	case s < 48*3600:
		return fmt.Sprintf("%s%dh%02dm", sign, s/3600, s%3600/60)
	}
	return fmt.Sprintf("%s%dd%02dh", sign, s/86400, s%86400/3600)
}

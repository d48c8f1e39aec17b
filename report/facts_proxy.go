package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/okviz/okviz-check/diag"
)

// routeFacts says where the route came from, what the PAC file said, and
// the failover list.
func routeFacts(f *factList, d *diag.RouteDetails) {
	result := ""
	if d.PACResult != nil {
		result = *d.PACResult
	}
	f.add(pair("pac_url", d.PACURL), pair("result", result))
	if len(d.Proxies) > 0 {
		f.add("proxies: " + capped(d.Proxies))
	}
	clientsFact(f, d.Clients)
	// Where clients disagree (the browser and command-line tools, or
	// curl and Go over NO_PROXY) is the fact an admin most needs: whole,
	// never cut to a fact's length.
	for _, n := range d.Notes {
		if n = strings.TrimSpace(clean(n)); n != "" {
			f.add("note: " + n)
		}
	}
}

// tunnelFacts prints one line per proxy tried.
func tunnelFacts(f *factList, d *diag.TunnelDetails) {
	items(f, d.Hops, func(h diag.ProxyHop) string {
		reason := val(h.Reason)
		if reason == "" {
			reason = val(h.Error)
		}
		status := ""
		if h.Status != 0 && !strings.Contains(reason, strconv.Itoa(h.Status)) {
			status = fmt.Sprintf("status %d", h.Status) // unless the reason's status line says it
		}
		schemes := ""
		if len(h.Schemes) > 0 {
			schemes = "schemes: " + capped(h.Schemes)
		}
		return val(h.Proxy) + ": " + joinNonEmpty(", ", val(h.Code), status, schemes, reason)
	}, func(h diag.ProxyHop) string { return val(h.Code) })
}

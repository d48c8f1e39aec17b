package cmd

import (
	"context"
	"strings"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/proxy"
)

// requestedClients are the clients --client asks to test, browser first.
func requestedClients(client string) []string {
	switch client {
	case "", proxy.ClientBrowser:
		// Firefox counts as a browser: tested when its profile has its own route.
		return []string{proxy.ClientBrowser, proxy.ClientFirefox}
	case "all":
		return []string{proxy.ClientBrowser, proxy.ClientFirefox, proxy.ClientDesktop, proxy.ClientCLI}
	}
	return []string{proxy.ClientBrowser, proxy.ClientFirefox, client}
}

// probeClients tests the route of each client --client asks for beside
// the browser's: a client whose route is the same as one already tested
// is not tested again (the report says with which it was), another one's
// stages run through its own route and join the target's checks with its
// name as a prefix ("desktop.proxy.connect"). The verdict stays the
// browser's; a requested client whose route fails makes the target fail
// too, and the verdict says so.
func (a *app) probeClients(ctx context.Context, p *diag.Prober, ps proxy.Setup, targets []diag.Target, st diag.Stages, client string, results []diag.TargetResult) []diag.TargetResult {
	probed := map[string]bool{proxy.ClientBrowser: true}
	sameAs := map[string]string{}
	tested := []proxy.NamedDecision{{Client: proxy.ClientBrowser, Decision: ps.Browser}}
	for _, c := range requestedClients(client)[1:] {
		cps, ok := ps.ForClient(c)
		if !ok {
			continue // Firefox without its own settings uses the system's: the browser's route
		}
		if prev := sameRouteAs(tested, cps.Browser); prev != "" {
			sameAs[c] = prev
			continue
		}
		tested = append(tested, proxy.NamedDecision{Client: c, Decision: cps.Browser})
		probed[c] = true
		cp := *p
		cp.Route = a.router(cps, &cp)
		other := cp.Run(ctx, targets, st)
		for i := range results {
			if i < len(other) {
				mergeClient(&results[i], other[i], c)
			}
		}
	}
	for i := range results {
		for j := range results[i].Checks {
			if results[i].Checks[j].ID == diag.CheckProxyRoute {
				proxy.MarkProbed(&results[i].Checks[j], probed, sameAs)
			}
		}
	}
	return results
}

func sameRouteAs(tested []proxy.NamedDecision, d proxy.Decision) string {
	for _, t := range tested {
		if proxy.SameRoute(t.Decision, d) {
			return t.Client
		}
	}
	return ""
}

// clientTitle names a client in a verdict sentence.
var clientTitle = map[string]string{
	proxy.ClientFirefox: "Firefox",
	proxy.ClientDesktop: "Power BI Desktop",
	proxy.ClientCLI:     "command-line tools",
}

// mergeClient adds another client's checks to the browser's result.
func mergeClient(r *diag.TargetResult, other diag.TargetResult, client string) {
	for _, c := range other.Checks {
		c.ID = client + "." + c.ID
		r.Checks = append(r.Checks, c)
	}
	if other.Status.Rank() > r.Status.Rank() {
		r.Status = other.Status
	}
	if other.Verdict.Status != diag.StatusPass && other.Verdict.Code != r.Verdict.Code {
		r.Verdict.Summary = strings.TrimSpace(r.Verdict.Summary + " Through its own route, " + clientTitle[client] + ": " + other.Verdict.Summary)
	}
}

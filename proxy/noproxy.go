package proxy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/proxy/discover"
)

// NoProxyNotes explains, for one target, where the command-line clients
// would disagree because they read the proxy variables differently: "curl
// would go direct for api.okviz.com because ...; Go, Node.js would use
// http://***@p:8080 (HTTPS_PROXY)". Nil when they all agree.
func NoProxyNotes(sources []discover.Source, targetURL string) []string {
	routes := ClientRoutes(sources, targetURL)
	type group struct {
		clients []string
		reasons []string
		proxy   string
		vars    []string
	}
	var order []string
	groups := map[string]*group{}
	nodeOff := envOf(sources)["NODE_USE_ENV_PROXY"] != "1"
	for _, r := range routes {
		if r.Client == ProgramNode && nodeOff {
			continue // not a NO_PROXY surprise: Node's own clients read no variable
		}
		key := "direct"
		if r.Proxy != "" {
			key = redact.URL(r.Proxy)
			if p, err := discover.NormalizeProxy(r.Proxy, "http"); err == nil {
				key = redact.URL(p)
			}
		}
		g := groups[key]
		if g == nil {
			g = &group{proxy: key}
			groups[key] = g
			order = append(order, key)
		}
		g.clients = append(g.clients, r.Client)
		switch {
		case r.Proxy != "":
			g.vars = appendOnce(g.vars, r.ProxyVar)
		case r.Bypass != "":
			reason := fmt.Sprintf("%s: NO_PROXY entry %q matches", r.Client, r.Bypass)
			if r.Why != "" {
				reason += " (" + r.Why + ")"
			}
			g.reasons = append(g.reasons, reason)
		case r.Why != "":
			g.reasons = append(g.reasons, r.Client+": "+r.Why)
		}
	}
	if len(order) < 2 {
		return nil
	}
	host := parseBypassTarget(targetURL).host
	// Direct first: the surprise is usually a client that skips the proxy.
	if groups["direct"] != nil && order[0] != "direct" {
		order = append([]string{"direct"}, slices.DeleteFunc(order, func(k string) bool { return k == "direct" })...)
	}
	var parts []string
	for _, key := range order {
		g := groups[key]
		who := strings.Join(g.clients, ", ")
		if key == "direct" {
			p := fmt.Sprintf("%s would go direct for %s", who, host)
			if len(g.reasons) > 0 {
				p += " because " + strings.Join(g.reasons, "; ")
			}
			parts = append(parts, p)
			continue
		}
		parts = append(parts, fmt.Sprintf("%s would use the proxy %s (%s)", who, key, strings.Join(g.vars, ", ")))
	}
	sep := "; "
	if len(parts) == 2 {
		sep = ", but "
	}
	return []string{strings.Join(parts, sep)}
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

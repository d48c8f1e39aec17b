package proxy

import (
	"fmt"
	"net"
	"strings"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/proxy/tunnel"
)

// connectCheck turns the hops of a failover list into one check: the last
// hop decides; a dead proxy before a working one is a warning, because
// browsers wait for it on every new connection.
func connectCheck(conn net.Conn, hops []tunnel.Hop) diag.Check {
	d := &diag.TunnelDetails{Hops: hops}
	if len(hops) == 0 {
		return diag.NewCheck(diag.CheckProxyConnect, diag.ProxyUnreachable, "No proxy could be tried.", d)
	}
	last := hops[len(hops)-1]
	if conn != nil {
		if len(hops) > 1 && last.Proxy == tunnel.Direct {
			c := diag.NewCheck(diag.CheckProxyConnect, diag.ProxyUnreachable,
				fmt.Sprintf("%s failed (%s); browsers then connect directly, which works, after waiting for the dead proxy.", hops[0].Proxy, hopWhy(hops[0])), d)
			c.Status = diag.StatusWarn
			return c
		}
		if len(hops) > 1 {
			c := diag.NewCheck(diag.CheckProxyConnect, diag.ProxyUnreachable,
				fmt.Sprintf("%s failed (%s); %s works, but browsers try the dead one first on new connections.", hops[0].Proxy, hopWhy(hops[0]), last.Proxy), d)
			c.Status = diag.StatusWarn
			return c
		}
		if last.Code == tunnel.CodeNone {
			return diag.NewCheck(diag.CheckProxyConnect, diag.ProxyNone, "The PAC result says DIRECT for this target.", d)
		}
		return diag.NewCheck(diag.CheckProxyConnect, diag.ProxyOK, fmt.Sprintf("%s opened a tunnel to the target.", last.Proxy), d)
	}
	code := last.Code
	if last.Proxy == tunnel.Direct {
		// The list ended with DIRECT and that failed too: name every proxy.
		return diag.NewCheck(diag.CheckProxyConnect, diag.ProxyUnreachable,
			fmt.Sprintf("Every proxy of the list failed (%s: %s), and so did the direct connection after it: %s.", hops[0].Proxy, hopWhy(hops[0]), hopWhy(last)), d)
	}
	if code == "" {
		code = diag.ProxyUnreachable
	}
	summary := map[diag.Code]string{
		diag.ProxyUnreachable:   "The proxy %s could not be reached: %s.",
		diag.ProxyAuthRequired:  "The proxy %s wants authentication (%s).",
		diag.ProxyAuthFailed:    "The proxy %s rejected the credentials: %s.",
		diag.ProxyDenied:        "The proxy %s refused the tunnel: %s.",
		diag.ProxyProtocolError: "The proxy %s answered CONNECT with something that is not HTTP: %s.",
	}[code]
	if summary == "" {
		summary = "The proxy %s failed: %s."
	}
	return diag.NewCheck(diag.CheckProxyConnect, code, fmt.Sprintf(summary, last.Proxy, hopWhy(last)), d)
}

// hopWhy is the short reason of one hop for a summary.
func hopWhy(h tunnel.Hop) string {
	if h.Code == tunnel.CodeAuthRequired && len(h.Schemes) > 0 {
		why := "offers " + strings.Join(h.Schemes, ", ")
		for _, sc := range h.Schemes {
			if strings.EqualFold(sc, "NTLM") || strings.EqualFold(sc, "Negotiate") {
				return why + "; browsers answer NTLM/Negotiate silently with the Windows login, tools need credentials"
			}
		}
		return why + "; give credentials in the proxy URL (http://user:pass@proxy:port)"
	}
	for _, s := range []string{h.Reason, h.Error} {
		if s != "" {
			return s
		}
	}
	if h.Status != 0 {
		return fmt.Sprintf("HTTP %d", h.Status)
	}
	return "no reason given"
}

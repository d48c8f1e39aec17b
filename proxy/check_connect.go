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
func connectCheck(conn net.Conn, hops []tunnel.Hop, goos string) diag.Check {
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
		return diag.NewCheck(diag.CheckProxyConnect, diag.ProxyOK, fmt.Sprintf("%s opened a tunnel to the target%s.", last.Proxy, authWords(last.Auth)), d)
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
		diag.ProxyUnreachable:    "The proxy %s could not be reached: %s.",
		diag.ProxyAuthRequired:   "The proxy %s wants authentication (%s).",
		diag.ProxyAuthFailed:     "The proxy %s rejected the credentials: %s.",
		diag.ProxyDenied:         "The proxy %s refused the tunnel: %s.",
		diag.ProxyUpstreamFailed: "The proxy %s allowed the tunnel but could not reach the target itself: %s.",
		diag.ProxyProtocolError:  "The proxy %s answered CONNECT with something that is not HTTP: %s.",
	}[code]
	if summary == "" {
		summary = "The proxy %s failed: %s."
	}
	c := diag.NewCheck(diag.CheckProxyConnect, code, fmt.Sprintf(summary, last.Proxy, hopWhy(last)), d)
	switch code {
	case diag.ProxyAuthRequired:
		c.Remediation = authRemedy(last.Schemes, goos)
	case diag.ProxyAuthFailed:
		if a := last.Auth; a != nil {
			c.Remediation = fmt.Sprintf("Desk-side: check the user name %s and its password (given in %s); proxy team: check that the account may use the proxy with %s.", a.User, a.Source, a.Scheme)
		}
	}
	return c
}

// authRemedy says which credential source answers the offered schemes on
// this OS, best first, as the remediation of proxy.auth_required.
func authRemedy(schemes []string, goos string) string {
	has := func(s string) bool {
		for _, x := range schemes {
			if strings.EqualFold(x, s) {
				return true
			}
		}
		return false
	}
	explicit := "run okviz-check with --proxy-user USER and the password in the OKVIZ_CHECK_PROXY_PASSWORD environment variable, or put user:password in the proxy URL of --proxy or HTTPS_PROXY (percent-encode @, : and \\ in the password)"
	switch {
	case (has("Negotiate") || has("NTLM")) && goos == "windows":
		// SSPI was tried with the login of the user running okviz-check.
		w := "The proxy asks for Windows authentication (" + strings.Join(schemes, ", ") + "), which browsers and Power BI Desktop answer silently with the Windows login; okviz-check's SSPI answer with this user's login did not get through (see the summary). Run okviz-check as the user who runs Power BI (not as SYSTEM or a service account)"
		if has("NTLM") {
			return w + ", or test with explicit credentials: " + strings.Replace(explicit, "USER", `DOMAIN\user`, 1) + " (NTLM)."
		}
		return w + "; Negotiate needs a domain-joined login with a ticket for HTTP/<proxy host>."
	case has("Negotiate") && has("NTLM"):
		return "The proxy asks for Negotiate (Kerberos) or NTLM: run kinit user@REALM so that okviz-check answers Negotiate from the ticket cache (KRB5CCNAME, realm settings in /etc/krb5.conf), as the browser does; or " + strings.Replace(explicit, "USER", `DOMAIN\user (or user@domain)`, 1) + " (NTLM)."
	case has("NTLM"):
		return "The proxy asks for NTLM: " + strings.Replace(explicit, "USER", `DOMAIN\user (or user@domain)`, 1) + "."
	case has("Negotiate"):
		return "The proxy asks only for Negotiate (Kerberos): run kinit user@REALM so that okviz-check answers it from the ticket cache (KRB5CCNAME, realm settings in /etc/krb5.conf), as the browser does; the summary says what was missing (no ticket, or the KDC does not know HTTP/<proxy host>)."
	case has("Digest") || has("Basic"):
		return "The proxy asks for a user name and password (" + strings.Join(schemes, ", ") + "), which a browser prompts for: " + explicit + "."
	}
	return "The proxy asks for " + strings.Join(schemes, ", ") + ", which this tool cannot answer. Proxy team: exempt the target from authentication or offer Basic, Digest or NTLM."
}

// authWords says how the proxy's challenge was answered, for a summary:
// " after NTLM authentication as CORP\bob (from the proxy URL; 407, 407, 200)".
func authWords(a *diag.ProxyAuth) string {
	if a == nil {
		return ""
	}
	rounds := make([]string, len(a.Rounds))
	for i, r := range a.Rounds {
		rounds[i] = fmt.Sprint(r)
	}
	return fmt.Sprintf(" after %s authentication (credentials from %s; %s)", a.Scheme, a.Source, strings.Join(rounds, ", "))
}

// hopWhy is the short reason of one hop for a summary.
func hopWhy(h tunnel.Hop) string {
	if h.Code == tunnel.CodeAuthRequired && len(h.Schemes) > 0 {
		return "offers " + strings.Join(h.Schemes, ", ") + "; " + h.Reason
	}
	if h.Code == tunnel.CodeAuthFailed && h.Auth != nil {
		return fmt.Sprintf("%s authentication as %s (from %s) was refused: %s", h.Auth.Scheme, h.Auth.User, h.Auth.Source, h.Reason)
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

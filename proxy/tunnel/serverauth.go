package tunnel

import (
	"fmt"
	"strings"
)

// ServerAuth answers a web server's 401 for a PAC file (IIS serving it
// with Windows authentication) the way Chromium does: only with the
// credentials the OS holds (Negotiate or NTLM through SSPI, or Negotiate
// from the Kerberos ticket cache; SPN HTTP/<PAC host>), chosen in the same
// order as for a proxy's 407. Chromium never answers a PAC server with
// typed credentials: its PAC fetcher cancels any request that would need a
// prompt (net/proxy_resolution/pac_file_fetcher_impl.cc, OnAuthRequired,
// crbug.com/77366), so a user name and password would prove nothing about
// the browser and are not used here either.
type ServerAuth struct {
	Integrated Integrated
}

// ServerHandshake is one answer to a server's challenges, round after
// round, on one connection.
type ServerHandshake struct {
	a      authenticator
	who    string
	source string
}

// Begin picks the scheme for the challenges of a 401 (its WWW-Authenticate
// values) from host; nil and the reason in words when nothing a browser
// would send can answer them.
func (s ServerAuth) Begin(values []string, host string) (*ServerHandshake, string) {
	offered := authSchemes(values)
	if len(offered) == 0 {
		return nil, "the server asks for authentication without naming a scheme"
	}
	a, who, source, why := chooseAuth(offered, nil, s.Integrated, host)
	if a == nil {
		if !containsFold(offered, "Negotiate") && !containsFold(offered, "NTLM") {
			why = "browsers answer a PAC server only with the Windows login (Negotiate, NTLM), never with a user name and password"
		}
		return nil, fmt.Sprintf("the PAC server asks for %s; %s", strings.Join(offered, ", "), why)
	}
	return &ServerHandshake{a: a, who: who, source: source}, ""
}

// Answer returns the next Authorization header value for the server's
// last challenges.
func (h *ServerHandshake) Answer(values []string) (string, error) {
	return h.a.answer(challengesFor(values, h.a.scheme()))
}

// Continues reports whether a 401 with these challenges carries the
// handshake on rather than refusing it.
func (h *ServerHandshake) Continues(values []string) bool {
	return h.a.continues(challengesFor(values, h.a.scheme()))
}

// Describe says how the server was answered: "Negotiate as alice@CORP.EXAMPLE
// (from the Kerberos ticket cache)".
func (h *ServerHandshake) Describe() string {
	return fmt.Sprintf("%s as %s (from %s)", h.a.scheme(), h.who, h.source)
}

// Close ends the handshake's security context.
func (h *ServerHandshake) Close() { h.a.close() }

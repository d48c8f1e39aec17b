//go:build windows

package tunnel

import (
	"fmt"
	"os/user"

	"github.com/alexbrainman/sspi/negotiate"
	"github.com/alexbrainman/sspi/ntlm"
)

// SystemIntegrated answers Negotiate and NTLM with the logged-on user's
// Windows credentials through SSPI, as Edge, Chrome and WebView2 do
// without asking for a password.
func SystemIntegrated() Integrated { return sspiLogin{} }

type sspiLogin struct{}

func (sspiLogin) Schemes() []string { return []string{"Negotiate", "NTLM"} }
func (sspiLogin) Source() string    { return "SSPI (the Windows login)" }

func (sspiLogin) Who() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "the Windows login"
}

// NewContext acquires the current user's credentials and starts the
// handshake; Negotiate targets the SPN HTTP/<proxy host as configured>,
// without canonicalising a CNAME (Chromium's default).
func (sspiLogin) NewContext(scheme, proxyHost string) (SecurityContext, error) {
	switch scheme {
	case "Negotiate":
		cred, err := negotiate.AcquireCurrentUserCredentials()
		if err != nil {
			return nil, fmt.Errorf("SSPI has no Windows credentials for this user: %v", err)
		}
		ctx, first, err := negotiate.NewClientContext(cred, spn(proxyHost))
		if err != nil {
			cred.Release()
			return nil, fmt.Errorf("SSPI cannot start Negotiate for %s: %v", spn(proxyHost), err)
		}
		return &sspiContext{first: first, release: func() { ctx.Release(); cred.Release() },
			update: func(in []byte) ([]byte, error) {
				_, out, err := ctx.Update(in)
				if err != nil {
					return nil, fmt.Errorf("SSPI rejected the proxy's Negotiate token: %v", err)
				}
				return out, nil
			}}, nil
	case "NTLM":
		cred, err := ntlm.AcquireCurrentUserCredentials()
		if err != nil {
			return nil, fmt.Errorf("SSPI has no Windows credentials for this user: %v", err)
		}
		ctx, first, err := ntlm.NewClientContext(cred)
		if err != nil {
			cred.Release()
			return nil, fmt.Errorf("SSPI cannot start NTLM: %v", err)
		}
		return &sspiContext{first: first, release: func() { ctx.Release(); cred.Release() },
			update: func(in []byte) ([]byte, error) {
				out, err := ctx.Update(in)
				if err != nil {
					return nil, fmt.Errorf("SSPI cannot answer the proxy's NTLM challenge: %v", err)
				}
				return out, nil
			}}, nil
	}
	return nil, fmt.Errorf("SSPI does not answer %s here", scheme)
}

// sspiContext is one SSPI handshake: the package's first token, then
// its answers to the proxy's tokens.
type sspiContext struct {
	first   []byte
	update  func(in []byte) ([]byte, error)
	release func()
}

func (s *sspiContext) Step(in []byte) ([]byte, error) {
	if s.first != nil {
		out := s.first
		s.first = nil
		return out, nil
	}
	return s.update(in)
}

func (s *sspiContext) Close() { s.release() }

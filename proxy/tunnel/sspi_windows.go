//go:build windows

package tunnel

import (
	"errors"
	"fmt"
	"os/user"

	"github.com/alexbrainman/sspi"
	"github.com/alexbrainman/sspi/negotiate"
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
		// Not the sspi/ntlm package: it panics at start-up where SSPI has no
		// NTLM package (Wine, hardened images), which would end every run.
		return newSSPINTLM()
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

// newSSPINTLM starts an NTLM handshake with the logged-on user's
// credentials on SSPI's NTLM package, asked for only when a proxy wants it.
func newSSPINTLM() (SecurityContext, error) {
	info, err := sspi.QueryPackageInfo(sspi.NTLMSP_NAME)
	if err != nil {
		return nil, fmt.Errorf("SSPI has no NTLM package here: %v", err)
	}
	cred, err := sspi.AcquireCredentials("", sspi.NTLMSP_NAME, sspi.SECPKG_CRED_OUTBOUND, nil)
	if err != nil {
		return nil, fmt.Errorf("SSPI has no Windows credentials for this user: %v", err)
	}
	ctx := sspi.NewClientContext(cred, sspi.ISC_REQ_CONNECTION)
	release := func() { ctx.Release(); cred.Release() }
	done, first, err := sspiStep(ctx, nil, info.MaxToken)
	if err == nil && (done || len(first) == 0) {
		err = errors.New("no NEGOTIATE message came out")
	}
	if err != nil {
		release()
		return nil, fmt.Errorf("SSPI cannot start NTLM: %v", err)
	}
	return &sspiContext{first: first, release: release,
		update: func(in []byte) ([]byte, error) {
			_, out, err := sspiStep(ctx, in, info.MaxToken)
			if err == nil && len(out) == 0 {
				err = errors.New("no AUTHENTICATE message came out")
			}
			if err != nil {
				return nil, fmt.Errorf("SSPI cannot answer the proxy's NTLM challenge: %v", err)
			}
			return out, nil
		}}, nil
}

// sspiStep feeds one token from the proxy (none at the start) to
// InitializeSecurityContext and returns the token to send back; done is
// true when SSPI considers the handshake complete.
func sspiStep(ctx *sspi.Context, in []byte, maxToken uint32) (done bool, out []byte, err error) {
	buf := make([]byte, maxToken)
	var inBufs *sspi.SecBufferDesc
	if in != nil {
		inb := []sspi.SecBuffer{{}}
		inb[0].Set(sspi.SECBUFFER_TOKEN, in)
		inBufs = sspi.NewSecBufferDesc(inb)
	}
	outb := []sspi.SecBuffer{{}}
	outb[0].Set(sspi.SECBUFFER_TOKEN, buf)
	outBufs := sspi.NewSecBufferDesc(outb)
	switch ret := ctx.Update(nil, outBufs, inBufs); ret {
	case sspi.SEC_E_OK:
		done = true
	case sspi.SEC_I_CONTINUE_NEEDED:
	case sspi.SEC_I_COMPLETE_NEEDED, sspi.SEC_I_COMPLETE_AND_CONTINUE:
		if r := sspi.CompleteAuthToken(ctx.Handle, outBufs); r != sspi.SEC_E_OK {
			return false, nil, r
		}
	default:
		return false, nil, ret
	}
	return done, outb[0].Bytes(), nil
}

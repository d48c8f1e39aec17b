//go:build !windows

package tunnel

// SystemIntegrated is nil outside Windows until the Kerberos ticket cache
// is read: Negotiate there needs a ticket (kinit), and NTLM needs explicit
// credentials (--proxy-user or the proxy URL).
func SystemIntegrated() Integrated { return nil }

//go:build !windows

package tunnel

import "os"

// SystemIntegrated answers Negotiate from the user's Kerberos ticket
// cache outside Windows; NTLM there needs explicit credentials
// (--proxy-user or the proxy URL).
func SystemIntegrated() Integrated {
	return &kerberosLogin{getenv: os.Getenv, uid: os.Getuid()}
}

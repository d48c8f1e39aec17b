// Package certgen makes ECDSA P-256 certificate authorities, intermediates
// and server certificates in memory for tests and for the network lab:
// good chains, interception-style CAs ("Zscaler Root CA"), expired, not yet
// valid and soon-expiring leaves, IP SANs, revocation URLs.
//
// Nothing here reads the clock: the default validity window is fixed
// (2000-01-01 to 2099-12-31) so certificates are valid whenever tests run,
// and tests that care about time pass their own window with Validity,
// NotBefore or NotAfter, computed from their own (injected) clock.
package certgen

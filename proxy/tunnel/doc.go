// Package tunnel opens connections to a target through a proxy list as a
// browser would: HTTP CONNECT, HTTPS proxies, SOCKS4 and SOCKS5, with
// Basic credentials from the proxy URL and the schemes a 407 offers
// (Basic, Digest, NTLM, Negotiate) named. Tunneler.TunnelList follows
// Chromium's failover rules and classifies what happened at each entry in
// a Hop: refused, unreachable, authentication required, denied, protocol
// error. Credentials never appear in a Hop or an error.
package tunnel

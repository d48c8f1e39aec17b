// Package squidlab starts real squid proxies on loopback for tests: a plain
// forward proxy, one that wants Basic authentication (basic_ncsa_auth with
// a generated htpasswd file) and one that refuses some destinations.
//
// Each instance gets its own temporary folder with a generated squid.conf,
// its logs and no cache, listens on 127.0.0.1 on a free port, runs in the
// foreground (-N) under its own service name (-n, so instances do not share
// shared-memory segments or a pid file) and is stopped when the test ends.
// Squid is pointed at 127.0.0.1 for DNS and refuses every destination that
// is not on loopback, so a test never sends traffic off the machine.
//
// Starting squid is opt-in, like the network lab: OKVIZ_LAB=1 or required
// (being root is not enough). It needs the squid binary and root (squid
// switches to its unprivileged user itself). Without them Start skips the
// test, unless OKVIZ_LAB=required (as CI sets), in which case it fails.
package squidlab

// Package diag holds the probes of the path from this machine to a target
// (DNS, TCP, TLS, HTTP, clock), the result model they fill, the runner that
// chains them, and the verdict that names a single root cause per target.
//
// Nothing here reads the environment, the clock or the network on its own:
// a Prober carries the dialer, the resolvers, the clock and the route
// decision, so tests can inject a dropped SYN, a reset or a skewed clock.
package diag

// Package pac fetches and runs proxy auto-config files.
//
// A PACFetcher gets a script from a path, a file:// URL or an http(s)://
// URL the way Chromium does: directly, never through a proxy; HTTP 200
// only; at most 1 MiB. ParsePAC compiles it with goja, and PAC.FindProxy
// evaluates FindProxyForURL(url, host) with the URL sanitised as Chromium
// sanitises it (SanitizeURL: https:// URLs lose path and query). The
// returned string ("PROXY a:8080; DIRECT") is read into a failover list of
// ProxyEntry values.
//
// The PAC functions are written in Go from the documented behaviour of the
// browsers' helpers, not taken from any browser's JavaScript: the classic
// set (isPlainHostName, dnsDomainIs, localHostOrDomainIs, isResolvable,
// isInNet, dnsResolve, myIpAddress, dnsDomainLevels, shExpMatch,
// weekdayRange, dateRange, timeRange, convert_addr, alert) and Microsoft's
// IPv6-aware extensions (isResolvableEx, dnsResolveEx, myIpAddressEx,
// isInNetEx, sortIpAddressList, getClientVersion). Resolver, clock and
// local addresses are injected through EvalEnv; MyIPAddresses finds the
// addresses Chromium's myIpAddress() would report.
//
// A PAC script is untrusted code (WPAD answers can be spoofed), so every
// evaluation runs in a fresh runtime with no file or network access, under
// a watchdog: a script is stopped when it runs past EvalEnv.Timeout, nests
// calls too deeply, or makes the heap grow past EvalEnv.MaxHeap; each DNS
// lookup of a helper has its own deadline and is cached for the
// evaluation; source maps are never loaded. Built-ins that could allocate
// or loop without bound inside a single call (where goja cannot interrupt)
// are bounded: String repeat/padStart/padEnd/replace, the Array methods,
// apply, Array.from; typed arrays are removed. What remains possible is a
// script written to exhaust memory inside one other built-in call over a
// huge sparse array (JSON.stringify of one, for instance): the PAC file
// comes from the network's own configuration, and the browsers on this
// machine run the same file.
//
// Errors are typed so callers can map them to problem codes: a *FetchError
// is proxy.pac_unreachable; a *PACError (syntax, runtime, runaway or bad
// result, with the line when known) is proxy.pac_invalid; a *ResultError
// inside it also says what Chromium would do with the result instead.
package pac

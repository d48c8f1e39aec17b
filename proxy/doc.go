// Package proxy decides how traffic from this machine would leave for a
// target, the way the clients that matter decide it, and turns that into
// the proxy checks of a report. Power BI runs in Chromium (Edge, Chrome,
// and WebView2 in Power BI Desktop), so Chromium's behaviour is the
// reference throughout; where Internet Explorer/WinHTTP, Firefox or
// command-line clients differ, the difference is reported, not guessed
// away.
//
// Its parts are sub-packages, imported one way (this package imports them,
// they never import it or each other):
//
//   - discover reads every place a proxy can be configured (flags, the
//     environment, browser policies, Windows, macOS, GNOME, KDE, WPAD);
//   - pac fetches and runs PAC files in a sandboxed JavaScript engine;
//   - tunnel opens connections through a proxy list (CONNECT, SOCKS) and
//     says what each proxy did;
//   - redact hides credentials in URLs before anything is printed.
//
// # Route
//
// BrowserRoute and CLIRoute turn the discovered sources into a Decision:
// direct, fixed proxies with bypass rules, a PAC URL, or WPAD.
// Disagreements and NoProxyNotes explain where browsers and command-line
// tools part ways. ResolveRoute applies a decision to one target URL as
// Chromium would, including the implicit bypass of localhost and
// link-local addresses, the fallback when a PAC file cannot be fetched or
// parsed, and the resulting proxy list.
//
// # Checks
//
// Setup holds one run's sources and decisions; Setup.Router gives diag the
// per-target route: the proxy.route check (how the route was decided, a
// PAC file the browser falls back from) and, for a proxied route, a tunnel
// whose hops become the proxy.connect check.
package proxy

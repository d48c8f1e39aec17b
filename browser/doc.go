// Package browser asks a real browser whether it reaches the targets: the
// ground truth behind `okviz-check browser`.
//
// A Server serves one test page on 127.0.0.1 under a random one-time token,
// with a Content-Security-Policy that lets the page connect only to the
// targets' origins and back to the Server. The page fetches each target the
// way a visual does (mode "cors", then "no-cors" to tell a CORS refusal from
// a network failure), reads what Resource Timing exposes, and posts the
// outcome back. The Server accepts that one token-bearing POST from its own
// origin, sanitises and caps every field, and stops.
//
// Find looks for Edge, Chrome or Chromium (the usual install paths per OS,
// the registry's App Paths on Windows); Headless runs one with a throw-away
// profile and a NetLog, from which NetLogErrors reads the browser's own
// network error and proxy choice. Judge turns the outcome into the
// browser.fetch check and reconciles it with the tool's own verdict.
package browser

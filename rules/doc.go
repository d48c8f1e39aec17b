// Package rules turns a small rule model (host, port, protocol, purpose,
// comment, and optionally the addresses the host resolves to) into
// paste-ready whitelist rules for firewalls, proxies and clients: one
// renderer per platform, each in its own render_*.go file.
//
// The package does no I/O of its own: the tool version and the date come in
// as inputs (so output is deterministic and golden-testable), and name
// resolution goes through a lookup function the caller passes to Resolve.
// Host names reach a renderer only after validation (letters, digits, '-',
// '_' and '.'), so they are safe to place in any platform's quoting.
package rules

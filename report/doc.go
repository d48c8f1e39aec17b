// Package report holds the versioned JSON report of a diagnosis and its
// renderers: text for a terminal, JSON for scripts and support tickets,
// Markdown to paste into a ticket, and JUnit XML for CI dashboards.
//
// The data model (package diag) keeps what the network said verbatim; this
// package is where it is made safe to show. Every string printed by the
// text, Markdown and JUnit renderers goes through Sanitize, so a certificate
// name or an HTTP header cannot drive the reader's terminal, and through a
// credential filter, so a proxy URL never shows its user name or password.
// JSON keeps strings as data (the encoder escapes control characters) and
// only gets the credential filter.
//
// The JSON shape is a contract: docs/report.schema.json describes it, and
// renaming or removing a field needs a new SchemaVersion.
package report

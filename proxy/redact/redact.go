// Package redact forwards to internal/redact, the one redactor, while
// proxy/router.go still imports it by this path; it goes once that file
// moves over.
package redact

import "github.com/okviz/okviz-check/internal/redact"

// URL is internal/redact.URL.
func URL(rawURL string) string { return redact.URL(rawURL) }

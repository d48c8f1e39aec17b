package diag

import "github.com/okviz/okviz-check/internal/netclass"

// Failure kinds shared by the TCP, TLS and HTTP probes; the classification
// itself lives in internal/netclass, shared with the proxy tunnels.
const (
	failTimeout     = netclass.Timeout
	failRefused     = netclass.Refused
	failReset       = netclass.Reset
	failUnreachable = netclass.Unreachable
	failLocal       = netclass.LocalFirewall
	failEOF         = netclass.EOF
	failOther       = netclass.Other
	failCanceled    = netclass.Canceled
)

// classifyNetErr names the failure kind of a network error.
func classifyNetErr(err error) string { return netclass.Classify(err) }

package diag

import "strings"

func stageOf(c Check) string { return StageOf(c.Code) }

// warningOrder ranks warnings by what an admin should hear about first.
var warningOrder = []Code{
	ProxyServiceAccount, // the route tested may not be any user's
	ProxyUnreachable,    // a dead proxy before a working one in a failover list
	ProxyPACUnreachable, // a PAC file the browser falls back from
	ProxyPACInvalid,
	TLSIntercepted,
	ClockSkew,
	DNSMismatch,
	TCPIPv6Broken,
	HTTPServerError,
	HTTPClientError,
	TLSExpiringSoon,
}

// verdict names the single root cause among a target's checks: the first
// failing stage along the path, where evidence that explains a later symptom
// wins over the symptom; else the most important warning; else ok.
func verdict(checks []Check) Verdict { return verdictIn(Full().order(), checks) }

// verdictIn is verdict along a given stage order (a command's stage list).
func verdictIn(order []string, checks []Check) Verdict {
	has := func(code Code) (Check, bool) {
		for _, c := range checks {
			if c.Code == code && (c.Status == StatusFail || c.Status == StatusWarn) {
				return c, true
			}
		}
		return Check{}, false
	}
	var firstFail *Check
	for _, stage := range order {
		for i := range checks {
			c := &checks[i]
			if c.Status == StatusFail && stageOf(*c) == stage {
				firstFail = c
				break
			}
		}
		if firstFail != nil {
			break
		}
	}
	if firstFail != nil {
		root := *firstFail
		if root.Code == TCPTimeout || root.Code == TCPLocalFirewall {
			// This PC's own firewall blocking HTTPS for every program
			// explains a connection that is dropped or denied locally
			// (not one a peer resets): it is the root cause.
			for _, c := range checks {
				if blocksEveryProgram(c) {
					root = c
					root.Summary += " That is the likely reason why " + strings.TrimSuffix(lowerFirst(firstFail.Summary), ".") + "."
					break
				}
			}
		}
		if st := stageOf(root); st == "tcp" || st == "tls" || st == "http" {
			// Defender Network Protection blocking this very host explains
			// a failed connection, handshake or request: it is the root
			// cause (the check fails only when the path failed).
			for _, c := range checks {
				if defenderExplains(c) {
					root = c
					root.Summary += " That is the likely reason why " + strings.TrimSuffix(lowerFirst(firstFail.Summary), ".") + "."
					break
				}
			}
		}
		if stageOf(root) == "tls" || stageOf(root) == "http" {
			// A captive portal or block page explains the certificate error it causes.
			for _, code := range []Code{HTTPCaptivePortal, HTTPBlocked} {
				if c, ok := has(code); ok {
					root = c
					break
				}
			}
			// A wrong local clock explains an "expired" or "not yet valid" certificate.
			if root.Code == TLSExpired || root.Code == TLSNotYetValid {
				if c, ok := has(ClockSkew); ok {
					root = c
					root.Summary += " That is why the certificate looks " + strings.TrimPrefix(strings.ReplaceAll(string(firstFail.Code), "_", " "), "tls.") + "."
				}
			}
		}
		return Verdict{Code: root.Code, Status: StatusFail, Summary: root.Summary, Remediation: remediationOf(root)}
	}
	for _, code := range warningOrder {
		if c, ok := has(code); ok {
			return Verdict{Code: c.Code, Status: StatusWarn, Summary: c.Summary, Remediation: remediationOf(c)}
		}
	}
	for _, c := range checks {
		if c.Status == StatusWarn {
			return Verdict{Code: c.Code, Status: StatusWarn, Summary: c.Summary, Remediation: remediationOf(c)}
		}
	}
	return Verdict{Code: "ok", Status: StatusPass, Summary: Lookup("ok").Meaning}
}

func remediationOf(c Check) string {
	if c.Remediation != "" {
		return c.Remediation
	}
	return Lookup(c.Code).Remediation
}

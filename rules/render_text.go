package rules

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// renderText explains, for a human, what to allow and why.
func renderText(p *printer, s *Set) {
	p.l("okviz-check %s: what to allow through the firewall or proxy, and why", s.version())
	p.l("Generated %s.", s.date())
	p.blank()
	p.l("Allow outbound connections from the PCs that run Power BI to:")
	p.blank()
	tw := tabwriter.NewWriter(p, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  HOST\tPORT\tPROTOCOL\tWHY")
	for _, r := range s.Rules {
		why := "the service (HTTPS)"
		if r.Purpose == PurposeRevocation {
			why = "certificate revocation check (plain HTTP)"
		}
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\n", r.Host, r.Port, strings.ToUpper(r.Protocol), why)
	}
	tw.Flush()
	if s.Resolved {
		p.blank()
		p.l("Addresses these names resolved to at %s:", s.date())
		for _, r := range s.Rules {
			if !r.IsIP() {
				p.l("  %s: %s", r.Host, join(r.Addrs(), ", "))
			}
		}
	}
	p.blank()
	p.l("Notes")
	p.l("- FQDN, not IP: allow the host NAME wherever your firewall or proxy has FQDN")
	p.l("  (domain) objects. The addresses behind these names belong to cloud and CDN")
	p.l("  services and change without notice, so IP rules go stale and break later.")
	if s.Resolved {
		p.l("  The addresses above are a snapshot: if you must use them, re-run")
		p.l("  'okviz-check rules --resolve' regularly and reload the rules.")
	} else {
		p.l("  For a platform without FQDN objects, 'okviz-check rules --resolve' adds the")
		p.l("  addresses the names resolve to now.")
	}
	p.l("- The firewall resolves FQDN objects with its own DNS server: let it use the")
	p.l("  same resolver as the PCs, or it may allow different addresses than they use.")
	p.l("- TLS inspection: exempt the HTTPS hosts above from TLS/SSL inspection")
	p.l("  (decryption). An inspecting proxy re-signs the server certificate with its")
	p.l("  own CA; programs that do not trust that CA, or that check the certificate,")
	p.l("  then fail. Each platform format includes the exemption ('--list').")
	if hasPurpose(s, PurposeRevocation) {
		p.l("- Revocation: Windows programs that check whether a certificate was revoked")
		p.l("  fetch OCSP/CRL data over plain HTTP from the revocation hosts above; when")
		p.l("  those are blocked, the check fails and so does the HTTPS connection.")
	} else {
		p.l("- Revocation: Windows programs that check certificate revocation also need")
		p.l("  the OCSP/CRL hosts of the server's certificate chain (plain HTTP, port 80):")
		p.l("  'okviz-check rules --revocation' adds them.")
	}
	p.l("- Rules for a specific firewall or proxy: 'okviz-check rules --format NAME'")
	p.l("  ('okviz-check rules --list' shows the formats).")
}

func hasPurpose(s *Set, pu Purpose) bool {
	for _, r := range s.Rules {
		if r.Purpose == pu {
			return true
		}
	}
	return false
}

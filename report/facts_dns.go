package report

import (
	"sort"
	"strings"

	"github.com/okviz/okviz-check/diag"
)

// dnsSystemFacts shows what the summary leaves out: the addresses beyond
// the first few, the canonical name, a sinkhole, and for a failed lookup
// what each resolver said.
func dnsSystemFacts(f *factList, d *diag.DNSSystemDetails, host string, c diag.Check) {
	if d.Resolver == "none" {
		return // an address literal: nothing was looked up
	}
	if len(d.Addresses) > 0 && !allIn(d.Addresses, c.Summary) {
		f.add("addresses: " + capped(d.Addresses))
	}
	if cn := d.CanonicalName; cn != "" && !sameHost(cn, host) {
		f.add("cname: " + val(host) + " → " + val(cn))
	}
	if sh := d.Sinkhole; sh != nil {
		f.add(pair("sinkhole", sh.Kind), val(sh.Product))
	}
	if len(d.ResolverAddresses) > 0 {
		f.add("DNS servers answer: " + capped(d.ResolverAddresses))
	}
	if c.Status == diag.StatusPass {
		return // which resolver answered matters when it did not (dns.servers names it anyway)
	}
	// What each configured resolver answered directly says more than the
	// system resolver's error; without it, the error is the evidence, and
	// the resolvers are worth a line unless the error already names them.
	if rc := d.ResolverRcodes; len(rc) > 0 {
		servers := make([]string, 0, len(rc))
		for s := range rc {
			servers = append(servers, s)
		}
		sort.Strings(servers)
		told := true // the summary already names each resolver and its answer
		for i, s := range servers {
			told = told && strings.Contains(c.Summary, s) && strings.Contains(c.Summary, rc[s])
			servers[i] = s + " " + rc[s]
		}
		if !told {
			f.add(resolverKey(len(servers)) + capped(servers))
		}
		return
	}
	if rs := d.ConfiguredResolvers; len(rs) > 0 && !allIn(rs, d.Error+" "+c.Summary) {
		f.add(resolverKey(len(rs)) + capped(rs))
	}
	f.kv("error", d.Error)
}

// allIn reports whether every one of ss occurs in text.
func allIn(ss []string, text string) bool {
	for _, s := range ss {
		if !strings.Contains(text, s) {
			return false
		}
	}
	return true
}

func resolverKey(n int) string {
	if n == 1 {
		return "resolver: "
	}
	return "resolvers: "
}

// sameHost compares DNS names ignoring case and a final dot.
func sameHost(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

// dnsViewFacts prints one line per resolver asked directly:
// "198.18.0.53 (configured, udp): 198.18.1.10 — agrees".
func dnsViewFacts(f *factList, d *diag.DNSViewsDetails) {
	disagree := map[string]bool{}
	for _, s := range d.Disagreeing {
		disagree[s] = true
	}
	items(f, d.Views, func(v diag.DNSView) string {
		line := val(v.Server) + " (" + joinNonEmpty(", ", val(v.Role), val(v.Transport)) + "): " + viewAnswer(v)
		switch {
		case disagree[v.Server]:
			line += " — disagrees"
		case v.Agrees:
			line += " — agrees"
		}
		if s := v.TLS; s != nil {
			switch s.Result {
			case "serves_host":
				line += " (settled by TLS: " + val(s.Address) + " serves the host's certificate)"
			case "other_certificate":
				line += " (TLS: " + val(s.Address) + " does not serve the host)"
			default:
				line += " (TLS could not settle it)"
			}
		}
		return line
	}, func(v diag.DNSView) string {
		if disagree[v.Server] {
			return "disagree"
		}
		return "agree"
	})
}

// viewAnswer is what one resolver answered, in a few words.
func viewAnswer(v diag.DNSView) string {
	var s string
	switch {
	case len(v.Addrs) > 0:
		s = capped(v.Addrs)
		if cn := v.CNAMEs; len(cn) > 0 {
			s += " via " + val(cn[len(cn)-1])
		}
	case v.Rcode == "NOERROR":
		s = "NOERROR, no address"
	case v.Rcode != "":
		s = val(v.Rcode)
	default:
		s = "no answer"
		if k := v.ErrKind; k != "" {
			s += " (" + val(k) + ")"
		}
	}
	if v.Code == "dns.sinkhole" {
		s += " (sinkhole)"
	}
	for _, e := range v.ExtendedErrors {
		if e.Name != "" {
			s += ", extended error " + val(e.Name)
			break
		}
	}
	return s
}

package rules

import "net/netip"

// renderProxySG writes Broadcom (Symantec/Blue Coat) ProxySG CPL: a named
// condition per kind of traffic, allow rules in a <Proxy> layer and
// ssl.forward_proxy(no) in an <SSL-Intercept> layer for the HTTPS hosts.
func renderProxySG(p *printer, s *Set) {
	p.header(s, ";", "ProxySG CPL (local policy file or CPL layer in Management Center)")
	p.comment(";", `Install as local policy (Configuration > Policy > Policy Files) or paste into a
CPL layer; the appliance compiles it on install. url.domain= matches the host
and its subdomains.`)
	p.blank()
	for _, c := range []struct {
		name string
		tls  bool
	}{{"okviz_check_https", true}, {"okviz_check_http", false}} {
		var lines []string
		for _, r := range s.Rules {
			if r.TLS() != c.tls {
				continue
			}
			if a, err := netip.ParseAddr(r.Host); err == nil {
				lines = append(lines, "url.address="+a.String())
			} else {
				lines = append(lines, `url.domain="`+r.Host+`"`)
			}
		}
		if len(lines) == 0 {
			continue
		}
		p.l("define condition %s", c.name)
		for _, l := range lines {
			p.l("    %s", l)
		}
		p.l("end condition %s", c.name)
		p.blank()
		p.l("<Proxy>")
		p.l("    condition=%s ALLOW", c.name)
		p.blank()
		if c.tls {
			p.l("<SSL-Intercept>")
			p.l("    condition=%s ssl.forward_proxy(no)", c.name)
			p.blank()
		}
	}
}

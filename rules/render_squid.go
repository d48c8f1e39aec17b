package rules

import "strings"

// renderSquid writes a squid.conf fragment: dstdomain (or dst) ACLs per
// port, http_access lines that allow CONNECT to the HTTPS hosts and plain
// HTTP to the revocation hosts, and an ssl_bump splice so bumping proxies
// tunnel the HTTPS hosts untouched. ssl::server_name needs an OpenSSL
// build of Squid (Debian: squid-openssl).
func renderSquid(p *printer, s *Set) {
	p.header(s, "#", "squid.conf fragment")
	p.comment("#", `Include it ABOVE "http_access deny all" and above the site's other ssl_bump
lines, e.g. in squid.conf under "INSERT YOUR OWN RULE(S) HERE":
  include /etc/squid/conf.d/okviz-check.conf
then check with "squid -k parse" and reload with "squid -k reconfigure".
The stock squid.conf denies CONNECT to ports outside SSL_ports (and requests to
ports outside Safe_ports) ABOVE the include: the SSL_ports/Safe_ports lines
below add this file's other ports to those lists, which is what lets them pass.`)
	p.blank()
	p.l("acl okviz_check_connect method CONNECT")
	for _, g := range s.Groups() {
		if _, ok := wellKnownService(g.Port); ok {
			continue
		}
		if g.TLS() {
			p.l("acl SSL_ports port %d", g.Port)
		}
		p.l("acl Safe_ports port %d", g.Port)
	}
	for _, g := range s.Groups() {
		name := "okviz_check_" + g.Key()
		p.l("acl %s_port port %d", name, g.Port)
		names, lits := namesOf(g), literalsOf(g)
		var as []string
		for _, r := range lits {
			as = append(as, r.Host)
		}
		// One ACL name holds one type, so names and addresses get their own.
		for _, acl := range []struct {
			name, typ string
			items     []string
		}{
			{name, "dstdomain", names}, {name + "_dst", "dst", as},
		} {
			if len(acl.items) == 0 {
				continue
			}
			p.l("acl %s %s %s", acl.name, acl.typ, strings.Join(acl.items, " "))
			if g.TLS() {
				p.l("http_access allow okviz_check_connect %s %s_port", acl.name, name)
			} else {
				p.l("http_access allow !okviz_check_connect %s %s_port", acl.name, name)
			}
		}
	}
	if !anyTLS(s) {
		return
	}
	p.blank()
	p.comment("#", `TLS interception (ssl_bump): splice = tunnel without decrypting. At step 1 the
name comes from the CONNECT request (or, intercepting, after a peek, from the
TLS SNI), so this one line works before the site's peek/bump lines.`)
	p.l("acl okviz_check_sni ssl::server_name %s", strings.Join(tlsHosts(s), " "))
	p.l("ssl_bump splice okviz_check_sni")
}

package rules

import (
	"net/netip"
	"strings"
)

// renderSophos writes a Sophos Firewall (SFOS) XML API request: FQDN host
// objects (IP hosts for address literals), a custom service for unusual
// ports, and one firewall rule per port and IP family (an SFOS rule is
// either IPv4 or IPv6).
func renderSophos(p *printer, s *Set) {
	p.l("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
	p.l("<!--")
	p.comment("  ", xmlSafe(headerText(s, "Sophos Firewall XML API request")))
	p.comment("  ", xmlSafe(`POST it to https://<firewall>:4444/webconsole/APIController?reqxml=<this file>
(allow the API client's address under Backup & firmware > API). The same in
the GUI: Hosts and services > FQDN host, then Rules and policies > Firewall
rules (LAN to WAN, service HTTPS, action Accept). The firewall resolves FQDN
hosts with its own DNS servers.
TLS inspection: exempt the HTTPS hosts in Web > Exceptions (skip HTTPS
decryption; URL patterns below) or in the SSL/TLS inspection rules' exclusion
list.`))
	for _, r := range s.Rules {
		if r.TLS() {
			p.l("     %s", xmlSafe(sophosPattern(r.Host)))
		}
	}
	p.l("-->")
	p.l("<Request>")
	p.l("  <Login><Username>api-admin</Username><Password>CHANGE-ME</Password></Login>")
	p.l("  <Set operation=\"add\">")
	for _, r := range s.Rules {
		if a, err := netip.ParseAddr(r.Host); err == nil {
			fam := "IPv4"
			if a.Is6() {
				fam = "IPv6"
			}
			p.l("    <IPHost><Name>%s</Name><IPFamily>%s</IPFamily><HostType>IP</HostType><IPAddress>%s</IPAddress><Description>%s</Description></IPHost>",
				sophosName(r.Host), fam, r.Host, r.Comment)
			continue
		}
		p.l("    <FQDNHost><Name>%s</Name><FQDN>%s</FQDN><Description>%s</Description></FQDNHost>", sophosName(r.Host), r.Host, r.Comment)
	}
	for _, g := range s.Groups() {
		if _, ok := wellKnownService(g.Port); !ok {
			p.l("    <Services><Name>okviz-check-tcp-%d</Name><Type>TCPorUDP</Type><ServiceDetails><ServiceDetail><SourcePort>1:65535</SourcePort><DestinationPort>%d</DestinationPort><Protocol>TCP</Protocol></ServiceDetail></ServiceDetails></Services>", g.Port, g.Port)
		}
	}
	for _, g := range s.Groups() {
		svc := "okviz-check-tcp-" + g.Key()
		if n, ok := wellKnownService(g.Port); ok {
			svc = strings.ToUpper(n)
		}
		for _, fam := range []string{"IPv4", "IPv6"} {
			nets := sophosNets(g, fam)
			if len(nets) == 0 {
				continue
			}
			p.l("    <FirewallRule>")
			p.l("      <Name>okviz-check-%s-%s</Name>", g.Key(), strings.ToLower(fam))
			p.l("      <Description>okviz-check tcp/%s</Description>", g.Key())
			p.l("      <IPFamily>%s</IPFamily><Status>Enable</Status><Position>Top</Position><PolicyType>Network</PolicyType>", fam)
			p.l("      <NetworkPolicy>")
			p.l("        <Action>Accept</Action><LogTraffic>Enable</LogTraffic><Schedule>All The Time</Schedule>")
			p.l("        <SourceZones><Zone>LAN</Zone></SourceZones><DestinationZones><Zone>WAN</Zone></DestinationZones>")
			p.l("        <DestinationNetworks>%s</DestinationNetworks>", strings.Join(nets, ""))
			p.l("        <Services><Service>%s</Service></Services>", svc)
			p.l("      </NetworkPolicy>")
			p.l("    </FirewallRule>")
		}
	}
	p.l("  </Set>")
	p.l("</Request>")
}

func sophosName(host string) string { return safeName(host, 60, hostChars, '-') }

// sophosNets lists the <Network> elements of a group for one IP family: FQDN
// hosts serve both families, address literals only their own.
func sophosNets(g Group, fam string) []string {
	var out []string
	for _, r := range g.Rules {
		if a, err := netip.ParseAddr(r.Host); err == nil && (a.Is4() != (fam == "IPv4")) {
			continue
		}
		out = append(out, "<Network>"+sophosName(r.Host)+"</Network>")
	}
	return out
}

// xmlSafe keeps text legal inside an XML comment, which may not contain "--".
func xmlSafe(s string) string {
	s = strings.ReplaceAll(s, "--resolve", "the resolve option")
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "- -")
	}
	return s
}

// sophosPattern is the Web > Exceptions URL regex matching exactly host.
func sophosPattern(host string) string {
	h := strings.ReplaceAll(host, ".", `\.`)
	if strings.Contains(host, ":") {
		h = `\[` + host + `\]` // IPv6 literal, bracketed in URLs
	}
	return "^" + h + "(:[0-9]+)?(/|$)"
}

package rules

import "strings"

// renderPAC writes a complete PAC file that sends the hosts DIRECT and
// everything else to the site's proxy, on a line marked for editing. It
// uses plain JavaScript only (no PAC helper functions), so any engine
// evaluates it the same way.
func renderPAC(p *printer, s *Set) {
	p.header(s, "//", "PAC file (proxy auto-config)")
	p.comment("//", `Serve it as application/x-ns-proxy-autoconfig, or merge the "direct" check
into your existing PAC file ahead of its other rules. Hosts match exactly
(not their subdomains). Sending them DIRECT means the firewall must allow
them: see 'okviz-check rules --list' for the firewall rules.`)
	p.l("function FindProxyForURL(url, host) {")
	p.l("  var direct = [")
	hs := hostsOf(s.Rules)
	for i, h := range hs {
		sep := ","
		if i == len(hs)-1 {
			sep = ""
		}
		p.l("    %q%s", pacHost(h), sep)
	}
	p.l("  ];")
	p.l("  var h = host.toLowerCase();")
	p.l("  if (h.charAt(0) === \"[\") {")
	p.l("    h = h.substring(1, h.length - 1);")
	p.l("  }")
	p.l("  if (h.charAt(h.length - 1) === \".\") {")
	p.l("    h = h.substring(0, h.length - 1);")
	p.l("  }")
	p.l("  for (var i = 0; i < direct.length; i++) {")
	p.l("    if (h === direct[i]) {")
	p.l("      return \"DIRECT\";")
	p.l("    }")
	p.l("  }")
	p.l("  // EDIT: the site's default route for everything else.")
	p.l("  return \"PROXY proxy.example.com:8080; DIRECT\";")
	p.l("}")
}

// pacHost is the host as a browser passes it to FindProxyForURL: IPv6
// literals without brackets.
func pacHost(h string) string { return strings.Trim(h, "[]") }

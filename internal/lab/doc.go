// Package lab is the network lab for okviz-check's integration tests: it
// builds Linux network namespaces with real daemons and real firewall rules,
// so the real binary can be run against every failure it is meant to name.
//
// The topology, inside 198.18.0.0/15 and fd00:198:18::/64, plus private
// origins in 10.198.18.0/24 (RFC 1918) and 100.64.18.0/24 (RFC 6598): the
// namespaces have no route out, so any range is safe inside them.
//
//	client namespaces                "internet" namespace
//	Direct          198.18.0.2  ─┐    br0 198.18.0.1, fd00:198:18::1 (gateway, dnsmasq)
//	ProxyOnly       198.18.0.3  ─┤    lo  198.18.1.x, fd00:198:18::1:x (origins, labserver)
//	Blackhole       198.18.0.4  ─┤    lo  10.198.18.x, 100.64.18.x (private origins)
//	ServfailDNS     198.18.0.5  ─┼──  lo  198.18.2.x (more resolvers, squid ports,
//	RefusedDNS      198.18.0.6  ─┤         fake proxies, SOCKS5, PAC server, a DoH
//	SilentDNS       198.18.0.7  ─┤         address behind TLS inspection)
//	LocalDNSReject  198.18.0.8  ─┤
//	LocalDNSDrop    198.18.0.9  ─┤
//	RefusingDNS     198.18.0.10 ─┘
//
// Each client has its own iptables rules: Direct drops, rejects (RST or ICMP
// administratively prohibited) or SNI-filters particular origins; ProxyOnly
// can reach the proxies but not the origins; the internet namespace drops
// everything Blackhole sends (so it meets silence, not local errors).
// LocalDNSReject and LocalDNSDrop block their own DNS packets, as host
// security software does. The clients resolve through /etc/netns/<name>/
// resolv.conf, which `ip netns exec` mounts over /etc/resolv.conf: most
// name the gateway's dnsmasq; ServfailDNS, RefusedDNS, SilentDNS and
// RefusingDNS name a resolver that fails in that way (a dnsmasq relaying
// its upstream's SERVFAIL, a dnsmasq without upstreams, an address whose
// DNS the internet namespace drops, an address where nothing listens on
// port 53, so queries are refused with ICMP; the internet namespace sends
// its ICMP errors without rate limit).
//
// The proxies: squid on http:// ports (open, Basic authentication, a
// denying ACL) and an https:// port; the labserver program (package
// labserver) for what squid does not do: a SOCKS5 proxy, a 407 offering
// only NTLM and Negotiate, a port that answers CONNECT with an SSH banner.
//
// The authenticating proxies (kerberos.go): an MIT KDC for the realm
// CORP.EXAMPLE (KDCAddr), a second squid with one scheme per port
// (Negotiate through negotiate_kerberos_auth and a keytab for
// HTTP/kproxy.corp.example and HTTP/kdeny.corp.example, NTLM through
// ntlm_fake_auth, Digest through digest_file_auth), PAC servers that want
// Negotiate or Basic, and KerberosUser's ticket from kinit inside
// ProxyOnly: KerberosEnv gives a client the lab's krb5.conf and that
// ticket cache (or none). Without the MIT Kerberos programs the rest of the
// lab still runs and RequireKerberos skips (or fails, when required).
//
// Use from a test or benchmark (this is what lab_test.go does):
//
//	l := lab.New(t) // or b: New takes a testing.TB
//	bin, err := lab.BuildCLI(ctx, t.TempDir())
//	argv := append([]string{bin, "check", lab.HostGood, "--format", "json", "--dns-compare", "none"}, l.TrustArgs()...)
//	res := l.Run(ctx, l.Direct, argv...) // any program: curl --cacert l.CAFile https://api.okviz.com/ too
//	rep, err := res.Report()
//
// Go code can also act inside a namespace: Netns.DialContext,
// Netns.Resolver and Netns.HTTPClient create their sockets there.
//
// The lab is opt-in: its tests run only with OKVIZ_LAB=1 (skipping, with
// the reason, where something is missing) or OKVIZ_LAB=required (failing
// instead: not root, not Linux, a Debian package or the main package
// missing); being root alone does not enable it. Everything
// it creates carries a per-run name and is removed in the test's cleanup.
package lab

package pac

import (
	"context"
	"net"
)

// The addresses Chromium "connects" a UDP socket to when it looks for the
// address myIpAddress() returns (net/docs/proxy.md). Connecting a UDP
// socket only asks the routing table which source address it would use:
// no packet is sent.
const (
	pacProbePublicV4 = "8.8.8.8:80"
	pacProbePublicV6 = "[2001:4860:4860::8888]:80"
)

// pacPrivateProbes are Chromium's third step: routes into private space.
func pacPrivateProbes() []string {
	return []string{"10.0.0.0:80", "172.16.0.0:80", "192.168.0.0:80", "[fc00::]:80"}
}

// MyIPAddresses finds the addresses Chromium's myIpAddressEx() reports, in
// order (myIpAddress() takes the first IPv4 one), with Chromium's steps,
// stopping at the first that finds any:
//
//  1. the source address of a route to the public Internet (IPv4, IPv6);
//  2. the addresses of this machine's own name (hostAddrs; nil skips it);
//  3. the source address of a route into private address space.
//
// Loopback and link-local addresses are returned only when nothing else is
// found. dial must be able to open "udp" sockets (net.Dialer's DialContext
// does, without sending anything).
func MyIPAddresses(ctx context.Context, dial func(ctx context.Context, network, addr string) (net.Conn, error), hostAddrs func(ctx context.Context) ([]net.IP, error)) []net.IP {
	var fallback []net.IP
	take := func(ips []net.IP) []net.IP {
		var good []net.IP
		for _, ip := range ips {
			switch {
			case ip == nil || ip.IsUnspecified():
			case ip.IsLoopback() || ip.IsLinkLocalUnicast():
				fallback = pacAppendNew(fallback, ip)
			default:
				good = pacAppendNew(good, ip)
			}
		}
		return good
	}
	probe := func(targets ...string) []net.IP {
		var ips []net.IP
		for _, t := range targets {
			if ip := pacRouteSource(ctx, dial, t); ip != nil {
				ips = append(ips, ip)
			}
		}
		return take(ips)
	}
	if ips := probe(pacProbePublicV4, pacProbePublicV6); len(ips) > 0 {
		return ips
	}
	if hostAddrs != nil {
		if addrs, err := hostAddrs(ctx); err == nil {
			// IPv4 first, as Chromium prefers it.
			var v4, v6 []net.IP
			for _, ip := range addrs {
				if ip.To4() != nil {
					v4 = append(v4, ip)
				} else {
					v6 = append(v6, ip)
				}
			}
			if ips := take(append(v4, v6...)); len(ips) > 0 {
				return ips
			}
		}
	}
	if ips := probe(pacPrivateProbes()...); len(ips) > 0 {
		return ips
	}
	return fallback
}

// pacRouteSource is the local address of a UDP socket connected to target.
func pacRouteSource(ctx context.Context, dial func(ctx context.Context, network, addr string) (net.Conn, error), target string) net.IP {
	if dial == nil || ctx.Err() != nil {
		return nil
	}
	c, err := dial(ctx, "udp", target)
	if err != nil {
		return nil
	}
	defer c.Close()
	switch a := c.LocalAddr().(type) {
	case *net.UDPAddr:
		return a.IP
	case *net.TCPAddr:
		return a.IP
	}
	if host, _, err := net.SplitHostPort(c.LocalAddr().String()); err == nil {
		return net.ParseIP(host)
	}
	return nil
}

func pacAppendNew(list []net.IP, ip net.IP) []net.IP {
	for _, x := range list {
		if x.Equal(ip) {
			return list
		}
	}
	return append(list, ip)
}

package pac

import (
	"context"
	"errors"
	"net"
	"reflect"
	"testing"
)

// pacRouteConn is a connected UDP socket as far as MyIPAddresses looks:
// only its local address matters.
type pacRouteConn struct {
	net.Conn
	local net.Addr
}

func (c pacRouteConn) LocalAddr() net.Addr { return c.local }
func (c pacRouteConn) Close() error        { return nil }

// pacRoutes fakes the routing table: target address -> source address.
// No socket is opened.
func pacRoutes(t *testing.T, routes map[string]string) func(context.Context, string, string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if network != "udp" {
			t.Errorf("dialled %s, want udp", network)
		}
		src, ok := routes[addr]
		if !ok {
			return nil, errors.New("network is unreachable")
		}
		return pacRouteConn{local: &net.UDPAddr{IP: net.ParseIP(src), Port: 40000}}, nil
	}
}

func TestMyIPAddresses(t *testing.T) {
	ips := func(s ...string) []net.IP {
		var out []net.IP
		for _, x := range s {
			out = append(out, net.ParseIP(x))
		}
		return out
	}
	hostAddrs := func(addrs ...string) func(context.Context) ([]net.IP, error) {
		return func(context.Context) ([]net.IP, error) { return ips(addrs...), nil }
	}
	tests := []struct {
		name   string
		routes map[string]string
		host   func(context.Context) ([]net.IP, error)
		want   []net.IP
	}{
		{"public routes, IPv4 first",
			map[string]string{pacProbePublicV4: "198.18.0.5", pacProbePublicV6: "fd00:198:18::5", "10.0.0.0:80": "10.9.9.9"},
			hostAddrs("198.18.9.9"), ips("198.18.0.5", "fd00:198:18::5")},
		{"only an IPv6 route",
			map[string]string{pacProbePublicV6: "fd00:198:18::5"},
			nil, ips("fd00:198:18::5")},
		{"no public route: the host name, IPv4 first",
			map[string]string{"10.0.0.0:80": "10.9.9.9"},
			hostAddrs("fd00:198:18::7", "198.18.0.7"), ips("198.18.0.7", "fd00:198:18::7")},
		{"no public route, name only loopback: private routes",
			map[string]string{"172.16.0.0:80": "172.16.5.5", "[fc00::]:80": "fd00:198:18::8"},
			hostAddrs("127.0.1.1"), ips("172.16.5.5", "fd00:198:18::8")},
		{"loopback and link-local only as a last resort",
			map[string]string{pacProbePublicV4: "127.0.0.1", "192.168.0.0:80": "169.254.3.3"},
			hostAddrs("::1"), ips("127.0.0.1", "::1", "169.254.3.3")},
		{"nothing at all", map[string]string{}, nil, nil},
	}
	for _, tt := range tests {
		got := MyIPAddresses(context.Background(), pacRoutes(t, tt.routes), tt.host)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: MyIPAddresses = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := MyIPAddresses(context.Background(), nil, nil); got != nil {
		t.Errorf("without a dialer: %v", got)
	}
}

func TestPACMyIPAddress(t *testing.T) {
	tests := []struct {
		in   []net.IP
		want string
	}{
		{nil, "127.0.0.1"},
		{[]net.IP{net.ParseIP("fd00:198:18::5"), net.ParseIP("198.18.0.5")}, "198.18.0.5"},
		{[]net.IP{net.ParseIP("fd00:198:18::5")}, "fd00:198:18::5"},
	}
	for _, tt := range tests {
		if got := pacMyIPAddress(tt.in); got != tt.want {
			t.Errorf("myIpAddress with %v = %q, want %q", tt.in, got, tt.want)
		}
	}
}

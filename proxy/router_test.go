package proxy

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/proxy/discover"
)

// machineDialer is the prober's dialer in TestRouterPACMyIP: TCP goes to
// the PAC server; a UDP "connect" (how myIpAddress() asks the routing
// table) reports 10.20.30.40 as this machine's source address, as a host
// on the corporate LAN would see it.
type machineDialer struct {
	pacAddr string
	udp     []string // targets of the UDP route lookups
}

func (d *machineDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if strings.HasPrefix(network, "udp") {
		d.udp = append(d.udp, addr)
		return routeConn{local: &net.UDPAddr{IP: net.ParseIP("10.20.30.40"), Port: 5353}}, nil
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, d.pacAddr)
}

type routeConn struct {
	net.Conn
	local net.Addr
}

func (c routeConn) LocalAddr() net.Addr { return c.local }
func (c routeConn) Close() error        { return nil }

// TestRouterPACMyIP: check evaluates the PAC with this machine's address
// for myIpAddress()/myIpAddressEx(), as the pac command does, not
// 127.0.0.1 and "" (issue 9's finding): a PAC keyed on the client's subnet
// routes the target through the subnet's proxy.
func TestRouterPACMyIP(t *testing.T) {
	srv := newPACServer(t, map[string]string{"pac.corp.example/subnet.pac": `function FindProxyForURL(url, host) {
  if (isInNet(myIpAddress(), "10.20.0.0", "255.255.0.0") && myIpAddressEx() == "10.20.30.40") return "PROXY lan20.corp.example:8080";
  return "PROXY other.corp.example:8080; DIRECT";
}`})
	d := &machineDialer{pacAddr: srv.Listener.Addr().String()}
	p := diag.NewProber(2 * time.Second)
	p.Dialer = d
	s := Setup{Browser: Decision{Kind: KindPAC, PACURL: "http://pac.corp.example/subnet.pac"}}
	u := "https://api.okviz.com/"
	r := s.Router(p, 2*time.Second)(context.Background(), diag.Target{URL: u})
	if r.Kind != "proxy" || r.Proxy != "http://lan20.corp.example:8080" {
		t.Fatalf("route %s %s, want the subnet's proxy; checks %+v", r.Kind, r.Proxy, r.Checks)
	}
	if len(d.udp) == 0 || d.udp[0] != "8.8.8.8:80" {
		t.Errorf("route lookups %q, want Chromium's first probe 8.8.8.8:80", d.udp)
	}
	// Given addresses win and no lookup is made.
	d.udp = nil
	s.MyIP = []net.IP{net.ParseIP("192.168.1.5")}
	r = s.Router(p, 2*time.Second)(context.Background(), diag.Target{URL: u})
	if r.Proxy != "http://other.corp.example:8080" || len(d.udp) != 0 {
		t.Errorf("route %s, lookups %q", r.Proxy, d.udp)
	}
}

// TestRouterIgnoredScheme: when the browser's proxy comes from an
// https:// variable it reads as plain HTTP and the tunnel fails, the
// proxy.connect summary says that the browser ignores the scheme.
func TestRouterIgnoredScheme(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	note := discover.IgnoredSchemeNote + "https_proxy=https://" + addr + ": it speaks plain HTTP to " + addr + ", where curl and Python use https"
	s := Setup{
		Sources: []discover.Source{{Name: "env", Notes: []string{note}}},
		Browser: Decision{Kind: KindFixed, From: "env", Proxies: []string{"http://" + addr}},
	}
	p := diag.NewProber(2 * time.Second)
	r := s.Router(p, 2*time.Second)(context.Background(), diag.Target{URL: "https://api.okviz.com/"})
	if r.Tunnel == nil {
		t.Fatalf("route %+v", r)
	}
	conn, c := r.Tunnel(context.Background(), "api.okviz.com:443")
	if conn != nil {
		conn.Close()
		t.Fatal("a closed port opened a tunnel")
	}
	if !strings.Contains(c.Summary, "Note: the browser ignores the scheme of https_proxy=https://") {
		t.Errorf("summary %q", c.Summary)
	}
}

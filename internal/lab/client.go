package lab

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"time"
)

// DialContext opens a connection from inside the namespace. address must
// be an IP literal with a port: names would be resolved outside.
func (n *Netns) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	var c net.Conn
	err := n.Do(func() error {
		var d net.Dialer
		var err error
		c, err = d.DialContext(ctx, network, address)
		return err
	})
	return c, err
}

// Resolver returns a pure-Go resolver that asks server (ip:port) from
// inside the namespace, whatever resolv.conf says.
func (n *Netns) Resolver(server string) *net.Resolver {
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return n.DialContext(ctx, network, server)
		},
	}
}

// HTTPClient returns a client whose connections start inside the
// namespace, resolve names with the lab's main resolver and trust roots.
// proxy, when not nil, is used for every request.
func (n *Netns) HTTPClient(roots *x509.CertPool, proxy *url.URL, timeout time.Duration) *http.Client {
	r := n.Resolver(net.JoinHostPort(GatewayAddr, "53"))
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(address)
		if err != nil {
			return nil, err
		}
		addrs := []string{host}
		if net.ParseIP(host) == nil {
			if addrs, err = r.LookupHost(ctx, host); err != nil {
				return nil, err
			}
		}
		var errs []error
		for _, a := range addrs {
			c, err := n.DialContext(ctx, network, net.JoinHostPort(a, port))
			if err == nil {
				return c, nil
			}
			errs = append(errs, err)
		}
		return nil, errors.Join(errs...)
	}
	tr := &http.Transport{
		DialContext:       dial,
		TLSClientConfig:   &tls.Config{RootCAs: roots},
		DisableKeepAlives: true,
	}
	if proxy != nil {
		tr.Proxy = http.ProxyURL(proxy)
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		// Redirects are evidence here, not something to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

package cmd

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/proxy"
	"github.com/okviz/okviz-check/proxy/discover"
	"github.com/okviz/okviz-check/proxy/tunnel"
)

// discoverProxies reads every proxy source, with the user's own choices
// (flags, environment, config) first.
func (a *app) discoverProxies(ctx context.Context, o *checkOptions, p *diag.Prober) proxy.Setup {
	sys := discover.NewOSSystem(a.env.LookupEnv)
	sys.GOOS = a.env.GOOS
	sys.LookupHost = func(ctx context.Context, host string) ([]string, error) {
		ctx, cancel := context.WithTimeout(ctx, a.global.Timeout)
		defer cancel()
		return p.Resolver.LookupHost(ctx, host)
	}
	if run := sys.RunCommand; run != nil {
		// scutil, gsettings or nmcli stuck on a dead D-Bus must not hang the run.
		sys.RunCommand = func(ctx context.Context, name string, args ...string) ([]byte, error) {
			ctx, cancel := context.WithTimeout(ctx, a.global.Timeout)
			defer cancel()
			return run(ctx, name, args...)
		}
	}
	var given discover.Given
	for _, f := range []struct {
		flag string
		set  bool
		fill func(*discover.Override)
	}{
		{"proxy", o.Proxy != "", func(ov *discover.Override) { ov.Proxy = o.Proxy }},
		{"no-proxy", o.NoProxy, func(ov *discover.Override) { ov.Direct = true }},
		{"pac", o.PAC != "", func(ov *discover.Override) { ov.PAC = o.PAC }},
	} {
		if !f.set {
			continue
		}
		origin := a.global.cfg.origin(f.flag)
		layer := &given.Flags
		if !strings.HasPrefix(origin, "--") {
			layer = &given.Config
		}
		f.fill(layer)
		if layer.Origin == "" {
			layer.Origin = origin
		}
	}
	// One budget for the whole discovery (commands, registry, DHCP
	// option 252, WPAD lookups), inside --timeout: a stuck source cannot
	// stretch the run, and the sources that did answer are still reported.
	dctx, cancel := context.WithTimeout(ctx, a.global.Timeout)
	srcs := discover.Discover(dctx, sys, given)
	cancel()
	ps := proxy.Setup{Sources: srcs, Browser: proxy.BrowserRoute(srcs, a.env.GOOS), CLI: proxy.CLIRoute(srcs), Desktop: proxy.DesktopRoute(srcs, a.env.GOOS), Firefox: proxy.FirefoxRoute(srcs, a.env.GOOS), GOOS: a.env.GOOS}
	ps.Credentials, _ = a.proxyCredentials(o) // checked by settleProxyChoice
	if a.env.GOOS == runtime.GOOS {
		ps.Integrated = tunnel.SystemIntegrated() // the login of this machine, not of a replayed one
	}
	if o.CAFile != "" && ps.Browser.Kind != proxy.KindDirect {
		// Only proxies and PAC servers use it; loading the system roots
		// costs tens of milliseconds. The file was checked by newProber.
		ps.TLS = proxyTLS(o.CAFile)
	}
	return ps
}

// proxyTLS trusts the system roots plus the --ca-file roots for https://
// proxies and PAC servers, read as the target's are (diag.ParseChain: PEM
// or DER, as Windows' certificate export writes .cer files); nil, the
// system roots alone, when the file cannot be used. The roots are loaded
// on the first call, once.
func proxyTLS(caFile string) func() *tls.Config {
	data, err := os.ReadFile(caFile)
	if err != nil {
		return nil
	}
	certs, err := diag.ParseChain(data)
	if err != nil {
		return nil
	}
	return sync.OnceValue(func() *tls.Config {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		for _, c := range certs {
			pool.AddCert(c)
		}
		return &tls.Config{RootCAs: pool}
	})
}

// router is the browser route as diag's per-target Route, bounded by
// --timeout.
func (a *app) router(ps proxy.Setup, p *diag.Prober) func(context.Context, diag.Target) diag.Route {
	return ps.Router(p, a.global.Timeout)
}

// proxyPasswordVar holds the password for --proxy-user: never a flag, so
// that it stays out of shell history and process lists.
const proxyPasswordVar = "OKVIZ_CHECK_PROXY_PASSWORD"

// proxyCredentials are the credentials of --proxy-user, with the password
// from OKVIZ_CHECK_PROXY_PASSWORD; nil without --proxy-user. Credentials in
// a proxy URL (--proxy, HTTPS_PROXY, config) are used as they are and win.
func (a *app) proxyCredentials(o *checkOptions) (*tunnel.Credentials, error) {
	if o.ProxyUser == "" {
		return nil, nil
	}
	if strings.ContainsAny(o.ProxyUser, ":\r\n") {
		return nil, usagef("--proxy-user takes no password (its value is not shown) and the user name only (DOMAIN\\user or user@domain); the password goes in %s", proxyPasswordVar)
	}
	pass, ok := a.env.LookupEnv(proxyPasswordVar)
	if ok {
		return &tunnel.Credentials{User: o.ProxyUser, Password: pass, Source: "--proxy-user and " + proxyPasswordVar}, nil
	}
	if a.env.ReadPassword != nil {
		if a.prompted == nil {
			// Asked once per run, on the terminal only, without echo.
			p, err := a.env.ReadPassword(fmt.Sprintf("Proxy password for %s: ", o.ProxyUser))
			if err != nil {
				return nil, usagef("--proxy-user %s: the password could not be read from the terminal: %v", o.ProxyUser, err)
			}
			a.prompted = &tunnel.Credentials{User: o.ProxyUser, Password: p, Source: "--proxy-user (password typed at the prompt)"}
		}
		return a.prompted, nil
	}
	return nil, usagef("--proxy-user %s needs its password in the environment variable %s, or typed at the prompt when run on a terminal (set it without echo, e.g. read -rs %s; export %s)", o.ProxyUser, proxyPasswordVar, proxyPasswordVar, proxyPasswordVar)
}

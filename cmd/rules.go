package cmd

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/report"
	"github.com/okviz/okviz-check/rules"
)

// rulesOptions are the flags of the rules command.
type rulesOptions struct {
	Format     string
	List       bool
	Resolve    bool
	Revocation bool

	// The outside world, injectable for tests; nil means the real thing.
	lookup     rules.LookupFunc
	fetchChain func(ctx context.Context, t diag.Target, timeout time.Duration) ([]*x509.Certificate, error)
}

// rulesFormat is the --format value of the rules command: any rules format
// name, checked when set so a bad value from the environment or the config
// file is a usage error naming its source.
type rulesFormat struct{ val *string }

func (f rulesFormat) String() string { return *f.val }
func (f rulesFormat) Type() string   { return "name" }
func (f rulesFormat) Set(s string) error {
	if _, ok := rules.Lookup(s); !ok {
		return rules.UnknownFormatError{Name: s}
	}
	*f.val = s
	return nil
}

func newRulesCmd(a *app) *cobra.Command {
	o := &rulesOptions{Format: "text"}
	c := &cobra.Command{
		Use: "rules [TARGET...]",
		Example: `  okviz-check rules                            # what to allow and why, in words
  okviz-check rules --list                     # every format
  okviz-check rules -o paloalto api.okviz.com files.okviz.com:8443
  okviz-check rules -o iptables --resolve > okviz-check.v4.rules
  okviz-check rules -o csv --revocation > rules.csv`,
		Short: "Whitelist rules for a firewall or proxy (no network unless --resolve or --revocation)",
		Long: `rules prints the rules that allow the targets through a firewall or proxy,
in the syntax of the platform named by --format ('--list' shows them all),
with the TLS-inspection exemption where the platform has one.

Nothing is sent on the network unless asked: --resolve looks the names up
now (for platforms without FQDN objects; CDN addresses change), and
--revocation connects to each target to read the certificate chain it serves
and adds its OCSP/CRL/AIA hosts (plain HTTP), which Windows programs that
check revocation need.`,
		RunE: func(c *cobra.Command, args []string) error {
			return a.runRules(c.Context(), o, args)
		},
	}
	fs := c.Flags()
	// A local --format (and -o) shadows the global one for this command.
	fs.VarP(rulesFormat{&o.Format}, "format", "o", "rules format (see --list)")
	fs.BoolVar(&o.List, "list", false, "list the formats, one line each")
	fs.BoolVar(&o.Resolve, "resolve", false, "add the addresses the names resolve to now")
	fs.BoolVar(&o.Revocation, "revocation", false, "add the OCSP/CRL/AIA hosts of the chain each target serves (connects to it)")
	return c
}

// runRules renders the rules for the targets.
func (a *app) runRules(ctx context.Context, o *rulesOptions, args []string) error {
	ctx = ctxOrBackground(ctx)
	if o.List {
		if len(args) > 0 {
			return usagef("--list takes no targets")
		}
		return rules.WriteList(a.env.Stdout)
	}
	targets, err := a.parseTargets(args)
	if err != nil {
		return err
	}
	set := rules.Set{Version: a.build.Version, Date: a.env.Now()}
	for _, t := range targets {
		set.Rules = append(set.Rules, rules.TargetRule(t))
	}
	if o.Revocation {
		rev, err := a.revocationRules(ctx, o, targets)
		if err != nil {
			return err
		}
		set.Rules = append(set.Rules, rev...)
	}
	set.Rules = rules.Dedup(set.Rules)
	if o.Resolve {
		lookup := o.lookup
		if lookup == nil {
			lookup = systemLookup(a.global.Timeout)
		}
		if err := rules.Resolve(ctx, &set, lookup); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return findingf("--resolve: %v (check the name, or leave out --resolve to write name rules)", err)
		}
		fmt.Fprintln(a.env.Stderr, "warning: addresses as resolved now; CDN and cloud addresses change, so prefer FQDN rules and re-run to refresh")
	}
	var b strings.Builder
	res, err := rules.Render(&b, o.Format, set)
	if err != nil {
		var ufe rules.UnknownFormatError
		if errors.As(err, &ufe) {
			return usageError{err}
		}
		return err
	}
	// Provenance of a format without comments (CSV), and why a file has
	// nothing to apply (iptables, nftables without addresses): stderr,
	// so stdout stays the file. Nothing to apply is exit 0: the file is
	// valid, and no network finding or usage error caused it.
	for _, n := range res.Notes {
		fmt.Fprintln(a.env.Stderr, n)
	}
	_, err = fmt.Fprint(a.env.Stdout, b.String())
	return err
}

// revocationRules fetches each target's served chain and turns its
// revocation URLs into rules. Unusable URLs are warnings; a target whose
// chain cannot be fetched is an error (the user asked for its hosts).
func (a *app) revocationRules(ctx context.Context, o *rulesOptions, targets []diag.Target) ([]rules.Rule, error) {
	fetch := o.fetchChain
	if fetch == nil {
		var err error
		if fetch, err = a.routedChain(ctx); err != nil {
			return nil, err
		}
	}
	var out []rules.Rule
	for _, t := range targets {
		chain, err := fetch(ctx, t, a.global.Timeout)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, findingf("--revocation: cannot read the certificate chain of %s: %s (it needs a TLS connection to the target, direct or through the proxy browsers use)", t.HostPort(), plainNetError(err, a.global.Timeout))
		}
		urls := diag.RevocationURLs(chain)
		if len(urls) == 0 {
			fmt.Fprintf(a.env.Stderr, "warning: the chain served by %s names no OCSP, CRL or AIA URL\n", t.HostPort())
		}
		rs, errs := rules.RevocationRules(urls)
		for _, e := range errs {
			fmt.Fprintf(a.env.Stderr, "warning: %s: %s\n", t.HostPort(), report.Sanitize(e.Error()))
		}
		out = append(out, rs...)
	}
	return out, nil
}

// routedChain returns a chain reader that handshakes with each target along
// the route a browser on this machine takes (direct, or through the proxy or
// PAC file it uses): behind a mandatory proxy a direct dial would fail. It
// reads the chain without trusting it: the URLs in it are all it needs.
func (a *app) routedChain(ctx context.Context) (func(context.Context, diag.Target, time.Duration) ([]*x509.Certificate, error), error) {
	o := &checkOptions{}
	p, err := a.newProber(o)
	if err != nil {
		return nil, err
	}
	p.Route = a.router(a.discoverProxies(ctx, o, p), p)
	return func(ctx context.Context, t diag.Target, _ time.Duration) ([]*x509.Certificate, error) {
		res, chain := p.ProbeChain(ctx, t, diag.Stages{diag.StageDNS, diag.StageTCP, diag.StageTLS})
		if len(chain) == 0 {
			return nil, errors.New(res.Verdict.Summary)
		}
		return chain, nil
	}, nil
}

// systemLookup resolves with the system resolver, each lookup bounded by
// timeout.
func systemLookup(timeout time.Duration) rules.LookupFunc {
	return func(ctx context.Context, host string) ([]netip.Addr, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, errors.New(plainNetError(err, timeout))
		}
		return addrs, nil
	}
}

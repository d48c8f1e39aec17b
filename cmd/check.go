package cmd

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/proxy"
	"github.com/okviz/okviz-check/proxy/discover"
	"github.com/okviz/okviz-check/report"
)

// defaultCompare is one public resolver over UDP and one over DoH (by
// address, so the comparison needs no DNS of its own).
const defaultCompare = "9.9.9.9,https://1.1.1.1/dns-query"

// checkOptions are the flags of the probing commands.
type checkOptions struct {
	Proxy       string
	ProxyUser   string
	NoProxy     bool
	PAC         string
	DNSServers  []string
	DNSCompare  []string
	CAFile      string
	PublicRoots string
	Strict      bool
	Client      string // --client: browser, desktop, cli or all
	ExportChain string // tls only
}

func addProbeFlags(fs *pflag.FlagSet, o *checkOptions) {
	fs.Var(checkedString{&o.Proxy, checkProxyURL}, "proxy", "force this proxy (http, https, socks5 URL)")
	fs.StringVar(&o.ProxyUser, "proxy-user", "", "answer the proxy's Basic, Digest or NTLM challenge as USER (DOMAIN\\user or user@domain for NTLM); the password comes from "+proxyPasswordVar)
	fs.BoolVar(&o.NoProxy, "no-proxy", false, "force a direct connection, ignoring every proxy setting")
	fs.StringVar(&o.PAC, "pac", "", "force this PAC file (path or http(s) URL)")
	fs.Var(&listValue{val: &o.DNSServers, check: checkResolver}, "dns-server", "also query this resolver directly (IP, repeatable)")
	o.DNSCompare = splitList(defaultCompare)
	fs.Var(&listValue{val: &o.DNSCompare, check: checkCompare}, "dns-compare", "comparison resolvers: IPs or https:// DoH URLs, comma-separated; none disables")
	fs.StringVar(&o.CAFile, "ca-file", "", "extra trusted roots (PEM), as a browser with an enterprise CA would have")
	fs.StringVar(&o.PublicRoots, "public-roots", "", "the public roots (PEM) for interception detection (default: the embedded Mozilla set)")
	fs.BoolVar(&o.Strict, "strict", false, "warnings fail the run (exit 1)")
	fs.Var(newEnum(&o.Client, proxy.ClientBrowser, proxy.ClientNames...), "client", "whose route to test: browser (Edge/Chrome, Firefox with its own proxy), desktop (Power BI Desktop's WebView2), cli (the environment) or all")
}

// probeCommand describes one probing subcommand.
type probeCommand struct {
	name, short string
	stages      diag.Stages
	example     string
}

var probeCommands = map[string]probeCommand{
	"check": {"check", "Full diagnosis: proxy, DNS, TCP, TLS, HTTP and clock (the default command)", diag.Full(),
		`  okviz-check                                  # https://api.okviz.com/, the default target
  okviz-check check api.okviz.com files.okviz.com:8443
  okviz-check check --proxy http://proxy.corp.example:8080 -o json > report.json
  okviz-check check --pac https://wpad.corp.example/proxy.pac -v`},
	"dns": {"dns", "DNS only: the system resolver, each configured resolver, the comparison resolvers", diag.Stages{diag.StageDNSViews},
		`  okviz-check dns
  okviz-check dns api.okviz.com --dns-server 10.0.0.53 --dns-compare 9.9.9.9`},
	"tls": {"tls", "TLS only: handshake, chain, trust, interception", diag.Stages{diag.StageDNS, diag.StageTCP, diag.StageTLS},
		`  okviz-check tls
  okviz-check tls api.okviz.com --export-chain chain.pem   # the chain as served, for the security team
  okviz-check tls --ca-file corp-root.pem`},
	"reach": {"reach", "TCP to every address, then HTTPS through the effective route", diag.Stages{diag.StageDNS, diag.StageTCP, diag.StageTLS, diag.StageHTTP, diag.StageClock},
		`  okviz-check reach
  okviz-check reach https://api.okviz.com/ --no-proxy`},
	"proxy": {"proxy", "Proxy discovery: every source, the browser's route, and a live CONNECT test of it", diag.Stages{diag.StageDNS, diag.StageTCP},
		`  okviz-check proxy                            # where the browser and CLI tools send api.okviz.com
  okviz-check proxy https://api.okviz.com/ -v  # every source, in full
  okviz-check proxy --pac proxy.pac -o markdown`},
}

func newProbeCmd(a *app, name, use string) *cobra.Command {
	pc := probeCommands[name]
	o := &checkOptions{}
	c := &cobra.Command{
		Use:     name + " " + use,
		Short:   pc.short,
		Example: pc.example,
		RunE: func(c *cobra.Command, args []string) error {
			return a.runProbe(c.Context(), name, o, args)
		},
	}
	addProbeFlags(c.Flags(), o)
	if name == "tls" {
		c.Flags().StringVar(&o.ExportChain, "export-chain", "", "write the served certificate chain to this file as PEM")
	}
	return c
}

func newCheckCmd(a *app) *cobra.Command { return newProbeCmd(a, "check", "[TARGET...]") }
func newDNSCmd(a *app) *cobra.Command   { return newProbeCmd(a, "dns", "[HOST...]") }
func newTLSCmd(a *app) *cobra.Command   { return newProbeCmd(a, "tls", "[TARGET...]") }
func newReachCmd(a *app) *cobra.Command { return newProbeCmd(a, "reach", "[TARGET...]") }
func newProxyCmd(a *app) *cobra.Command { return newProbeCmd(a, "proxy", "[URL...]") }

// parseTargets reads the targets from the arguments, else the config, else
// the default. A bad target is a usage error naming where it came from.
func (a *app) parseTargets(args []string) ([]diag.Target, error) {
	from := "argument"
	if len(args) == 0 {
		var err error
		if args, from, err = a.defaultTargets(); err != nil {
			return nil, err
		}
	}
	a.targets, a.targetsFrom = args, from
	seen := map[string]bool{}
	var out []diag.Target
	for _, s := range args {
		t, err := parseTarget(s)
		if err != nil {
			return nil, usagef("%s: %v", from, err)
		}
		if !seen[t.URL] {
			seen[t.URL] = true
			out = append(out, t)
		}
	}
	return out, nil
}

// runProbe runs a probing command and prints the report.
func (a *app) runProbe(ctx context.Context, name string, o *checkOptions, args []string) error {
	ctx = ctxOrBackground(ctx)
	targets, err := a.parseTargets(args)
	if err != nil {
		return err
	}
	rep, err := a.probeReport(ctx, name, o, targets)
	if err != nil {
		return err
	}
	return a.printReport(rep, name, o.Strict)
}

// errInterrupted ends a run whose partial report was written: Main turns it
// into exit status 130 (the run's context is done).
var errInterrupted = errors.New("interrupted")

// probeReport runs the stages of a probing command against the targets
// and builds the report, without printing it. When ctx ends first (Ctrl-C,
// SIGTERM, the whole run's deadline) the report holds what finished, with
// Interrupted set and the checks cut short marked unfinished.
func (a *app) probeReport(ctx context.Context, name string, o *checkOptions, targets []diag.Target) (*report.Report, error) {
	if err := a.settleProxyChoice(o); err != nil {
		return nil, err
	}
	if name != "dns" {
		// Parsing the OS trust store takes tens of milliseconds: start it
		// now so it overlaps DNS and TCP (the result is cached for the
		// TLS step's verifier).
		go x509.SystemCertPool()
	}
	p, err := a.newProber(o)
	if err != nil {
		return nil, err
	}
	host := a.readHost(ctx)
	prog := a.startProgress()
	p.Observe = prog.observe
	defer prog.stop() // before the report is printed
	ps := a.discoverProxies(ctx, o, p)
	if a.collect != nil {
		ps.PACMemo = a.collect.memo
		a.collect.setup, a.collect.search = ps, p.SearchDomains
	}
	p.Route = a.router(ps, p)
	started := a.env.Now()
	st := probeCommands[name].stages
	var results []diag.TargetResult
	switch {
	case o.ExportChain != "":
		results, err = a.probeAndExport(ctx, p, targets, st, o.ExportChain)
		if err != nil {
			return nil, err
		}
	case a.collect != nil:
		results, a.collect.chains = probeChains(ctx, p, targets, st)
	default:
		results = p.Run(ctx, targets, st)
		if name != "dns" {
			results = a.probeClients(ctx, p, ps, targets, st, o.Client, results)
		}
	}
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "okviz-check", Version: a.build.Version, Commit: a.build.Commit},
		StartedAt:     started.UTC(),
		DurationMS:    a.env.Now().Sub(started).Milliseconds(),
		System:        report.System{OS: a.env.GOOS, Arch: a.env.GOARCH},
		Proxy:         report.ProxyInfo{Sources: sourcesAny(ps.Sources)},
		Targets:       results,
		Interrupted:   diag.Ended(ctx),
		Context:       a.runContext(host(), ps.Sources),
	}
	rep.Status = report.Overall(results)
	return rep, nil
}

// printReport renders the report in the chosen format; a failed target, or
// a warning under --strict, makes the run exit 1.
func (a *app) printReport(rep *report.Report, name string, strict bool) error {
	opts := report.Options{Color: a.useColor() && a.global.Output == "", Quiet: a.global.Quiet, Verbose: a.global.Verbose, Strict: strict, Sources: name == "proxy"}
	if a.global.Save != "" {
		var buf bytes.Buffer
		if err := report.Render(&buf, rep, report.FormatJSON, opts); err != nil {
			return err
		}
		if err := writeFileAtomic("--save", a.global.Save, buf.Bytes()); err != nil {
			return err
		}
	}
	if err := a.emit(func(w io.Writer) error { return report.Render(w, rep, a.global.Format, opts) }); err != nil {
		return err
	}
	if rep.Interrupted {
		return errInterrupted
	}
	if rep.Status == diag.StatusFail || strict && rep.Status == diag.StatusWarn {
		return errUnreachable
	}
	return nil
}

// probeAndExport probes targets one at a time so each served chain can be
// written, in order, to the --export-chain file.
func (a *app) probeAndExport(ctx context.Context, p *diag.Prober, targets []diag.Target, st diag.Stages, path string) ([]diag.TargetResult, error) {
	results, chains := probeChains(ctx, p, targets, st)
	var chain []*x509.Certificate
	for _, c := range chains {
		chain = append(chain, c...)
	}
	if len(chain) == 0 {
		fmt.Fprintf(a.env.Stderr, "warning: no certificate chain was served; %s not written\n", path)
		return results, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, usagef("--export-chain: %v", err)
	}
	if err := diag.WriteChainPEM(f, chain); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	fmt.Fprintf(a.env.Stderr, "wrote %d certificate(s) to %s\n", len(chain), path)
	return results, nil
}

// probeChains probes targets one at a time, keeping the chain each served
// (nil where no handshake got that far).
func probeChains(ctx context.Context, p *diag.Prober, targets []diag.Target, st diag.Stages) ([]diag.TargetResult, [][]*x509.Certificate) {
	results := make([]diag.TargetResult, len(targets))
	chains := make([][]*x509.Certificate, len(targets))
	for i, t := range targets {
		results[i], chains[i] = p.ProbeChain(ctx, t, st)
	}
	return results, chains
}

// useColor asks report, which decides colour, with --color, this
// process's environment and whether stdout is a terminal.
func (a *app) useColor() bool {
	return report.UseColor(a.global.Color, a.env.StdoutTTY, a.env.Getenv)
}

// settleProxyChoice resolves --no-proxy against --proxy/--pac: the one from
// the higher layer (flags > environment > config file) wins, as for every
// setting; both in the same layer contradict each other.
func (a *app) settleProxyChoice(o *checkOptions) error {
	if _, err := a.proxyCredentials(o); err != nil {
		return err
	}
	if !o.NoProxy || o.Proxy == "" && o.PAC == "" {
		return nil
	}
	cfg := a.global.cfg
	rank := func(flag string) int {
		switch from := cfg.origin(flag); {
		case strings.HasPrefix(from, "--"):
			return 3
		case strings.HasPrefix(from, "environment"):
			return 2
		}
		return 1
	}
	for _, other := range []struct {
		flag string
		val  *string
	}{{"proxy", &o.Proxy}, {"pac", &o.PAC}} {
		if *other.val == "" {
			continue
		}
		switch r, n := rank(other.flag), rank("no-proxy"); {
		case r == n:
			return usagef("%s (no proxy) cannot be combined with %s", cfg.origin("no-proxy"), cfg.origin(other.flag))
		case r < n:
			*other.val = ""
		default:
			o.NoProxy = false
		}
	}
	return nil
}

// sourcesAny converts the proxy sources for the report's "proxy.sources".
func sourcesAny(srcs []discover.Source) []any {
	out := make([]any, len(srcs))
	for i, s := range srcs {
		out[i] = s
	}
	return out
}

// newProber builds the prober from the options: timeout, resolvers, roots.
func (a *app) newProber(o *checkOptions) (*diag.Prober, error) {
	p := diag.NewProber(a.global.Timeout)
	p.Now = a.env.Now
	p.UserAgent = "okviz-check/" + a.build.Version
	if a.global.Verbose {
		p.Logf = func(format string, args ...any) {
			fmt.Fprintf(a.env.Stderr, "%s "+format+"\n", append([]any{a.env.Now().Format("15:04:05.000")}, args...)...)
		}
	}
	ns, err := diag.SystemNameservers()
	if err != nil && a.global.Verbose {
		fmt.Fprintf(a.env.Stderr, "warning: cannot read the configured DNS resolvers: %v\n", err)
	}
	p.Nameservers = ns
	p.NRPT, _ = diag.SystemNRPT()                   // names under an NRPT namespace go to its DirectAccess/VPN resolvers
	p.SearchDomains, _ = diag.SystemSearchDomains() // names under them are the local DNS's own: never sinkholed
	p.ExtraNameservers = o.DNSServers
	if !(len(o.DNSCompare) == 1 && o.DNSCompare[0] == "none") {
		p.Compare = o.DNSCompare // the flag's check allows "none" only on its own
	}
	if o.CAFile != "" {
		pool, err := diag.LoadCertPool(o.CAFile)
		if err != nil {
			return nil, usagef("--ca-file: %v", err)
		}
		p.ExtraRoots = pool
	}
	if o.PublicRoots != "" {
		pool, err := diag.LoadCertPool(o.PublicRoots)
		if err != nil {
			return nil, usagef("--public-roots: %v", err)
		}
		p.PublicRoots = pool
	} else {
		pool, err := diag.PublicRoots()
		if err != nil {
			return nil, fmt.Errorf("embedded public roots: %w", err)
		}
		p.PublicRoots = pool
	}
	return p, nil
}

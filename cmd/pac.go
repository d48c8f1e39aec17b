package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/proxy/pac"
	"github.com/okviz/okviz-check/report"
)

// pacOptions are the flags of the pac command.
type pacOptions struct {
	MyIP []string

	// The outside world, injectable for tests; nil means the real thing.
	resolve func(ctx context.Context, host string) ([]net.IP, error)
	dial    func(ctx context.Context, network, addr string) (net.Conn, error)
}

func newPacCmd(a *app) *cobra.Command {
	o := &pacOptions{}
	c := &cobra.Command{
		Use: "pac SOURCE [URL...]",
		Example: `  okviz-check pac https://wpad.corp.example/proxy.pac
  okviz-check pac C:\Users\me\proxy.pac https://api.okviz.com/ --my-ip 10.1.2.3
  okviz-check pac proxy.pac -o json`,
		Short: "Evaluate a PAC file (path or URL) for URLs, like pactester",
		Long: `pac fetches a proxy auto-config file (a path, a file:// URL or an http(s)://
URL, fetched directly as browsers do) and prints what FindProxyForURL returns
for each URL, evaluated with Chromium's rules: https:// URLs reach the script
as scheme://host/ without path or query. The URLs default to the targets
(https://api.okviz.com/ or the config file's targets).

myIpAddress() returns the --my-ip address, else this machine's address found
as Chromium finds it. DNS lookups of the script's helpers are bounded by
--timeout each; a script still running after three times --timeout is
stopped as a runaway.

Output: one line per URL, "URL  RESULT", where URL is the URL as the script
received it and RESULT exactly the string it returned. With --format json:
{"schema_version":1,"source":"...","results":[{"url":"...","host":"...",
"result":"PROXY a:8080; DIRECT","proxies":["http://a:8080","direct"]}]};
proxies lists the result's entries in failover order as proxy URLs
(http://, https://, socks4://, socks5://) or "direct". A URL whose
evaluation failed has an "error" instead of a result.

Exit status: 0 when every URL was evaluated, 2 for bad input (a PAC file that
cannot be read or does not work, a bad URL), 3 otherwise. alert() messages go
to stderr.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return a.runPac(c.Context(), o, args[0], args[1:])
		},
	}
	c.Flags().Var(&listValue{val: &o.MyIP, check: checkIP}, "my-ip", "what myIpAddress() returns (repeatable: myIpAddressEx() returns them all)")
	return c
}

func checkIP(s string) error {
	if net.ParseIP(s) == nil {
		return fmt.Errorf("%q is not an IP address", s)
	}
	return nil
}

// pacJSON is the --format json output of the pac command.
type pacJSON struct {
	SchemaVersion int             `json:"schema_version"`
	Source        string          `json:"source"`
	Results       []pacJSONResult `json:"results"`
}

type pacJSONResult struct {
	URL     string   `json:"url"`
	Host    string   `json:"host"`
	Result  string   `json:"result"`
	Proxies []string `json:"proxies"`
	Error   string   `json:"error,omitempty"`
}

// runPac evaluates the PAC file at source for each URL.
func (a *app) runPac(ctx context.Context, o *pacOptions, source string, urls []string) error {
	ctx = ctxOrBackground(ctx)
	switch a.global.Format {
	case "text", "json":
	default:
		return usagef("%s: pac prints text or json, not %s", a.global.cfg.origin("format"), a.global.Format)
	}
	targets, err := a.pacURLs(urls)
	if err != nil {
		return err
	}
	fetcher := pac.PACFetcher{Dial: o.dial, Timeout: a.global.Timeout, UserAgent: "okviz-check/" + a.build.Version}
	body, err := fetcher.Fetch(ctx, source)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return pacFetchError(err, a.global.Timeout)
	}
	script, err := pac.ParsePAC(body)
	if err != nil {
		return inputError{err}
	}
	env := pac.EvalEnv{
		Resolve:    o.resolve,
		Now:        a.env.Now,
		Timeout:    3 * a.global.Timeout,
		DNSTimeout: a.global.Timeout,
		MyIP:       a.pacMyIP(ctx, o),
	}
	out := pacJSON{SchemaVersion: 1, Source: redact.URL(source), Results: []pacJSONResult{}}
	var failed error
	for _, u := range targets {
		ev, err := script.FindProxy(ctx, u, env)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.pacLog(ev)
		r := pacJSONResult{URL: ev.URL, Host: ev.Host, Result: ev.Result, Proxies: []string{}}
		if r.URL == "" {
			r.URL = u
		}
		for _, p := range ev.Proxies {
			r.Proxies = append(r.Proxies, p.URL())
		}
		if err != nil {
			r.Error = err.Error()
			if failed == nil {
				failed = err
			}
		}
		out.Results = append(out.Results, r)
	}
	if err := a.writePac(out); err != nil {
		return err
	}
	if failed != nil {
		var pe *pac.PACError
		var ue *pac.URLError
		if errors.As(failed, &pe) || errors.As(failed, &ue) {
			return inputError{failed}
		}
		return failed
	}
	return nil
}

// pacURLs are the URLs to evaluate: the arguments, else the targets. An
// argument without a scheme is a target (host, host:port), as elsewhere.
func (a *app) pacURLs(args []string) ([]string, error) {
	if len(args) == 0 {
		targets, err := a.parseTargets(nil)
		if err != nil {
			return nil, err
		}
		out := make([]string, len(targets))
		for i, t := range targets {
			out[i] = t.URL
		}
		return out, nil
	}
	out := make([]string, 0, len(args))
	for _, s := range args {
		if !strings.Contains(s, "://") {
			t, err := diag.ParseTarget(s)
			if err != nil {
				return nil, usagef("argument: %v", err)
			}
			s = t.URL
		}
		if _, _, err := pac.SanitizeURL(s); err != nil {
			return nil, usagef("argument: %v", err)
		}
		out = append(out, s)
	}
	return out, nil
}

// pacMyIP is what myIpAddress() sees: --my-ip, else this machine's
// addresses found the way Chromium finds them (a UDP "connect" only asks
// the routing table; nothing is sent).
func (a *app) pacMyIP(ctx context.Context, o *pacOptions) []net.IP {
	if len(o.MyIP) > 0 {
		ips := make([]net.IP, len(o.MyIP))
		for i, s := range o.MyIP {
			ips[i] = net.ParseIP(s)
		}
		return ips
	}
	dial := o.dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	ctx, cancel := context.WithTimeout(ctx, a.global.Timeout)
	defer cancel()
	hostAddrs := func(ctx context.Context) ([]net.IP, error) {
		name, err := os.Hostname()
		if err != nil {
			return nil, err
		}
		if o.resolve != nil {
			return o.resolve(ctx, name)
		}
		return net.DefaultResolver.LookupIP(ctx, "ip", name)
	}
	return pac.MyIPAddresses(ctx, dial, hostAddrs)
}

// pacLog writes what the script said (alert) and, with --verbose, the DNS
// lookups it made, to stderr. Script text is sanitised for the terminal.
func (a *app) pacLog(ev pac.Evaluation) {
	if !a.global.Quiet {
		for _, m := range ev.Alerts {
			fmt.Fprintf(a.env.Stderr, "alert (%s): %s\n", report.Sanitize(ev.URL), report.Sanitize(m))
		}
		if ev.AlertsDropped > 0 {
			fmt.Fprintf(a.env.Stderr, "alert (%s): %d more messages not shown\n", report.Sanitize(ev.URL), ev.AlertsDropped)
		}
	}
	if a.global.Verbose {
		for _, l := range ev.Lookups {
			res := strings.Join(l.Addresses, ", ")
			if l.Err != nil {
				res = "failed: " + l.Err.Error()
			}
			fmt.Fprintf(a.env.Stderr, "dns (%s): %s -> %s (%s)\n", report.Sanitize(ev.URL), l.Host, report.Sanitize(res), l.Duration.Round(time.Millisecond))
		}
	}
}

// writePac prints the results as text or JSON.
func (a *app) writePac(out pacJSON) error {
	if a.global.Format == "json" {
		enc := json.NewEncoder(a.env.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	var b strings.Builder
	for _, r := range out.Results {
		if r.Error != "" {
			fmt.Fprintf(&b, "%s  error: %s\n", report.Sanitize(r.URL), report.Sanitize(r.Error))
			continue
		}
		fmt.Fprintf(&b, "%s  %s\n", report.Sanitize(r.URL), report.Sanitize(r.Result))
	}
	_, err := fmt.Fprint(a.env.Stdout, b.String())
	return err
}

// pacFetchError decides the exit status of a failed fetch by the rule of
// every command: a local source that is wrong or unreadable (a bad URL, a
// missing file, a folder, a file too large) is bad input, exit 2; a PAC URL
// that cannot be fetched (unreachable, no answer in time, not 200, cut
// short) is a network finding, exit 1. The message says what was wrong
// in plain words, not the Go error it came from.
func pacFetchError(err error, timeout time.Duration) error {
	var fe *pac.FetchError
	if !errors.As(err, &fe) {
		return usageError{err}
	}
	src := redact.URL(fe.Source)
	if !isPACURL(fe.Source) {
		switch fe.Kind {
		case pac.FetchNotFound:
			return inputf("PAC file %s: no such file (check the path; a URL must start with http:// or https://)", src)
		case pac.FetchRead:
			if st, serr := os.Stat(strings.TrimPrefix(fe.Source, "file://")); serr == nil && st.IsDir() {
				return inputf("PAC file %s: is a folder, not a file (name the .pac file in it)", src)
			}
			return inputf("PAC file %s: cannot be read: %s", src, lastPart(err))
		}
		return inputError{err}
	}
	switch fe.Kind {
	case pac.FetchNetwork:
		return findingf("PAC URL %s: cannot be fetched: %s (browsers fetch it directly, never through a proxy)", src, plainNetError(fe.Err, timeout))
	case pac.FetchTimeout:
		return findingf("PAC URL %s: no complete answer within %s (--timeout)", src, timeout)
	case pac.FetchStatus, pac.FetchRead, pac.FetchTooLarge:
		return findingError{err}
	}
	return usageError{err}
}

// isPACURL reports whether a PAC source is fetched over the network.
func isPACURL(source string) bool {
	l := strings.ToLower(source)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

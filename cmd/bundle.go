package cmd

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/anonymize"
	"github.com/okviz/okviz-check/internal/redact"
	"github.com/okviz/okviz-check/proxy"
	"github.com/okviz/okviz-check/proxy/discover"
	"github.com/okviz/okviz-check/proxy/pac"
	"github.com/okviz/okviz-check/report"
)

// runCollector keeps what a bundle needs beyond the report: the proxy
// picture as read, the PAC files as fetched and the chains as served.
type runCollector struct {
	setup  proxy.Setup
	memo   *pac.FetchMemo
	search []string              // the DNS search domains
	chains [][]*x509.Certificate // per target, in order
}

func newBundleCmd(a *app) *cobra.Command {
	o := &checkOptions{}
	var anon bool
	c := &cobra.Command{
		Use:   "bundle [TARGET...]",
		Short: "One zip for a support ticket: the full check's report with the proxy settings, PAC file, certificate chains and DNS configuration",
		Long: `Runs the full check, prints its report as check does, and writes one zip to
send to support (--output FILE.zip, else okviz-bundle-DATE-TIME.zip in the
working folder), replaced atomically. The zip holds:

  manifest.json          what each file is, the tool's version, the time
  report.json            the full report (read it back with okviz-check report)
  report.txt, report.md  the same report as text and Markdown, every detail
  proxy-sources.json     every proxy source as read, and the routes taken
  pac/N.pac              each PAC file as fetched and evaluated
  certs/N-HOST-PORT.pem  each target's certificate chain as served
  dns/...                the resolver configuration (resolv.conf, or the
                         Windows adapters' DNS servers and suffixes)

Credentials (proxy passwords, URL user info) never appear in it. With
--anonymize, user names, host names other than the targets and private
addresses are replaced by tokens (user-1, host-2, private-ip-1): the same
value gets the same token in every file. A certificate that names such a
host is then described, not included.`,
		Example: `  okviz-check bundle                               # writes okviz-bundle-20261202-093000.zip here
  okviz-check bundle --anonymize --output ticket-4711.zip
  okviz-check bundle api.okviz.com --pac https://wpad.corp.example/proxy.pac`,
		RunE: func(c *cobra.Command, args []string) error {
			return a.runBundle(c.Context(), o, anon, args)
		},
	}
	addProbeFlags(c.Flags(), o)
	c.Flags().BoolVar(&anon, "anonymize", false, "replace user names, host names (not the targets) and private addresses with tokens (user-1, host-1, private-ip-1), the same in every file")
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		if strings.Contains(err.Error(), "--format") && strings.Contains(strings.ToLower(err.Error()), ".zip") {
			return usagef("%v; -o is --format here as in every command: name the zip with --output FILE.zip", err)
		}
		return usageError{err}
	})
	return c
}

// runBundle probes, writes the zip, then prints the report as check does
// (to stdout: --output names the zip here).
func (a *app) runBundle(ctx context.Context, o *checkOptions, anon bool, args []string) error {
	ctx = ctxOrBackground(ctx)
	targets, err := a.parseTargets(args)
	if err != nil {
		return err
	}
	path := a.global.Output
	if path == "" {
		path = "okviz-bundle-" + a.env.Now().Format("20060102-150405") + ".zip"
	}
	a.collect = &runCollector{memo: &pac.FetchMemo{}}
	rep, err := a.probeReport(ctx, "check", o, targets)
	if err != nil {
		return err
	}
	files, err := a.bundleFiles(rep, o, targets, anon)
	if err != nil {
		return err
	}
	data, err := zipFiles(files, rep.StartedAt)
	if err != nil {
		return err
	}
	if err := writeFileAtomic("--output", path, data); err != nil {
		return err
	}
	a.global.Output = "" // the report goes to stdout
	err = a.printReport(rep, "check", o.Strict)
	how := ""
	if anon {
		how = ", anonymized"
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs // the user must find it: say where, in full
	}
	fmt.Fprintf(a.env.Stderr, "Wrote %s (%d files%s): attach this file to your support ticket.\n", path, len(files), how)
	return err
}

// bundleFile is one file of the zip.
type bundleFile struct {
	name, what string
	data       []byte
	chain      []*x509.Certificate // a certificate file: anonymized by withholding, not by rewriting
}

type manifestFile struct {
	Name  string `json:"name"`
	What  string `json:"what"`
	Bytes int    `json:"bytes,omitempty"` // omitted for the manifest itself
}

type bundleManifest struct {
	Tool        report.Tool    `json:"tool"`
	CreatedAt   time.Time      `json:"created_at"`
	Status      diag.Status    `json:"status"`
	Interrupted bool           `json:"interrupted"` // the run was cut short: the report holds what finished
	Targets     []string       `json:"targets"`
	Anonymized  bool           `json:"anonymized"`
	Tokens      map[string]int `json:"tokens,omitempty"` // how many values of each kind --anonymize replaced
	Files       []manifestFile `json:"files"`
	Notes       []string       `json:"notes,omitempty"`
}

// bundleFiles builds every file of the bundle, anonymized when asked and
// with credentials masked in every text file either way.
func (a *app) bundleFiles(rep *report.Report, o *checkOptions, targets []diag.Target, anon bool) ([]bundleFile, error) {
	col := a.collect
	var files []bundleFile
	var notes []string
	render := func(name, what, format string) error {
		var buf bytes.Buffer
		if err := report.Render(&buf, rep, format, report.Options{Verbose: true, Sources: true}); err != nil {
			return err
		}
		files = append(files, bundleFile{name: name, what: what, data: buf.Bytes()})
		return nil
	}
	if err := render("report.json", "the full report (okviz-check report report.json renders it again)", report.FormatJSON); err != nil {
		return nil, err
	}
	if err := render("report.txt", "the report as text, every detail", report.FormatText); err != nil {
		return nil, err
	}
	if err := render("report.md", "the report as Markdown, every detail", report.FormatMarkdown); err != nil {
		return nil, err
	}
	sources, err := jsonIndent(struct {
		Sources any            `json:"sources"`
		Browser proxy.Decision `json:"browser_route"`
		CLI     proxy.Decision `json:"cli_route"`
	}{append([]any{}, sourcesAny(col.setup.Sources)...), col.setup.Browser, col.setup.CLI})
	if err != nil {
		return nil, err
	}
	files = append(files, bundleFile{name: "proxy-sources.json", what: "every proxy source as read (environment, OS settings, policies, WPAD) and the routes the browser and command-line tools take", data: sources})
	for i, f := range col.memo.Fetched() {
		if f.Err != nil {
			notes = append(notes, fmt.Sprintf("PAC file %s could not be fetched: %v", redact.URL(f.Source), f.Err))
			continue
		}
		files = append(files, bundleFile{name: fmt.Sprintf("pac/%d.pac", i+1), what: "the PAC file as fetched from " + redact.URL(f.Source) + " and evaluated", data: f.Body})
	}
	for i, chain := range col.chains {
		if len(chain) == 0 {
			continue
		}
		t := targets[i]
		var buf bytes.Buffer
		if err := diag.WriteChainPEM(&buf, chain); err != nil {
			return nil, err
		}
		files = append(files, bundleFile{name: fmt.Sprintf("certs/%d-%s-%d.pem", i+1, fileSafe(t.Host), t.Port), what: "the certificate chain " + t.Host + " served (PEM, leaf first)", data: buf.Bytes(), chain: chain})
	}
	dns, err := diag.ResolverConfig()
	if err != nil {
		notes = append(notes, "the resolver configuration could not be read: "+err.Error())
	}
	for _, f := range dns {
		files = append(files, bundleFile{name: "dns/" + f.Name, what: "the resolver configuration as read from " + f.From, data: f.Data})
	}

	var an *anonymize.Anonymizer
	if anon {
		an = a.anonymizer(rep, o, targets)
		for _, f := range files {
			if f.chain == nil {
				an.Learn(string(f.data))
			}
		}
		for _, n := range notes {
			an.Learn(n)
		}
		for i, f := range files {
			if f.chain != nil {
				files[i].data, files[i].what = anonymizeChain(an, f.chain), f.what+"; with --anonymize, a certificate naming a local host or address is described instead"
				continue
			}
			files[i].data = []byte(an.Text(string(f.data)))
			files[i].what = an.Text(f.what)
		}
		for i := range notes {
			notes[i] = an.Text(notes[i])
		}
	}
	// The last line of defence: whatever a source slipped through, no URL
	// credential leaves in a bundle. PEM is base64 and holds none.
	for i, f := range files {
		if f.chain == nil || anon {
			files[i].data = []byte(redact.Text(string(f.data)))
		}
	}

	m := bundleManifest{Tool: rep.Tool, CreatedAt: a.env.Now().UTC().Truncate(time.Second), Status: report.Overall(rep.Targets), Interrupted: rep.Interrupted, Anonymized: anon, Notes: notes}
	for _, t := range targets {
		m.Targets = append(m.Targets, t.URL)
	}
	if an != nil {
		m.Tokens = an.Tokens()
	}
	m.Files = append(m.Files, manifestFile{Name: "manifest.json", What: "this list"})
	for _, f := range files {
		m.Files = append(m.Files, manifestFile{Name: f.name, What: redact.Text(f.what), Bytes: len(f.data)})
	}
	mb, err := jsonIndent(m)
	if err != nil {
		return nil, err
	}
	return append([]bundleFile{{name: "manifest.json", data: mb}}, files...), nil
}

// anonymizer registers what identifies this machine, its user and its
// network: the account and machine names, every proxy, PAC and bypass host
// the sources named, the DNS search domains, the users proxy
// authentication answered as. The targets are kept.
func (a *app) anonymizer(rep *report.Report, o *checkOptions, targets []diag.Target) *anonymize.Anonymizer {
	var keep []string
	for _, t := range targets {
		keep = append(keep, t.Host)
	}
	an := anonymize.New(keep...)
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		an.User(a.env.Getenv(k))
	}
	for _, k := range []string{"HOME", "USERPROFILE"} {
		if h := a.env.Getenv(k); h != "" {
			an.User(filepath.Base(filepath.Clean(h)))
		}
	}
	an.User(o.ProxyUser)
	// The OS account and machine name: no Env field holds them, and only
	// a bundle asks.
	if u, err := user.Current(); err == nil {
		an.User(u.Username)
		an.User(filepath.Base(u.HomeDir))
	}
	if h, err := os.Hostname(); err == nil {
		an.Host(h)
	}
	for _, k := range []string{"COMPUTERNAME", "HOSTNAME", "USERDOMAIN"} {
		an.Host(a.env.Getenv(k))
	}
	an.Domain(a.env.Getenv("USERDNSDOMAIN"))
	for _, d := range a.collect.search {
		an.Domain(d)
	}
	registerSources(an, a.collect.setup.Sources)
	for _, t := range rep.Targets {
		for _, c := range t.Checks {
			if d, ok := c.Details.(*diag.TunnelDetails); ok {
				for _, h := range d.Hops {
					an.Host(h.Proxy)
					if h.Auth != nil {
						an.User(h.Auth.User)
					}
				}
			}
		}
	}
	return an
}

// otherUser finds the other logged-on user a windows-user summary names
// ("…, who runs okviz-check; CONTOSO\jdoe is at the console, …").
var otherUser = regexp.MustCompile(`; ([^\s;,]+\\[^\s;,]+) is `)

// registerSources registers every proxy, PAC, WPAD and bypass host the
// proxy sources name, and the accounts whose settings were read.
func registerSources(an *anonymize.Anonymizer, sources []discover.Source) {
	for _, s := range sources {
		st := s.Settings()
		for _, l := range [][]string{st.Rules.All, st.Rules.HTTP, st.Rules.HTTPS, st.Rules.FTP, st.Rules.Fallback, st.Candidates, {st.PACURL}} {
			for _, h := range l {
				an.Host(h)
			}
		}
		for _, l := range s.Proxies {
			for _, h := range l {
				an.Host(h)
			}
		}
		for _, b := range append(append([]string{}, st.Bypass...), s.Bypass...) {
			switch {
			case strings.ContainsAny(b, "<>"):
			case strings.HasPrefix(b, "*") || strings.HasPrefix(b, "."):
				an.Domain(b)
			default:
				an.Host(b)
			}
		}
		if w := st.Whose; w != nil {
			an.User(w.User)
			an.User(w.Process)
		}
		for _, n := range append([]string{s.Err}, s.Notes...) {
			for _, m := range otherUser.FindAllStringSubmatch(n, -1) {
				an.User(m[1])
			}
		}
	}
}

// anonymizeChain writes a chain for an anonymized bundle: each certificate
// as PEM when nothing in it would be anonymized, else described with its
// names replaced (the DER itself cannot be rewritten).
func anonymizeChain(an *anonymize.Anonymizer, chain []*x509.Certificate) []byte {
	var buf bytes.Buffer
	for i, c := range chain {
		desc := certDescription(c)
		if an.Text(desc) == desc {
			_ = diag.WriteChainPEM(&buf, []*x509.Certificate{c}) // to a buffer: cannot fail
			continue
		}
		fmt.Fprintf(&buf, "# certificate %d withheld by --anonymize: it names a local host or address\n", i+1)
		for _, l := range strings.Split(an.Text(desc), "\n") {
			fmt.Fprintf(&buf, "#   %s\n", l)
		}
	}
	return buf.Bytes()
}

// certDescription lists what a certificate says about names and places,
// one fact a line.
func certDescription(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	lines := []string{
		"subject: " + c.Subject.String(),
		"issuer: " + c.Issuer.String(),
		"valid: " + c.NotBefore.UTC().Format(time.RFC3339) + " to " + c.NotAfter.UTC().Format(time.RFC3339),
		"sha256: " + hex.EncodeToString(sum[:]),
	}
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	for _, u := range c.URIs {
		names = append(names, u.String())
	}
	names = append(names, c.EmailAddresses...)
	if len(names) > 0 {
		lines = append(lines, "names: "+strings.Join(names, ", "))
	}
	var urls []string
	urls = append(urls, c.OCSPServer...)
	urls = append(urls, c.IssuingCertificateURL...)
	urls = append(urls, c.CRLDistributionPoints...)
	if len(urls) > 0 {
		lines = append(lines, "urls: "+strings.Join(urls, ", "))
	}
	return strings.Join(lines, "\n")
}

// zipFiles writes the files into a zip, in order, dated at the run's start.
func zipFiles(files []bundleFile, at time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: at})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// jsonIndent is v as indented JSON with a final newline, HTML unescaped.
func jsonIndent(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return buf.Bytes(), err
}

// fileSafe makes a host usable in a file name on every OS (an IPv6
// address has colons).
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, s)
}

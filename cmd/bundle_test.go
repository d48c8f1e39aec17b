package cmd

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/anonymize"
	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/proxy/discover"
	"github.com/okviz/okviz-check/report"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Planted in the bundle test's environment and servers: what must never
// be in a bundle (credentials), and what --anonymize must hide.
const (
	plantedPassword    = "Planted-Pa55word"
	plantedURLPassword = "Url-Secret-99"
	plantedURLUser     = "url-planted-user"
	plantedUser        = "planted-login"
	plantedHost        = "wiki.planted-corp.example"
	plantedPACHost     = "fileserver.planted.lan"
	plantedIP          = "10.99.88.77"
	plantedPACIP       = "192.168.77.66"
	plantedCertHost    = "origin.planted-corp.example"
)

// bundleScene starts loopback servers for a bundle run: an origin whose
// certificate also names a private host, a proxy that refuses every
// credential, and a PAC file that sends the second target to that proxy
// and mentions private names and addresses. It returns the arguments and
// environment of the run.
func bundleScene(t *testing.T) (args []string, env map[string]string) {
	t.Helper()
	ca := certgen.Must(certgen.NewCA("Planted Test Root CA"))
	leaf := certgen.Must(ca.Leaf([]string{"127.0.0.1", plantedCertHost}))
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca.CertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	origin := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") }))
	origin.TLS = &tls.Config{Certificates: []tls.Certificate{leaf.TLS}}
	origin.StartTLS()
	t.Cleanup(origin.Close)
	// A second origin the proxy stands in front of (it is never reached).
	// It is named 0.0.0.0, which is local (Linux and macOS connect to
	// this machine) but, unlike loopback, not exempt from proxies: the PAC
	// file decides its route.
	behind, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { behind.Close() })
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Proxy-Authenticate", `Basic realm="planted"`)
		w.WriteHeader(http.StatusProxyAuthRequired)
	}))
	t.Cleanup(proxy.Close)
	proxyAddr := proxy.Listener.Addr().String()
	_, behindPort, _ := net.SplitHostPort(behind.Addr().String())
	pacBody := fmt.Sprintf(`function FindProxyForURL(url, host) {
  // %s and %s go direct, %s too
  if (dnsDomainIs(host, "%s") || isInNet(host, "%s", "255.255.255.255")) return "DIRECT";
  if (url.indexOf(":%s/") >= 0) return "PROXY %s";
  return "DIRECT";
}
`, plantedPACHost, plantedPACIP, plantedIP, plantedHost, plantedIP, behindPort, proxyAddr)
	pacSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-ns-proxy-autoconfig")
		io.WriteString(w, pacBody)
	}))
	t.Cleanup(pacSrv.Close)
	env = map[string]string{
		"OKVIZ_CHECK_DNS_COMPARE":    "none",
		"OKVIZ_CHECK_PROXY_PASSWORD": plantedPassword,
		"HTTPS_PROXY":                "http://" + plantedURLUser + ":" + plantedURLPassword + "@127.0.0.1:9",
		"NO_PROXY":                   plantedHost + "," + plantedIP,
		"USER":                       plantedUser,
		"HOME":                       "/home/" + plantedUser,
	}
	args = []string{"--pac", pacSrv.URL + "/proxy.pac", "--proxy-user", plantedUser, "--ca-file", caFile, "--public-roots", caFile, "--timeout", "5s",
		origin.URL + "/", "https://0.0.0.0:" + behindPort + "/"}
	return args, env
}

// runBundleMain runs okviz-check bundle with env as the whole environment
// and returns the files of the zip it wrote, by name.
func runBundleMain(t *testing.T, env map[string]string, args ...string) (files map[string]string, stdout, stderr string) {
	t.Helper()
	zipPath := filepath.Join(t.TempDir(), "ticket.zip")
	var out, errb bytes.Buffer
	e := &Env{Stdout: &out, Stderr: &errb,
		Getenv:    func(k string) string { return env[k] },
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Now:       time.Now, GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
	}
	code := Main(context.Background(), append([]string{"bundle", "--output", zipPath}, args...), e, Build{Version: "0.0.0-test", Commit: "test"})
	if code != ExitUnreachable {
		t.Fatalf("exit %d, want 1 (the proxy refuses); stderr: %s", code, errb.String())
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatalf("the bundle is not a zip: %v", err)
	}
	defer zr.Close()
	files = map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = string(b)
	}
	return files, out.String(), errb.String()
}

// TestBundle unzips the bundle written for a run with planted credentials,
// user and host names and private addresses, and searches every file:
// credentials never appear; without --anonymize the names and addresses
// do (support needs them), with it none does and each is one token in
// every file.
func TestBundle(t *testing.T) {
	args, env := bundleScene(t)
	files, stdout, stderr := runBundleMain(t, env, args...)

	for _, name := range []string{"manifest.json", "report.json", "report.txt", "report.md", "proxy-sources.json", "pac/1.pac", "certs/1-127.0.0.1-" + portOf(t, args[len(args)-2]) + ".pem"} {
		if _, ok := files[name]; !ok {
			t.Errorf("no %s in the bundle: %v", name, keys(files))
		}
	}
	if !strings.Contains(stderr, "ticket.zip") || !strings.Contains(stdout, "FAIL") {
		t.Errorf("stdout %q / stderr %q: want the report and where the bundle is", stdout, stderr)
	}
	var m bundleManifest
	if err := json.Unmarshal([]byte(files["manifest.json"]), &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if m.Anonymized || m.Tool.Version != "0.0.0-test" || len(m.Files) != len(files) {
		t.Errorf("manifest %+v does not list the %d files", m, len(files))
	}
	rep, err := report.Read(strings.NewReader(files["report.json"]))
	if err != nil || len(rep.Targets) != 2 {
		t.Fatalf("report.json does not read back: %v", err)
	}
	validReport(t, files["report.json"])
	if !strings.Contains(files["pac/1.pac"], "FindProxyForURL") || !strings.Contains(files[firstWithPrefix(files, "certs/")], "BEGIN CERTIFICATE") {
		t.Errorf("the PAC file or the chain is missing")
	}
	all := strings.Join(values(files), "\n")
	for _, secret := range []string{plantedPassword, plantedURLPassword, plantedURLUser} {
		if strings.Contains(all, secret) {
			t.Errorf("credential %q in the bundle", secret)
		}
	}
	// Without --anonymize the bundle says what it saw.
	for _, s := range []string{plantedUser, plantedHost, plantedIP, plantedPACHost, plantedPACIP} {
		if !strings.Contains(all, s) {
			t.Errorf("%q not in the plain bundle: the anonymizing test below would prove nothing", s)
		}
	}

	files, _, _ = runBundleMain(t, env, append([]string{"--anonymize"}, args...)...)
	for name, data := range files {
		for _, s := range []string{plantedPassword, plantedURLPassword, plantedURLUser, plantedUser, plantedHost, plantedIP, plantedPACHost, plantedPACIP, plantedCertHost, "planted-corp"} {
			if strings.Contains(strings.ToLower(data), strings.ToLower(s)) {
				t.Errorf("%s of the anonymized bundle contains %q", name, s)
			}
		}
	}
	if err := json.Unmarshal([]byte(files["manifest.json"]), &m); err != nil || !m.Anonymized || m.Tokens["private-ip"] == 0 || m.Tokens["user"] == 0 {
		t.Errorf("manifest: %+v, %v", m, err)
	}
	// The targets stay, and the report still reads back and keeps to the
	// schema (codes, ids and statuses untouched).
	if rep, err := report.Read(strings.NewReader(files["report.json"])); err != nil || rep.Targets[0].Target != args[len(args)-2] {
		t.Errorf("anonymized report.json: %v", err)
	}
	validReport(t, files["report.json"])
	// The certificate naming a private host is described, not included.
	if c := files[firstWithPrefix(files, "certs/")]; strings.Contains(c, "BEGIN CERTIFICATE") || !strings.Contains(c, "withheld") {
		t.Errorf("the chain naming %s was kept: %s", plantedCertHost, c)
	}
	// Consistency: the private IP is one token, the same in the PAC file,
	// the proxy sources and the report.
	tokenOf := func(file, before string) string {
		m := regexp.MustCompile(regexp.QuoteMeta(before) + `[^a-z]*(private-ip-\d+|host-\d+|domain-\d+|user-\d+)`).FindStringSubmatch(files[file])
		if m == nil {
			t.Fatalf("%s: no token after %q:\n%s", file, before, files[file])
		}
		return m[1]
	}
	ipInPAC := tokenOf("pac/1.pac", "isInNet(host,")
	if !strings.Contains(files["proxy-sources.json"], `"`+ipInPAC+`"`) || !strings.Contains(files["report.json"], ipInPAC) {
		t.Errorf("%s (the PAC file's %s) is not in the proxy sources and the report", ipInPAC, plantedIP)
	}
	hostInPAC := tokenOf("pac/1.pac", "dnsDomainIs(host,")
	if !strings.Contains(files["proxy-sources.json"], `"`+hostInPAC+`"`) {
		t.Errorf("%s (the PAC file's %s) is not in the proxy sources", hostInPAC, plantedHost)
	}
	userInReport := tokenOf("report.json", `"user":`)
	if !strings.Contains(files["report.txt"], userInReport) {
		t.Errorf("%s (the proxy user in report.json) is not in report.txt", userInReport)
	}
}

// validReport holds a report to docs/report.schema.json.
func validReport(t *testing.T, doc string) {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	schema, err := c.Compile(filepath.Join("..", "docs", "report.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(v); err != nil {
		t.Errorf("report.json does not keep to the schema: %v", err)
	}
}

// TestBundleFormatHint: -o is --format in bundle as everywhere; a zip name
// there gets a hint to use --output.
func TestBundleFormatHint(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"bundle", "-o", "ticket.zip"}, testEnv(&out, &errb), Build{Version: "t"})
	if code != ExitUsage || !strings.Contains(errb.String(), "--output FILE.zip") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

func portOf(t *testing.T, u string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(strings.TrimSuffix(strings.TrimPrefix(u, "https://"), "/"))
	if err != nil {
		t.Fatal(err)
	}
	return port
}

func firstWithPrefix(files map[string]string, prefix string) string {
	for name := range files {
		if strings.HasPrefix(name, prefix) {
			return name
		}
	}
	return ""
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestRegisterSources: the names the proxy sources hold are hidden
// wherever they appear, with the other logged-on user a windows-user note
// names (the summary discovery writes, from a run as a service account).
func TestRegisterSources(t *testing.T) {
	srcs := []discover.Source{
		{Name: "windows-user", Found: true, Notes: []string{`the proxy settings of CONTOSO\svc-okviz, who runs okviz-check; CONTOSO\jdoe is at the console, and their browser may use other settings (run okviz-check as that user to see them)`}},
		{Name: "windows-ie-user", Found: true, Proxies: map[string][]string{"https": {"http://proxy01:8080"}}, Bypass: []string{"*.corp.contoso.com", "<local>", "10.0.0.0/8"}},
	}
	an := anonymize.New("api.okviz.com")
	registerSources(an, srcs)
	doc, err := jsonIndent(srcs)
	if err != nil {
		t.Fatal(err)
	}
	an.Learn(string(doc))
	got := an.Text(string(doc) + " wiki.corp.contoso.com api.okviz.com")
	for _, s := range []string{"jdoe", "CONTOSO", "proxy01", "contoso.com", "10.0.0.0"} {
		if strings.Contains(got, s) {
			t.Errorf("%q left in:\n%s", s, got)
		}
	}
	if !strings.Contains(got, "api.okviz.com") || !strings.Contains(got, "<local>") {
		t.Errorf("the target or <local> was replaced:\n%s", got)
	}
}

// TestBundleInterrupted: Ctrl-C during the run still writes the bundle,
// with the report of what finished, and exits 130.
func TestBundleInterrupted(t *testing.T) {
	f := newFlakyOrigin(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.onRequest = func(int) { cancel() }
	zipPath := filepath.Join(t.TempDir(), "cut.zip")
	var out, errb bytes.Buffer
	code := Main(ctx, []string{"bundle", "--no-proxy", "--output", zipPath, "--ca-file", f.caFile, "--public-roots", f.caFile, f.url}, testEnv(&out, &errb), Build{Version: "t"})
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want 130; stderr %s", code, errb.String())
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatalf("no bundle after an interrupt: %v", err)
	}
	defer zr.Close()
	rc, err := zr.Open("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var m bundleManifest
	if err := json.NewDecoder(rc).Decode(&m); err != nil || !m.Interrupted {
		t.Errorf("manifest %+v, %v: want interrupted", m, err)
	}
}

package lab_test

import (
	"encoding/base64"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/internal/lab"
)

// authScenarios are the proxies that authenticate: Negotiate against the
// lab's MIT KDC (a ticket from kinit in the client's namespace), NTLM and
// Digest on the auth squid, and Basic with credentials from every place a
// user can give them (the --proxy URL, HTTPS_PROXY, the config file,
// --proxy-user with OKVIZ_CHECK_PROXY_PASSWORD), right and wrong.
func authScenarios(t *testing.T, l *lab.Lab) []scenario {
	proxied := func(name string, args []string, code string, status diag.Status) scenario {
		exit := 0
		if status == fail {
			exit = 1
		}
		sc := scenario{name: name, client: proxyOnly, target: lab.HostGood, args: args, exit: exit, code: code, status: status, route: "proxy"}
		if code == "ok" {
			sc.check = hasCheck("proxy.ok")
		}
		return sc
	}
	// auth marks a scenario that needs the auth squid or the PAC servers.
	auth := func(sc scenario) scenario {
		sc.needs = func(t *testing.T, l *lab.Lab) { l.RequireAuth(t) }
		return sc
	}
	kerberos := func(sc scenario, ticket bool) scenario {
		sc.needs = func(t *testing.T, l *lab.Lab) { l.RequireKerberos(t) }
		sc.env = append(sc.env, l.KerberosEnv(ticket)...)
		return sc
	}
	krbProxy := func(host string) []string { return []string{"--proxy", lab.KerberosProxyURL(host)} }
	userPass := func(addr, user, pw string) string { return lab.ProxyURL(addr, user, pw) }
	wrong := "wrong-" + lab.ProxyPassword
	basic := lab.AuthProxyAddr
	// A config file whose proxy.url is url.
	configURL := func(url string) []string {
		p := filepath.Join(t.TempDir(), "okviz-check.yaml")
		if err := os.WriteFile(p, []byte("proxy:\n  url: \""+url+"\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return []string{"--config", p}
	}
	// The config file's proxy.url carries the credentials.
	config := func(pw string) []string { return configURL(userPass(basic, lab.ProxyUser, pw)) }
	proxyUser := func(addr, user string) []string {
		return []string{"--proxy", lab.ProxyURL(addr, "", ""), "--proxy-user", user}
	}
	passwordEnv := func(pw string) string { return "OKVIZ_CHECK_PROXY_PASSWORD=" + pw }
	redacted := "http://***@" + basic
	open := "http://" + lab.ProxyAddr
	// WinINET's per-scheme form: the http entry is a dead proxy, so only
	// the https entry can carry an https target.
	perScheme := "http=" + lab.DeadProxyAddr + ";https=" + lab.ProxyAddr
	// WinINET's host:port form, without a scheme: an HTTP proxy.
	hostPort := lab.ProxyAddr

	return []scenario{
		// Negotiate: a valid ticket, no ticket, an SPN the KDC does not
		// know, and a proxy that denies the host once the ticket is accepted.
		kerberos(proxied("proxy.ok/negotiate", krbProxy(lab.HostKerberosProxy), "ok", pass), true).
			withCheck(allOf(hasCheck("proxy.ok"), answeredWith("Negotiate", lab.KerberosUser+"@"+lab.Realm, "ticket cache"))),
		kerberos(proxied("proxy.auth_required/no-ticket", krbProxy(lab.HostKerberosProxy), "proxy.auth_required", fail), false).
			withCheck(allOf(offersSchemes("Negotiate"), remedyHas("proxy.auth_required", "kinit"))),
		kerberos(proxied("proxy.auth_required/unknown-spn", krbProxy(lab.HostKerberosAlias), "proxy.auth_required", fail), true).
			withCheck(allOf(offersSchemes("Negotiate"),
				summaryHas("proxy.auth_required", "the KDC does not know the service principal HTTP/"+lab.HostKerberosAlias))),
		kerberos(proxied("proxy.denied/negotiate", krbProxy(lab.HostKerberosDeny), "proxy.denied", fail), true).
			withCheck(answeredWith("Negotiate", lab.KerberosUser+"@"+lab.Realm, "ticket cache")),

		// NTLM (explicit credentials: DOMAIN\user in the URL) and Digest.
		auth(proxied("proxy.ok/ntlm", []string{"--proxy", userPass(lab.NTLMAuthProxyAddr, `CORP\`+lab.ProxyUser, lab.ProxyPassword)}, "ok", pass).
			withCheck(allOf(hasCheck("proxy.ok"), answeredWith("NTLM", "", "the proxy URL")))),
		auth(proxied("proxy.ok/digest", []string{"--proxy", userPass(lab.DigestProxyAddr, lab.ProxyUser, lab.ProxyPassword)}, "ok", pass).
			withCheck(allOf(hasCheck("proxy.ok"), answeredWith("Digest", "", "the proxy URL")))),
		auth(proxied("proxy.ok/digest-proxy-user", proxyUser(lab.DigestProxyAddr, lab.ProxyUser), "ok", pass).
			withEnv(passwordEnv(lab.ProxyPassword)).
			withCheck(answeredWith("Digest", "", "--proxy-user and OKVIZ_CHECK_PROXY_PASSWORD"))),
		auth(proxied("proxy.auth_failed/digest", []string{"--proxy", userPass(lab.DigestProxyAddr, lab.DigestOtherUser, wrong)}, "proxy.auth_failed", fail)),

		// Basic from each source, right then wrong (the --proxy URL's pair
		// is in the main scenarios: proxy.ok/credentials, proxy.auth_failed).
		proxied("proxy.ok/basic-env", nil, "ok", pass).shown(redacted).
			withEnv("HTTPS_PROXY=" + userPass(basic, lab.ProxyUser, lab.ProxyPassword)),
		proxied("proxy.auth_failed/basic-env", nil, "proxy.auth_failed", fail).shown(redacted).
			withEnv("HTTPS_PROXY=" + userPass(basic, lab.ProxyUser, wrong)),
		proxied("proxy.ok/basic-okviz-env", nil, "ok", pass).shown(redacted).
			withEnv("OKVIZ_CHECK_PROXY_URL=" + userPass(basic, lab.ProxyUser, lab.ProxyPassword)),
		proxied("proxy.ok/basic-config", config(lab.ProxyPassword), "ok", pass).shown(redacted),
		proxied("proxy.auth_failed/basic-config", config(wrong), "proxy.auth_failed", fail).shown(redacted),
		proxied("proxy.ok/basic-proxy-user", proxyUser(basic, lab.ProxyUser), "ok", pass).
			withEnv(passwordEnv(lab.ProxyPassword)).
			withCheck(answeredWith("Basic", "", "--proxy-user and OKVIZ_CHECK_PROXY_PASSWORD")),
		proxied("proxy.auth_failed/basic-proxy-user", proxyUser(basic, lab.ProxyUser), "proxy.auth_failed", fail).
			withEnv(passwordEnv(wrong)),

		// PAC servers that ask for authentication: the Windows login (here
		// the ticket cache) answers Negotiate, as in the browser; a
		// password challenge is never answered for a PAC file.
		kerberos(proxied("proxy.ok/pac-negotiate", []string{"--pac", lab.PACKerberosURL(lab.PACProxy)}, "ok", pass).shown(open), true),
		kerberos(proxied("proxy.pac_unreachable/pac-negotiate-no-ticket", []string{"--pac", lab.PACKerberosURL(lab.PACProxy)},
			"proxy.pac_unreachable", fail).anyRoute(), false).
			withCheck(summaryHas("proxy.pac_unreachable", "run kinit")),
		auth(proxied("proxy.pac_unreachable/pac-basic", []string{"--pac", lab.PACBasicURL(lab.PACProxy), "--proxy-user", lab.ProxyUser},
			"proxy.pac_unreachable", fail).anyRoute().withEnv(passwordEnv(lab.ProxyPassword)).
			withCheck(summaryHas("proxy.pac_unreachable", "never with a user name and password"))),

		// The forms admins paste from Windows, in the flag, the config
		// file and OKVIZ_CHECK_PROXY_URL.
		proxied("proxy.ok/wininet-host-port", []string{"--proxy", hostPort}, "ok", pass).shown(open),
		proxied("proxy.ok/wininet-host-port-env", nil, "ok", pass).shown(open).withEnv("OKVIZ_CHECK_PROXY_URL=" + hostPort),
		proxied("proxy.ok/wininet-per-scheme", []string{"--proxy", perScheme}, "ok", pass).shown(open),
		proxied("proxy.ok/wininet-per-scheme-env", nil, "ok", pass).shown(open).withEnv("OKVIZ_CHECK_PROXY_URL=" + perScheme),
		proxied("proxy.ok/wininet-per-scheme-config", configURL(perScheme), "ok", pass).shown(open),
		// Credentials in the https entry are used like a URL's.
		proxied("proxy.ok/wininet-per-scheme-credentials",
			[]string{"--proxy", "http=" + lab.DeadProxyAddr + ";https=" + lab.ProxyUser + ":" + lab.ProxyPassword + "@" + basic}, "ok", pass).
			shown(redacted),
	}
}

// answeredWith wants the proxy.connect check's last hop answered with
// scheme, as user (unless ""), from a source that contains source.
func answeredWith(scheme, user, source string) func(*testing.T, diag.TargetResult) {
	return func(t *testing.T, tr diag.TargetResult) {
		c := findID(tr, "proxy.connect")
		if c == nil {
			t.Fatalf("no proxy.connect check: %s", checkList(tr))
		}
		d, _ := c.Details.(*diag.TunnelDetails)
		if d == nil || len(d.Hops) == 0 {
			t.Fatalf("proxy.connect details %#v", c.Details)
		}
		a := d.Hops[len(d.Hops)-1].Auth
		if a == nil || a.Scheme != scheme || user != "" && a.User != user || !strings.Contains(a.Source, source) {
			t.Errorf("proxy.connect auth %+v: want %s as %q from %q", a, scheme, user, source)
		}
	}
}

// remedyHas wants the check with this code to say s in its summary or
// remediation.
func remedyHas(code, s string) func(*testing.T, diag.TargetResult) {
	return func(t *testing.T, tr diag.TargetResult) {
		c := lab.FindCheck(tr, code)
		if c == nil {
			t.Fatalf("no %s check: %s", code, checkList(tr))
		}
		if !strings.Contains(c.Summary+" "+c.Remediation, s) {
			t.Errorf("%s says neither in its summary nor its remediation %q:\n%s\n%s", code, s, c.Summary, c.Remediation)
		}
	}
}

// testNoPasswordInOutput runs a check whose proxy accepts the credentials
// in every output format, and with --save, and looks for the password in
// every byte written: raw, percent-encoded, and inside the Basic token.
func testNoPasswordInOutput(t *testing.T, l *lab.Lab, bin string) {
	secrets := []string{
		lab.ProxyPassword,
		url.QueryEscape(lab.ProxyPassword),
		base64.StdEncoding.EncodeToString([]byte(lab.ProxyUser + ":" + lab.ProxyPassword)),
	}
	for _, format := range []string{"text", "json", "markdown", "junit", "jsonl", "prometheus"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			saved := filepath.Join(t.TempDir(), "saved.json")
			argv := []string{bin, "check", lab.HostGood, "--format", format, "--verbose", "--save", saved,
				"--timeout", cliTimeout.String(), "--dns-compare", "none",
				"--proxy", lab.ProxyURL(lab.AuthProxyAddr, lab.ProxyUser, lab.ProxyPassword)}
			res := l.Run(ctxTimeout(t, hangFactor*cliTimeout), l.ProxyOnly, append(argv, l.TrustArgs()...)...)
			if res.Err != nil || res.ExitCode != 0 {
				t.Fatalf("want exit 0\n%s", res)
			}
			file, err := os.ReadFile(saved)
			if err != nil || len(file) == 0 {
				t.Fatalf("--save wrote nothing: %v", err)
			}
			outputs := map[string][]byte{"stdout": res.Stdout, "stderr": res.Stderr, "--save file": file}
			for name, out := range outputs {
				for _, s := range secrets {
					if strings.Contains(string(out), s) {
						t.Errorf("%s of --format %s holds %q\n%s", name, format, s, out)
					}
				}
			}
			// The run went through the proxy: the output is not empty of
			// it (a redacted proxy URL, never a missing one).
			if !slices.ContainsFunc([][]byte{res.Stdout, file}, func(b []byte) bool {
				return strings.Contains(string(b), lab.AuthProxyAddr)
			}) {
				t.Errorf("neither stdout nor the saved report names the proxy %s\n%s", lab.AuthProxyAddr, res)
			}
		})
	}
}

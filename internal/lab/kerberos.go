package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/okviz/okviz-check/internal/lab/labconf"
	"github.com/okviz/okviz-check/internal/proc"
)

// The lab's Kerberos realm and the proxies that ask for authentication
// beyond the main squid's Basic port. An MIT KDC (krb5kdc) serves the realm
// in the internet namespace; a second squid answers Negotiate through
// negotiate_kerberos_auth with a keytab for its SPNs, NTLM through
// ntlm_fake_auth and Digest through digest_file_auth, one scheme per port
// (squid's auth_schemes), so that each port offers exactly one scheme.
const (
	// Realm is the lab's Kerberos realm.
	Realm = "CORP.EXAMPLE"
	// KDCAddr is where krb5kdc listens (UDP and TCP, port 88).
	KDCAddr = "198.18.2.88"
	// KerberosUser is the realm's user; KerberosPassword its password
	// (kinit reads it; okviz-check never sees it).
	KerberosUser     = "alice"
	KerberosPassword = "alice-Krb5-Pw-61"

	// HostKerberosProxy names KerberosProxyAddr; HTTP/HostKerberosProxy
	// is in the KDC and in squid's keytab.
	HostKerberosProxy = "kproxy.corp.example"
	// HostKerberosAlias names the same proxy by another name, which the
	// KDC does not know as an SPN: what a proxy configured by an alias
	// (a CNAME, a load balancer's name) meets.
	HostKerberosAlias = "kproxy-alias.corp.example"
	// HostKerberosDeny names KerberosDenyProxyAddr, whose SPN is known.
	HostKerberosDeny = "kdeny.corp.example"

	KerberosProxyAddr     = "198.18.2.40:3128" // Negotiate (Kerberos), allows every lab target
	KerberosDenyProxyAddr = "198.18.2.41:3128" // Negotiate (Kerberos), then denies .okviz.com
	NTLMAuthProxyAddr     = "198.18.2.42:3128" // NTLM (ntlm_fake_auth: any account passes the handshake)
	DigestProxyAddr       = "198.18.2.43:3128" // Digest (digest_file_auth) with ProxyUser and ProxyPassword, or DigestOtherUser
	// DigestOtherUser is a second Digest account (password ProxyPassword)
	// for runs with a wrong password: squid keeps a Digest user's state
	// per user name, and a concurrent run that logged ProxyUser in
	// correctly would otherwise let a wrong response for the same name
	// through.
	DigestOtherUser = "lab-other"
)

// PAC servers that ask for authentication, as IIS with Windows
// authentication does: both serve the lab's PAC files (see PACURL).
const (
	// HostPACKerberos names PACKerberosAddr, which wants Negotiate with a
	// ticket for HTTP/HostPACKerberos (in the KDC and the keytab).
	HostPACKerberos = "pac.corp.example"
	PACKerberosAddr = "198.18.2.81"
	// PACBasicAddr wants Basic with ProxyUser and ProxyPassword, which
	// browsers never send for a PAC file.
	PACBasicAddr = "198.18.2.82"
)

// PACKerberosURL is a PAC file on the Negotiate PAC server, by name.
func PACKerberosURL(name string) string { return "http://" + HostPACKerberos + "/" + name }

// PACBasicURL is a PAC file on the Basic PAC server.
func PACBasicURL(name string) string { return "http://" + PACBasicAddr + "/" + name }

// pacAuthListeners are the labserver's authenticating PAC servers; the
// keytab is the realm's (written by prepareRealm, read per request).
func pacAuthListeners(pacDir string) []labconf.Listener {
	keytab := filepath.Join(filepath.Dir(pacDir), "kerberos", "http.keytab")
	return []labconf.Listener{
		{Addr: PACKerberosAddr + ":80", Dir: pacDir, Keytab: keytab},
		{Addr: PACBasicAddr + ":80", Dir: pacDir, BasicAuth: ProxyUser + ":" + ProxyPassword},
	}
}

// KerberosProxyURL is the http:// URL of a Negotiate proxy by host name:
// the name is what the SPN is made of.
func KerberosProxyURL(host string) string {
	addr := KerberosProxyAddr
	if host == HostKerberosDeny {
		addr = KerberosDenyProxyAddr
	}
	_, port, _ := net.SplitHostPort(addr)
	return "http://" + net.JoinHostPort(host, port)
}

// kerberosTools are the MIT Kerberos programs the realm needs (Debian
// packages krb5-kdc, krb5-admin-server, krb5-user) and squid's helper.
var kerberosTools = []string{"krb5kdc", "kdb5_util", "kadmin.local", "kinit"}

// kerberosHostRecords are the DNS names of the auth proxies, for the
// lab's main resolver.
func kerberosHostRecords() []string {
	return []string{
		"--host-record=" + HostKerberosProxy + "," + hostOf(KerberosProxyAddr),
		"--host-record=" + HostKerberosAlias + "," + hostOf(KerberosProxyAddr),
		"--host-record=" + HostKerberosDeny + "," + hostOf(KerberosDenyProxyAddr),
		"--host-record=" + HostPACKerberos + "," + PACKerberosAddr,
	}
}

// authProxyAddrs are the internet namespace's addresses of the realm and
// the auth proxies.
func authProxyAddrs() []string {
	return []string{KDCAddr, KerberosProxyAddr, KerberosDenyProxyAddr, NTLMAuthProxyAddr, DigestProxyAddr, PACKerberosAddr, PACBasicAddr}
}

// kerberosMissing says which Kerberos program or squid helper is missing,
// or "" when the realm can be built.
func kerberosMissing() string {
	var missing []string
	for _, t := range kerberosTools {
		if _, err := exec.LookPath(t); err != nil {
			if _, err := os.Stat(filepath.Join("/usr/sbin", t)); err != nil {
				missing = append(missing, t)
			}
		}
	}
	if _, err := squidHelper("negotiate_kerberos_auth"); err != nil {
		missing = append(missing, "squid's negotiate_kerberos_auth")
	}
	if len(missing) == 0 {
		return ""
	}
	return "the Kerberos lab needs " + strings.Join(missing, ", ") +
		" (Debian: apt-get install -y krb5-kdc krb5-admin-server krb5-user squid-openssl)"
}

// RequireKerberos skips t (fails it under OKVIZ_LAB=required) when the
// realm could not be built here for lack of a program.
func (l *Lab) RequireKerberos(t testing.TB) {
	t.Helper()
	if l.kerberosMissing != "" {
		Unavailable(t, l.kerberosMissing)
	}
	l.RequireAuth(t)
}

// RequireAuth fails t when the authenticating proxies (the auth squid,
// the realm) could not be started; the rest of the lab runs regardless.
func (l *Lab) RequireAuth(t testing.TB) {
	t.Helper()
	if l.authErr != nil {
		t.Fatalf("the lab's authenticating proxies did not start: %v", l.authErr)
	}
}

// KerberosEnv is the environment of a client that has kinit-ed as
// KerberosUser: the lab's krb5.conf and the ticket cache kinit filled in
// the ProxyOnly namespace. With ticket false, KRB5CCNAME names a cache
// that does not exist (a user who never ran kinit).
func (l *Lab) KerberosEnv(ticket bool) []string {
	cc := l.ccache
	if !ticket {
		cc = filepath.Join(l.Dir, "kerberos", "no-such-ccache")
	}
	return []string{"KRB5_CONFIG=" + l.krb5Conf, "KRB5CCNAME=FILE:" + cc}
}

// krb5Conf is the clients' and the KDC's krb5.conf: the realm and its KDC
// by address, no DNS lookups for either, TCP first (what Active Directory
// clients do with tickets that carry a PAC).
func krb5Conf() string {
	return strings.Join([]string{
		"[libdefaults]",
		"  default_realm = " + Realm,
		"  dns_lookup_kdc = false",
		"  dns_lookup_realm = false",
		"  rdns = false",
		"  udp_preference_limit = 1",
		"[realms]",
		"  " + Realm + " = {",
		"    kdc = " + KDCAddr + ":88",
		"  }",
		"[domain_realm]",
		"  .corp.example = " + Realm,
		"",
	}, "\n")
}

// kdcConf is krb5kdc's own profile: the database and its stash in dir.
func kdcConf(dir string) string {
	return strings.Join([]string{
		"[kdcdefaults]",
		"  kdc_listen = " + KDCAddr + ":88",
		"  kdc_tcp_listen = " + KDCAddr + ":88",
		"[realms]",
		"  " + Realm + " = {",
		"    database_name = " + filepath.Join(dir, "principal"),
		"    key_stash_file = " + filepath.Join(dir, "stash"),
		"    acl_file = " + filepath.Join(dir, "kadm5.acl"),
		"    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal",
		"    max_life = 2h",
		"  }",
		"[logging]",
		"  kdc = FILE:" + filepath.Join(dir, "krb5kdc.log"),
		"",
	}, "\n")
}

// kerberosSPNs are the service principals squid's keytab holds: the
// proxies' names as configured, never HostKerberosAlias.
func kerberosSPNs() []string {
	return []string{"HTTP/" + HostKerberosProxy, "HTTP/" + HostKerberosDeny, "HTTP/" + HostPACKerberos}
}

// prepareRealm creates the realm's database, the user and the proxies'
// service principals, and the keytab squid reads. None of it needs the KDC
// to run (kadmin.local edits the database): about a quarter of a second.
func (l *Lab) prepareRealm(ctx context.Context) (keytab string, err error) {
	dir := filepath.Join(l.Dir, "kerberos")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	l.krb5Conf = filepath.Join(dir, "krb5.conf")
	files := map[string]string{"krb5.conf": krb5Conf(), "kdc.conf": kdcConf(dir), "kadm5.acl": ""}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return "", err
		}
	}
	env := l.kerberosEnv()
	run := func(stdin string, argv ...string) error {
		cmd := proc.Bound(exec.CommandContext(ctx, argv[0], argv[1:]...))
		cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out)
		}
		return nil
	}
	// -s: a stash file, so the KDC starts without asking for the master key.
	if err := run("", "kdb5_util", "create", "-s", "-r", Realm, "-P", "lab-master-key-"+Realm); err != nil {
		return "", err
	}
	keytab = filepath.Join(dir, "http.keytab")
	script := []string{"addprinc -pw " + KerberosPassword + " " + KerberosUser}
	for _, spn := range kerberosSPNs() {
		script = append(script, "addprinc -randkey "+spn, "ktadd -k "+keytab+" "+spn)
	}
	if err := run(strings.Join(script, "\n")+"\n", "kadmin.local", "-r", Realm); err != nil {
		return "", err
	}
	if _, err := os.Stat(keytab); err != nil {
		return "", fmt.Errorf("kadmin.local wrote no keytab: %w", err)
	}
	// squid's helper runs as squid's user; the keytab is a throwaway.
	return keytab, os.Chmod(keytab, 0o644)
}

// kerberosEnv points the MIT tools at the lab's files, never at the
// machine's /etc/krb5.conf or /etc/krb5kdc.
func (l *Lab) kerberosEnv() []string {
	dir := filepath.Join(l.Dir, "kerberos")
	return []string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"KRB5_CONFIG=" + l.krb5Conf,
		"KRB5_KDC_PROFILE=" + filepath.Join(dir, "kdc.conf"),
		// No replay cache on disk: squid's helper runs as squid's user.
		"KRB5RCACHETYPE=none",
	}
}

// startKerberos builds the realm, starts the KDC and the auth squid, and
// gets KerberosUser a ticket with kinit inside ProxyOnly. Without the
// Kerberos programs it starts the auth squid with NTLM and Digest only and
// records why (see RequireKerberos).
func (l *Lab) startKerberos(ctx context.Context) error {
	if l.kerberosMissing = kerberosMissing(); l.kerberosMissing != "" {
		return l.startAuthSquid(ctx, "")
	}
	keytab, err := l.prepareRealm(ctx)
	if err != nil {
		return err
	}
	return parallel([]func() error{
		func() error { return l.startAuthSquid(ctx, keytab) },
		func() error {
			if err := l.startKDC(ctx); err != nil {
				return err
			}
			return l.kinit(ctx)
		},
	})
}

// startKDC runs krb5kdc in the foreground (-n) in the internet namespace
// and waits until its TCP port accepts.
func (l *Lab) startKDC(ctx context.Context) error {
	argv := append([]string{"env"}, l.kerberosEnv()...)
	d, err := l.startDaemon(l.Internet, "krb5kdc", nil, append(argv, "krb5kdc", "-n", "-r", Realm)...)
	if err != nil {
		return err
	}
	return d.waitFor(ctx, func(ctx context.Context) error {
		c, err := l.Internet.DialContext(ctx, "tcp", net.JoinHostPort(KDCAddr, "88"))
		if err == nil {
			c.Close()
		}
		return err
	})
}

// kinit gets KerberosUser's ticket-granting ticket into the lab's ticket
// cache, asking the KDC from inside ProxyOnly, as the user would.
func (l *Lab) kinit(ctx context.Context) error {
	l.ccache = filepath.Join(l.Dir, "kerberos", "ccache-"+KerberosUser)
	argv := []string{"ip", "netns", "exec", l.ProxyOnly.Name, "kinit", KerberosUser + "@" + Realm}
	cmd := proc.Bound(exec.CommandContext(ctx, argv[0], argv[1:]...))
	cmd.Env = append(l.kerberosEnv(), "KRB5CCNAME=FILE:"+l.ccache)
	// kinit reads the password from stdin when it is not a terminal.
	cmd.Stdin = strings.NewReader(KerberosPassword + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("kinit: %v\n%s", err, out)
	}
	if _, err := os.Stat(l.ccache); err != nil {
		return errors.New("kinit left no ticket cache")
	}
	return nil
}

// authSquidConf is the second squid: one port per scheme, each offering
// only its own (auth_schemes, squid 5), Negotiate only with a keytab.
func authSquidConf(dir, keytab string, helpers map[string]string) string {
	lines := []string{
		"# okviz-check network lab: proxies that authenticate",
		"http_port " + NTLMAuthProxyAddr + " name=ntlm",
		"http_port " + DigestProxyAddr + " name=digest",
	}
	if keytab != "" {
		lines = append(lines,
			"http_port "+KerberosProxyAddr+" name=krb",
			"http_port "+KerberosDenyProxyAddr+" name=krbdeny")
	}
	lines = append(lines, squidCommon("okviz-lab-auth-proxy", dir)...)
	lines = append(lines,
		"auth_param ntlm program "+helpers["ntlm_fake_auth"],
		"auth_param ntlm children 2 startup=1",
		"auth_param digest program "+helpers["digest_file_auth"]+" "+filepath.Join(dir, "digest-passwords"),
		"auth_param digest children 2 startup=1",
		"auth_param digest realm okviz-lab",
		"acl port_ntlm myportname ntlm",
		"acl port_digest myportname digest",
		"auth_schemes ntlm port_ntlm",
		"auth_schemes digest port_digest",
	)
	if keytab != "" {
		// GSS_C_NO_NAME: accept a ticket for any SPN in the keytab.
		lines = append(lines,
			"auth_param negotiate program "+helpers["negotiate_kerberos_auth"]+" -k "+keytab+" -s GSS_C_NO_NAME",
			"auth_param negotiate children 2 startup=1",
			"auth_param negotiate keep_alive on",
			"acl port_krb myportname krb krbdeny",
			"acl port_krbdeny myportname krbdeny",
			"auth_schemes negotiate port_krb",
		)
	}
	lines = append(lines,
		"acl okviz dstdomain .okviz.com",
		"acl authed proxy_auth REQUIRED",
		"acl SSL_ports port 443",
		"acl CONNECT method CONNECT",
		"http_access deny CONNECT !SSL_ports",
	)
	if keytab != "" {
		// authed first: squid asks for the ticket, then refuses the host.
		lines = append(lines, "http_access deny port_krbdeny authed okviz")
	}
	return strings.Join(append(lines, "http_access allow authed", "http_access deny all", ""), "\n")
}

// startAuthSquid writes the auth squid's files and starts it under its own
// service name (-n), so that it shares nothing with the main squid.
func (l *Lab) startAuthSquid(ctx context.Context, keytab string) error {
	dir := filepath.Join(l.Dir, "squid-auth")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		return err
	}
	helpers := map[string]string{}
	names := []string{"ntlm_fake_auth", "digest_file_auth"}
	if keytab != "" {
		names = append(names, "negotiate_kerberos_auth")
	}
	for _, name := range names {
		p, err := squidHelper(name)
		if err != nil {
			return err
		}
		helpers[name] = p
	}
	// digest_file_auth reads user:password lines in plain text.
	if err := os.WriteFile(filepath.Join(dir, "digest-passwords"), []byte(ProxyUser+":"+ProxyPassword+"\n"+DigestOtherUser+":"+ProxyPassword+"\n"), 0o644); err != nil {
		return err
	}
	conf := filepath.Join(dir, "squid.conf")
	if err := os.WriteFile(conf, []byte(authSquidConf(dir, keytab, helpers)), 0o644); err != nil {
		return err
	}
	argv := append([]string{"env"}, l.kerberosEnv()...)
	// A service name of this lab's own: instances must not share squid's
	// shared-memory segments, which are not per namespace.
	name := "okvizauth" + strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, strings.ToLower(filepath.Base(l.Dir)))
	argv = append(argv, "squid", "-N", "-n", name, "-f", conf)
	d, err := l.startDaemon(l.Internet, "squid-auth", nil, argv...)
	if err != nil {
		return err
	}
	addrs := []string{NTLMAuthProxyAddr, DigestProxyAddr}
	if keytab != "" {
		addrs = append(addrs, KerberosProxyAddr, KerberosDenyProxyAddr)
	}
	return d.waitFor(ctx, func(ctx context.Context) error {
		for _, addr := range addrs {
			c, err := l.Internet.DialContext(ctx, "tcp", addr)
			if err != nil {
				return err
			}
			c.Close()
		}
		return nil
	})
}

package lab

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/lab/labconf"
	"github.com/okviz/okviz-check/internal/squidlab"
)

// Lab is a running network lab. Its fields are read-only after New.
type Lab struct {
	// Dir holds certificates, configuration and daemon logs (logs/).
	Dir string
	// Internet is the namespace of the origins, resolvers and proxies.
	Internet *Netns
	// Direct may reach everything except what its firewall blocks (see
	// the Host constants); ProxyOnly reaches only the proxies, the PAC
	// server and DNS; everything Blackhole sends is silently dropped on
	// the way (DNS included).
	Direct, ProxyOnly, Blackhole *Netns
	// ServfailDNS, RefusedDNS and SilentDNS reach everything, but their
	// only resolver is ServfailDNSAddr, RefusedDNSAddr or SilentDNSAddr.
	ServfailDNS, RefusedDNS, SilentDNS *Netns
	// LocalDNSReject and LocalDNSDrop resolve through GatewayAddr, but
	// their own firewall rejects (or drops) every DNS packet they send.
	LocalDNSReject, LocalDNSDrop *Netns
	// RefusingDNS reaches everything, but its only resolver is
	// RefusingDNSAddr, where nothing listens: every query is refused.
	RefusingDNS *Netns
	// CAFile holds the lab's public root and the interception root (what
	// a managed machine trusts): pass it as --ca-file.
	CAFile string
	// PublicRootsFile holds only the lab's public root: pass it as
	// --public-roots so the lab's origins count as publicly trusted.
	PublicRootsFile string
	// Roots is the lab's public root, for Go clients (HTTPClient).
	Roots *x509.CertPool
	// TrustedRoots adds the interception root to Roots.
	TrustedRoots *x509.CertPool

	tb testing.TB
	// The Kerberos realm (kerberos.go): why it is missing, or its
	// krb5.conf and KerberosUser's ticket cache.
	kerberosMissing, krb5Conf, ccache string
	authErr                           error // the realm or the auth squid failed to start
}

// requiredTools are the programs the lab runs.
var requiredTools = []string{"ip", "dnsmasq", "iptables-restore", "ip6tables-restore", "squid"}

// The lab is opt-in through OKVIZ_LAB, as the squid lab is (one reading
// of it, in squidlab): unset or 0, its tests skip, even as root (a
// developer's root shell does not build network namespaces unasked); 1,
// they run where they can and skip, saying why, where something is
// missing; required (as .ci/run sets), anything missing (not root, a
// Debian package, the main package) fails them instead.

// Required reports whether OKVIZ_LAB=required.
func Required() bool { return squidlab.Required() }

// Unavailable skips tb because msg names something the lab needs that is
// missing, or fails it when OKVIZ_LAB=required.
func Unavailable(tb testing.TB, msg string) {
	tb.Helper()
	if Required() {
		tb.Fatal(msg + "; OKVIZ_LAB=required")
	}
	tb.Skip(msg)
}

// optIn skips tb unless OKVIZ_LAB opts in; see squidlab.OptIn.
func optIn(tb testing.TB) {
	tb.Helper()
	squidlab.OptIn(tb)
}

// Require skips tb unless the lab is opted into (OKVIZ_LAB) and can run
// here: Linux, root and the tools it drives; under OKVIZ_LAB=required,
// anything missing fails tb.
func Require(tb testing.TB) {
	tb.Helper()
	optIn(tb)
	var missing []string
	if runtime.GOOS != "linux" {
		missing = append(missing, "Linux")
	} else if os.Geteuid() != 0 {
		missing = append(missing, "root")
	}
	for _, tool := range requiredTools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if _, err := squidHelper("basic_ncsa_auth"); err != nil {
		missing = append(missing, "squid's basic_ncsa_auth")
	}
	if _, err := goTool(); err != nil {
		missing = append(missing, "go")
	}
	if len(missing) == 0 {
		return
	}
	Unavailable(tb, "network lab needs "+strings.Join(missing, ", ")+
		" (Debian: apt-get install -y iproute2 dnsmasq iptables squid-openssl; run as root)")
}

// New builds a lab and registers its teardown with tb.Cleanup. It skips
// (see Require) when the lab cannot run here, and fails tb when it can but
// setting it up fails.
func New(tb testing.TB) *Lab {
	tb.Helper()
	Require(tb)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	l, err := build(ctx, tb)
	if err != nil {
		tb.Fatalf("network lab: %v", err)
	}
	return l
}

func build(ctx context.Context, tb testing.TB) (*Lab, error) {
	dir, err := os.MkdirTemp("", "okviz-lab-")
	if err != nil {
		return nil, err
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	// Daemons that drop root (squid) must reach their files.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	for _, sub := range []string{"logs", "home", "work", "pac", "bin"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, err
		}
	}
	l := &Lab{Dir: dir, tb: tb}
	tb.Cleanup(l.dumpLogsOnFailure)

	// Compile the origin server while the namespaces come up.
	labserver := filepath.Join(dir, "bin", "labserver")
	built := make(chan error, 1)
	go func() { built <- goBuild(ctx, labserver, "./internal/lab/labserver") }()

	certs, err := l.prepare(ctx)
	if buildErr := <-built; err == nil {
		err = buildErr
	}
	if err != nil {
		return nil, err
	}

	// The daemons are independent: start them together.
	starts := []func() error{
		func() error {
			return l.startLabserver(ctx, labserver, labserverConfig(certs, filepath.Join(dir, "pac")))
		},
		func() error { return l.startSquid(ctx, certs.leaves[certProxy]) },
		func() error {
			// Not fatal to the lab: only the scenarios that need these
			// proxies fail (RequireAuth, RequireKerberos).
			if l.authErr = l.startKerberos(ctx); l.authErr != nil {
				tb.Logf("network lab: the authenticating proxies did not start: %v", l.authErr)
			}
			return nil
		},
	}
	for _, r := range resolvers() {
		starts = append(starts, func() error { return l.startDNS(ctx, r) })
	}
	return l, parallel(starts)
}

// parallel runs the functions at once and returns the first error in
// their order.
func parallel(fns []func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// prepare builds the network and writes the certificates and PAC files.
func (l *Lab) prepare(ctx context.Context) (certSet, error) {
	if err := l.buildNetwork(ctx); err != nil {
		return certSet{}, err
	}
	certs, err := makeCerts(filepath.Join(l.Dir, "certs"), time.Now())
	if err != nil {
		return certs, err
	}
	l.CAFile, l.PublicRootsFile, l.Roots, l.TrustedRoots = certs.caFile, certs.publicRoots, certs.roots, certs.caPool
	return certs, writePACFiles(filepath.Join(l.Dir, "pac"))
}

// buildNetwork creates the namespaces, the client link and the firewalls.
func (l *Lab) buildNetwork(ctx context.Context) error {
	removeStale(processAlive)
	suffix := make([]byte, 3)
	rand.Read(suffix)
	prefix := fmt.Sprintf("%s%d-%s-", nsPrefix, os.Getpid(), hex.EncodeToString(suffix))
	newNS := func(role string) (*Netns, error) {
		n, err := createNetns(ctx, prefix+role)
		if err != nil {
			return nil, err
		}
		l.tb.Cleanup(func() {
			if err := n.remove(); err != nil {
				l.tb.Errorf("network lab cleanup: %v", err)
			}
		})
		return n, nil
	}
	var err error
	if l.Internet, err = newNS("inet"); err != nil {
		return err
	}
	inet := []string{
		"link add br0 type bridge",
		"link set br0 up",
		"addr add " + GatewayAddr + "/24 dev br0",
		"addr add " + GatewayAddr6 + "/" + linkPrefix6 + " dev br0 nodad",
	}
	for _, o := range origins() {
		inet = append(inet, "addr add "+o.addr+"/32 dev lo")
		if o.addr6 != "" {
			inet = append(inet, "addr add "+o.addr6+"/128 dev lo")
		}
	}
	for _, a := range infraAddrs() {
		inet = append(inet, "addr add "+hostOf(a)+"/32 dev lo")
	}
	if err := l.Internet.ipBatch(ctx, inet...); err != nil {
		return err
	}
	v4, v6 := internetRules()
	if err := l.Internet.setFirewall(ctx, v4, v6); err != nil {
		return err
	}
	// Every refused packet gets its ICMP error, as from a host that
	// serves one client: the kernel's rate limit (a burst of 6, then one a
	// second per peer) would turn a run's burst of DNS queries to
	// RefusingDNSAddr into silence, a timeout instead of a refusal.
	if err := l.Internet.Do(func() error {
		for _, f := range []string{"/proc/sys/net/ipv4/icmp_ratelimit", "/proc/sys/net/ipv6/icmp/ratelimit"} {
			if err := os.WriteFile(f, []byte("0\n"), 0o644); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("lab: ICMP rate limit: %w", err)
	}
	// The clients are independent: build them together.
	targets := map[string]**Netns{
		"direct": &l.Direct, "proxyonly": &l.ProxyOnly, "blackhole": &l.Blackhole,
		"servfail": &l.ServfailDNS, "refused": &l.RefusedDNS, "silentdns": &l.SilentDNS,
		"fwreject": &l.LocalDNSReject, "fwdrop": &l.LocalDNSDrop, "refusingdns": &l.RefusingDNS,
	}
	var builds []func() error
	for i, c := range clients() {
		field := targets[c.role]
		if field == nil {
			return fmt.Errorf("lab: client %q has no field", c.role)
		}
		builds = append(builds, func() error {
			n, err := newNS(c.role)
			if err != nil {
				return err
			}
			*field = n
			return l.buildClient(ctx, n, c, fmt.Sprintf("c%d", i))
		})
	}
	return parallel(builds)
}

// buildClient links a client namespace to the internet namespace's bridge
// through the veth port, and sets its addresses, resolver and firewall.
func (l *Lab) buildClient(ctx context.Context, n *Netns, c client, port string) error {
	n.Addr, n.Addr6 = c.addr, c.addr6
	// The veth is created inside the internet namespace with its peer
	// moved straight into the client: nothing appears on the host.
	if err := l.Internet.ipBatch(ctx,
		"link add "+port+" type veth peer name eth0 netns "+n.Name,
		"link set "+port+" master br0",
		"link set "+port+" up",
	); err != nil {
		return err
	}
	if err := n.ipBatch(ctx,
		"link set eth0 up",
		"addr add "+n.Addr+"/24 dev eth0",
		"addr add "+n.Addr6+"/"+linkPrefix6+" dev eth0 nodad",
		"route add default via "+GatewayAddr,
		"route add default via "+GatewayAddr6,
	); err != nil {
		return err
	}
	if err := n.setResolver(c.resolver); err != nil {
		return err
	}
	v4, v6 := clientRules(c.role)
	return n.setFirewall(ctx, v4, v6)
}

// labserverConfig lists every origin listener, the PAC server and the
// fake proxies and DNS upstream.
func labserverConfig(certs certSet, pacDir string) labconf.Config {
	var cfg labconf.Config
	for _, o := range origins() {
		tlsL := labconf.Listener{Mode: o.mode, Status: o.status, Location: o.location, Body: o.body, DateOffset: o.dateOffset}
		if o.cert != "" {
			f := certs.leaves[o.cert]
			tlsL.CertFile, tlsL.KeyFile = f.Cert, f.Key
		}
		addrs := []string{o.addr}
		if o.addr6 != "" {
			addrs = append(addrs, "["+o.addr6+"]")
		}
		for _, a := range addrs {
			l := tlsL
			l.Addr = a + ":443"
			cfg.Listeners = append(cfg.Listeners, l)
			if o.http80 != "" {
				status := 301
				if o.location != "" {
					status = 302 // the portal's redirect is temporary
				}
				cfg.Listeners = append(cfg.Listeners, labconf.Listener{Addr: a + ":80", Status: status, Location: o.http80})
			}
		}
	}
	cfg.Listeners = append(cfg.Listeners, labconf.Listener{Addr: PACAddr + ":80", Dir: pacDir})
	// What answers for a DoH resolver behind TLS inspection: the
	// inspecting proxy's certificate (a client that does not trust its CA
	// stops there).
	doh := certs.leaves[certDoH]
	cfg.Listeners = append(cfg.Listeners, labconf.Listener{Addr: InterceptedDoHAddr + ":443", CertFile: doh.Cert, KeyFile: doh.Key,
		Status: 403, Body: "DNS over HTTPS is not allowed by your organization's policy"})
	cfg.Listeners = append(cfg.Listeners, fakeServers()...)
	cfg.Listeners = append(cfg.Listeners, pacAuthListeners(pacDir)...)
	return cfg
}

func writePACFiles(dir string) error {
	for name, body := range pacFiles() {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// dumpLogsOnFailure shows the daemons' logs when the test failed, before
// the lab directory is removed.
func (l *Lab) dumpLogsOnFailure() {
	if !l.tb.Failed() {
		return
	}
	logs, _ := filepath.Glob(filepath.Join(l.Dir, "logs", "*.log"))
	logs = append(logs, filepath.Join(l.Dir, "squid", "cache.log"), filepath.Join(l.Dir, "squid", "access.log"))
	for _, p := range logs {
		b, err := os.ReadFile(p)
		if err != nil || len(b) == 0 {
			continue
		}
		const max = 4000
		if len(b) > max {
			b = append([]byte("…"), b[len(b)-max:]...)
		}
		l.tb.Logf("lab log %s:\n%s", filepath.Base(p), b)
	}
}

// TrustArgs are the okviz-check flags that make the lab's PKI look like a
// managed machine's: the lab root public, the interception root trusted
// only locally.
func (l *Lab) TrustArgs() []string {
	return []string{"--ca-file", l.CAFile, "--public-roots", l.PublicRootsFile}
}

package lab

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/internal/lab/labconf"
)

// daemon is a long-running process of the lab.
type daemon struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, valid after done
}

// startDaemon starts argv inside ns, logging to logs/<name>.log. When
// stdout is non-nil it receives the process's stdout instead of the log.
func (l *Lab) startDaemon(ns *Netns, name string, stdout io.Writer, argv ...string) (*daemon, error) {
	logFile, err := os.Create(filepath.Join(l.Dir, "logs", name+".log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns.Name}, argv...)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if stdout != nil {
		cmd.Stdout = stdout
	}
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	d := &daemon{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		d.err = cmd.Wait()
		logFile.Close()
		close(d.done)
	}()
	l.tb.Cleanup(d.stop)
	return d, nil
}

// stop kills the process (by its own pid) and waits for it.
func (d *daemon) stop() {
	select {
	case <-d.done:
		return
	default:
	}
	d.cmd.Process.Kill()
	<-d.done
}

// exited reports an early exit as an error.
func (d *daemon) exited() error {
	select {
	case <-d.done:
		return fmt.Errorf("%s exited: %v (see its log)", d.name, d.err)
	default:
		return nil
	}
}

// waitFor polls probe until it succeeds, the daemon dies or ctx ends.
func (d *daemon) waitFor(ctx context.Context, probe func(context.Context) error) error {
	for {
		pctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		err := probe(pctx)
		cancel()
		if err == nil {
			return nil
		}
		if e := d.exited(); e != nil {
			return e
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w", d.name, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// startDNS starts a dnsmasq that knows only its command line (no
// resolv.conf, no hosts file) and waits until it answers.
func (l *Lab) startDNS(ctx context.Context, r resolver) error {
	args := []string{"dnsmasq",
		"--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
		"--bind-interfaces", "--listen-address=" + r.listen, "--port=53",
		"--pid-file=" + filepath.Join(l.Dir, r.name+".pid"),
		"--log-facility=-", "--log-queries",
	}
	d, err := l.startDaemon(l.Internet, r.name, nil, append(args, r.args...)...)
	if err != nil {
		return err
	}
	res := l.Internet.Resolver(net.JoinHostPort(r.listen, "53"))
	return d.waitFor(ctx, func(ctx context.Context) error {
		_, err := res.LookupHost(ctx, HostGood)
		var dnsErr *net.DNSError
		if !r.answers && errors.As(err, &dnsErr) && !dnsErr.IsTimeout {
			return nil // a failing resolver is up once it says so
		}
		return err
	})
}

// startLabserver starts the origin server and waits for its "ready" line.
func (l *Lab) startLabserver(ctx context.Context, bin string, cfg labconf.Config) error {
	path := filepath.Join(l.Dir, "labserver.json")
	if err := cfg.Write(path); err != nil {
		return err
	}
	pr, pw := io.Pipe()
	d, err := l.startDaemon(l.Internet, "labserver", pw, bin, "-config", path)
	if err != nil {
		return err
	}
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		if sc.Scan() && sc.Text() == "ready" {
			ready <- nil
		} else {
			ready <- errors.New("labserver did not print ready (see its log)")
		}
		io.Copy(io.Discard, pr)
	}()
	go func() { <-d.done; pw.Close() }()
	select {
	case err := <-ready:
		return err
	case <-ctx.Done():
		return fmt.Errorf("labserver not ready: %w", ctx.Err())
	}
}

// squidHelper finds a squid helper program (Debian, Fedora, others).
func squidHelper(name string) (string, error) {
	for _, dir := range []string{"/usr/lib/squid", "/usr/lib64/squid", "/usr/libexec/squid"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("squid helper %s not found", name)
}

// squidCommon is what both lab squids share after their ports: no cache,
// no pinger or netdb, a quick shutdown, the lab's resolver, and their
// logs and state in dir.
func squidCommon(hostname, dir string) []string {
	return []string{
		"visible_hostname " + hostname,
		"pid_filename none",
		"cache deny all",
		"cache_mem 8 MB",
		"max_filedescriptors 1024",
		"pinger_enable off",
		"netdb_filename none",
		"shutdown_lifetime 0 seconds",
		"dns_nameservers " + GatewayAddr,
		"access_log stdio:" + filepath.Join(dir, "access.log"),
		"cache_log " + filepath.Join(dir, "cache.log"),
		"cache_store_log none",
		"coredump_dir " + dir,
	}
}

// squidConf is one squid with four ports: open, Basic auth, one that
// denies the okviz.com domain, and an open https_port (TLS from the client
// to the proxy) with the certificate in cert.
func squidConf(dir, ncsaAuth string, cert certgen.Files) string {
	port := func(addr, name string) string { return "http_port " + addr + " name=" + name }
	return strings.Join(slices.Concat([]string{
		"# okviz-check network lab",
		port(ProxyAddr, "open"),
		port(AuthProxyAddr, "auth"),
		port(DenyProxyAddr, "deny"),
		"https_port " + HTTPSProxyAddr + " name=secure tls-cert=" + cert.Cert + " tls-key=" + cert.Key,
	}, squidCommon("okviz-lab-proxy", dir), []string{
		"auth_param basic program " + ncsaAuth + " " + filepath.Join(dir, "htpasswd"),
		"auth_param basic realm okviz-lab",
		"auth_param basic children 2 startup=1",
		"acl port_auth myportname auth",
		"acl port_deny myportname deny",
		"acl okviz dstdomain .okviz.com",
		"acl authed proxy_auth REQUIRED",
		"acl SSL_ports port 443",
		"acl CONNECT method CONNECT",
		"http_access deny CONNECT !SSL_ports",
		"http_access deny port_deny okviz",
		"http_access allow port_auth authed",
		"http_access deny port_auth",
		"http_access allow all",
		"",
	}), "\n")
}

// startSquid writes squid's configuration, password file and https_port
// certificate, and waits until every port accepts connections.
func (l *Lab) startSquid(ctx context.Context, cert certgen.Files) error {
	dir := filepath.Join(l.Dir, "squid")
	// squid drops root for its own user: its files must be readable and
	// its log directory writable by that user.
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		return err
	}
	auth, err := squidHelper("basic_ncsa_auth")
	if err != nil {
		return err
	}
	sum := md5.Sum([]byte(ProxyPassword)) // a format basic_ncsa_auth accepts
	if err := os.WriteFile(filepath.Join(dir, "htpasswd"), []byte(ProxyUser+":"+hex.EncodeToString(sum[:])+"\n"), 0o644); err != nil {
		return err
	}
	// Copies squid can read whichever user it runs as (the key is a
	// throwaway made for this run).
	own := certgen.Files{Cert: filepath.Join(dir, "proxy.pem"), Key: filepath.Join(dir, "proxy-key.pem")}
	for _, f := range [][2]string{{cert.Cert, own.Cert}, {cert.Key, own.Key}} {
		b, err := os.ReadFile(f[0])
		if err != nil {
			return err
		}
		if err := os.WriteFile(f[1], b, 0o644); err != nil {
			return err
		}
	}
	conf := filepath.Join(dir, "squid.conf")
	if err := os.WriteFile(conf, []byte(squidConf(dir, auth, own)), 0o644); err != nil {
		return err
	}
	d, err := l.startDaemon(l.Internet, "squid", nil, "squid", "-N", "-f", conf)
	if err != nil {
		return err
	}
	return d.waitFor(ctx, func(ctx context.Context) error {
		for _, addr := range []string{ProxyAddr, AuthProxyAddr, DenyProxyAddr, HTTPSProxyAddr} {
			c, err := l.Internet.DialContext(ctx, "tcp", addr)
			if err != nil {
				return err
			}
			c.Close()
		}
		return nil
	})
}

package tunnel

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/credentials"
	"github.com/jcmturner/gokrb5/v8/spnego"
)

// kerberosLogin answers Negotiate from the user's Kerberos ticket cache
// (KRB5CCNAME, else the default /tmp/krb5cc_<uid>) with the realm settings
// of KRB5_CONFIG or /etc/krb5.conf, as browsers on Linux and macOS do with
// GSSAPI. It never asks for a password: no ticket means "run kinit".
type kerberosLogin struct {
	getenv func(string) string
	uid    int
	mu     sync.Mutex
	who    string // the cached client principal, once read
}

func (k *kerberosLogin) Schemes() []string { return []string{"Negotiate"} }
func (k *kerberosLogin) Source() string    { return "the Kerberos ticket cache" }
func (k *kerberosLogin) Who() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.who != "" {
		return k.who
	}
	return "the Kerberos ticket's principal"
}

// ccachePath is the file of the ticket cache, or an error in plain words
// for a cache that is not a file (KEYRING:, KCM:, API: on macOS).
func (k *kerberosLogin) ccachePath() (string, error) {
	v := k.getenv("KRB5CCNAME")
	if v == "" {
		return fmt.Sprintf("/tmp/krb5cc_%d", k.uid), nil
	}
	kind, rest, typed := strings.Cut(v, ":")
	switch {
	case !typed || strings.HasPrefix(v, "/") || windowsPath(v):
		return v, nil
	case strings.EqualFold(kind, "FILE"):
		return rest, nil
	}
	return "", fmt.Errorf("KRB5CCNAME=%s is a %s cache, which okviz-check cannot read: run kinit -c FILE:/tmp/krb5cc_okviz and set KRB5CCNAME=FILE:/tmp/krb5cc_okviz", v, kind)
}

func (k *kerberosLogin) NewContext(scheme, proxyHost string) (SecurityContext, error) {
	if scheme != "Negotiate" {
		return nil, fmt.Errorf("the Kerberos ticket cache does not answer %s", scheme)
	}
	path, err := k.ccachePath()
	if err != nil {
		return nil, err
	}
	cc, err := credentials.LoadCCache(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no Kerberos ticket (no ticket cache at %s): run kinit user@REALM", path)
		}
		return nil, fmt.Errorf("the Kerberos ticket cache %s cannot be read (%v): run kinit user@REALM", path, err)
	}
	who := cc.GetClientPrincipalName().PrincipalNameString() + "@" + cc.GetClientRealm()
	k.mu.Lock()
	k.who = who
	k.mu.Unlock()
	confPath := k.getenv("KRB5_CONFIG")
	if confPath == "" {
		confPath = "/etc/krb5.conf"
	}
	conf, err := config.Load(confPath)
	if err != nil {
		return nil, fmt.Errorf("the Kerberos configuration %s cannot be read: %v", confPath, err)
	}
	cl, err := client.NewFromCCache(cc, conf, client.DisablePAFXFAST(true))
	if err != nil {
		return nil, fmt.Errorf("no usable Kerberos ticket for %s (%v): run kinit", who, err)
	}
	return &kerberosContext{cl: cl, spn: spn(proxyHost)}, nil
}

// kerberosContext sends one SPNEGO NegTokenInit with a service ticket for
// HTTP/<proxy host>; a proxy's reply token (mutual authentication) ends it.
type kerberosContext struct {
	cl   *client.Client
	spn  string
	sent bool
}

func (c *kerberosContext) Step(in []byte) ([]byte, error) {
	if c.sent {
		return nil, errors.New("the proxy continued the Negotiate handshake after the Kerberos ticket was sent")
	}
	c.sent = true
	tok, err := spnego.SPNEGOClient(c.cl, c.spn).InitSecContext()
	if err != nil {
		return nil, serviceTicketError(c.spn, err)
	}
	b, err := tok.Marshal()
	if err != nil {
		return nil, err
	}
	return b, nil
}

func (c *kerberosContext) Close() { c.cl.Destroy() }

// windowsPath reports a drive path (C:\x or C:/x), which is a file, not a
// cache type named "C".
func windowsPath(v string) bool {
	return len(v) > 2 && v[1] == ':' && (v[2] == '\\' || v[2] == '/') &&
		(v[0] >= 'a' && v[0] <= 'z' || v[0] >= 'A' && v[0] <= 'Z')
}

// serviceTicketError says why no service ticket for spn could be had. The
// KDC's "principal unknown" (KDC_ERR_S_PRINCIPAL_UNKNOWN, error 7) is the
// common case and gets plain words: the proxy is configured by a name (an
// alias, a load balancer's name, an address) for which no HTTP/ SPN is
// registered, and browsers build the SPN from the name as configured too.
// gokrb5 reports KDC errors as text only (its Krberror does not unwrap),
// hence the match on the error name.
func serviceTicketError(spn string, err error) error {
	if strings.Contains(err.Error(), "KDC_ERR_S_PRINCIPAL_UNKNOWN") {
		return fmt.Errorf("the KDC does not know the service principal %s (KDC_ERR_S_PRINCIPAL_UNKNOWN): configure the proxy by the name its Kerberos SPN is registered under, or have %s registered for the proxy's service account (setspn -S %s ACCOUNT)", spn, spn, spn)
	}
	return fmt.Errorf("no Kerberos service ticket for %s (is the SPN known to the KDC?): %v", spn, err)
}

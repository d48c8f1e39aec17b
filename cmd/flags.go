package cmd

import (
	"fmt"
	"math"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/okviz/okviz-check/proxy/discover"
)

// enumValue is a string flag restricted to a fixed set of words.
type enumValue struct {
	val     *string
	allowed []string
}

func newEnum(p *string, def string, allowed ...string) *enumValue {
	*p = def
	return &enumValue{val: p, allowed: allowed}
}

func (e *enumValue) String() string { return *e.val }
func (e *enumValue) Type() string   { return "string" }
func (e *enumValue) Set(s string) error {
	for _, a := range e.allowed {
		if strings.EqualFold(s, a) {
			*e.val = a
			return nil
		}
	}
	return fmt.Errorf("must be one of %s", strings.Join(e.allowed, ", "))
}

// completeEnums offers the allowed values of every enum flag of the root
// (persistent and local) to shell completion.
func completeEnums(root *cobra.Command) {
	for _, sub := range root.Commands() {
		completeEnums(sub)
	}
	for _, fs := range []*pflag.FlagSet{root.PersistentFlags(), root.Flags()} {
		fs.VisitAll(func(f *pflag.Flag) {
			if e, ok := f.Value.(*enumValue); ok {
				allowed := e.allowed
				root.RegisterFlagCompletionFunc(f.Name, func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
					return allowed, cobra.ShellCompDirectiveNoFileComp
				})
			}
		})
	}
}

// timeoutValue is a duration that must be positive and sane.
type timeoutValue struct{ d *time.Duration }

func (t timeoutValue) String() string { return t.d.String() }
func (t timeoutValue) Type() string   { return "duration" }
func (t timeoutValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		// A bare number is seconds, as curl's --max-time and most tools read it.
		secs, ferr := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if ferr != nil || math.IsNaN(secs) || math.IsInf(secs, 0) {
			return fmt.Errorf("not a duration (use e.g. 5, 5s, 1500ms)")
		}
		if secs > 600 {
			return fmt.Errorf("must be at most 10m")
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d <= 0 {
		return fmt.Errorf("must be greater than zero")
	}
	if d > 10*time.Minute {
		return fmt.Errorf("must be at most 10m")
	}
	*t.d = d
	return nil
}

// listValue is a comma-separated, repeatable list whose items are checked.
// Unlike pflag's StringSlice, the first Set from a later source replaces
// the default instead of appending to it.
type listValue struct {
	val   *[]string
	check func(string) error
	set   bool
}

func (l *listValue) String() string { return strings.Join(*l.val, ",") }
func (l *listValue) Type() string   { return "list" }
func (l *listValue) Set(s string) error {
	var items []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if err := l.check(p); err != nil {
			return err
		}
		items = append(items, p)
	}
	if !l.set {
		*l.val = nil
		l.set = true
	}
	*l.val = append(*l.val, items...)
	// "none" (--dns-compare none) switches a list off: it stands alone.
	if len(*l.val) > 1 && slices.Contains(*l.val, "none") {
		return fmt.Errorf("none cannot be combined with other values")
	}
	return nil
}

// checkResolver accepts an IP or [IPv6]:port / IPv4:port.
func checkResolver(s string) error {
	if net.ParseIP(s) != nil {
		return nil
	}
	if h, p, err := net.SplitHostPort(s); err == nil && net.ParseIP(h) != nil {
		return checkPort(p)
	}
	return fmt.Errorf("%q is not an IP address (or IP:port)", s)
}

// checkPort accepts a decimal port number from 1 to 65535.
func checkPort(p string) error {
	if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port %q is not between 1 and 65535", p)
	}
	return nil
}

// checkURLPort accepts a URL whose port, if it has one, is valid.
func checkURLPort(u *url.URL) error {
	if p := u.Port(); p != "" || strings.HasSuffix(u.Host, ":") {
		return checkPort(p)
	}
	return nil
}

// checkCompare accepts what checkResolver accepts, an https:// DoH URL, or "none".
func checkCompare(s string) error {
	if s == "none" {
		return nil
	}
	if strings.HasPrefix(s, "https://") {
		u, err := url.Parse(s)
		if err != nil || u.Hostname() == "" || u.User != nil {
			return fmt.Errorf("%q is not a valid DoH URL", s)
		}
		if err := checkURLPort(u); err != nil {
			return fmt.Errorf("%q: %v", s, err)
		}
		return nil
	}
	if err := checkResolver(s); err != nil {
		return fmt.Errorf("%q is neither an IP address nor an https:// DoH URL", s)
	}
	return nil
}

// checkProxyURL accepts http, https and socks proxy URLs, and the forms
// WinINET writes (see discover.ParseGivenProxy).
func checkProxyURL(s string) error {
	if s == "" {
		return nil
	}
	if discover.WinINETForm(s) {
		_, err := discover.ParseGivenProxy(s)
		return err
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("not a proxy URL (want e.g. http://proxy:8080)")
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h", "socks4":
	default:
		return fmt.Errorf("unsupported proxy scheme %q (want http, https or socks5)", u.Scheme)
	}
	return checkURLPort(u)
}

// checkPACSource accepts a path, a file:// URL or an http(s):// URL with a
// host, the sources a PAC file can be fetched from.
func checkPACSource(s string) error {
	i := strings.Index(s, "://")
	if i <= 1 { // a path; "C:\x.pac" and "./x.pac" included
		return nil
	}
	switch strings.ToLower(s[:i]) {
	case "file":
		return nil
	case "http", "https":
		u, err := url.Parse(s)
		if err != nil || u.Hostname() == "" {
			return fmt.Errorf("%q is not a valid PAC URL", s)
		}
		return checkURLPort(u)
	}
	return fmt.Errorf("%q: only file paths, file:// and http(s):// URLs can name a PAC file", s)
}

// checkedString is a string flag validated by check.
type checkedString struct {
	val   *string
	check func(string) error
}

func (c checkedString) String() string { return *c.val }
func (c checkedString) Type() string   { return "string" }
func (c checkedString) Set(s string) error {
	if err := c.check(s); err != nil {
		return err
	}
	*c.val = s
	return nil
}

var _ pflag.Value = (*listValue)(nil)

// plainBool wraps a bool flag so that a bad value says what is allowed
// instead of strconv.ParseBool's own words.
type plainBool struct{ pflag.Value }

func (b plainBool) IsBoolFlag() bool { return true }
func (b plainBool) Set(s string) error {
	if err := b.Value.Set(s); err != nil {
		return fmt.Errorf("must be true or false (or 1 or 0)")
	}
	return nil
}

// plainBools wraps every bool flag of fs in plainBool.
func plainBools(fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if _, done := f.Value.(plainBool); !done && f.Value.Type() == "bool" {
			f.Value = plainBool{f.Value}
		}
	})
}

// plainBoolsAll applies plainBools to every flag set of c and its
// subcommands.
func plainBoolsAll(c *cobra.Command) {
	plainBools(c.PersistentFlags())
	plainBools(c.Flags())
	for _, sub := range c.Commands() {
		plainBoolsAll(sub)
	}
}

package pac

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
)

// MaxPACSize is the largest PAC script accepted, as in Chromium (1 MiB).
const MaxPACSize = 1 << 20

// Defaults of EvalEnv.
const (
	DefaultPACTimeout = 5 * time.Second
	DefaultDNSTimeout = 2 * time.Second
	DefaultPACMaxHeap = 256 << 20
)

// Limits on what one evaluation may collect or do.
const (
	MaxAlerts       = 100  // alert() messages kept; later ones are counted, not kept
	MaxAlertLength  = 2000 // bytes kept of each alert() message
	pacMaxCallDepth = 3000
)

// pacSourceName names the script in goja's positions ("PAC:3:5").
const pacSourceName = "PAC"

// PAC is a compiled proxy auto-config script. It holds no runtime state:
// every evaluation runs the script in a fresh JavaScript runtime, so one
// PAC may be evaluated from several goroutines at once.
type PAC struct {
	prog  *goja.Program
	shape pacShape // where its loops are, to say where a runaway was stopped
}

// EvalEnv is the world a PAC evaluation sees. The zero value is usable: the
// system resolver, the real clock, no local addresses, default limits.
type EvalEnv struct {
	// MyIP is what myIpAddressEx() returns; myIpAddress() returns its first
	// IPv4 address, else its first address, else "127.0.0.1" (Chromium's
	// answer when it finds nothing). MyIPAddresses finds them as Chromium does.
	MyIP []net.IP
	// Resolve looks up a host's addresses for dnsResolve(), isInNet() and
	// the other DNS helpers. It must honour ctx. Nil means net.DefaultResolver.
	Resolve func(ctx context.Context, host string) ([]net.IP, error)
	// Now is the clock of weekdayRange(), dateRange(), timeRange() and the
	// script's Date. Nil means time.Now.
	Now func() time.Time
	// Timeout bounds the whole evaluation, DNS lookups included; a script
	// still running then is a runaway. Zero means DefaultPACTimeout.
	Timeout time.Duration
	// DNSTimeout bounds each DNS lookup of a helper (a lookup that times out
	// makes dnsResolve() return null). Zero means DefaultDNSTimeout.
	DNSTimeout time.Duration
	// MaxHeap is how far the Go heap may grow while the script runs before
	// it is stopped as a runaway. Zero means DefaultPACMaxHeap. The heap is
	// the process's, so concurrent work counts against it too.
	MaxHeap uint64
	// PreferEx calls FindProxyForURLEx when the script defines it, as
	// Internet Explorer and WinHTTP do. Chromium (Edge, Chrome, WebView2,
	// so Power BI) only ever calls FindProxyForURL, which is the default.
	PreferEx bool
}

func (env EvalEnv) withDefaults() EvalEnv {
	if env.Resolve == nil {
		env.Resolve = func(ctx context.Context, host string) ([]net.IP, error) {
			return net.DefaultResolver.LookupIP(ctx, "ip", host)
		}
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Timeout <= 0 {
		env.Timeout = DefaultPACTimeout
	}
	if env.DNSTimeout <= 0 {
		env.DNSTimeout = DefaultDNSTimeout
	}
	if env.DNSTimeout > env.Timeout {
		env.DNSTimeout = env.Timeout
	}
	if env.MaxHeap == 0 {
		env.MaxHeap = DefaultPACMaxHeap
	}
	return env
}

// Evaluation is what one call of the script produced. FindProxy fills what
// it learned even when it also returns an error, so a report can show the
// alerts and slow lookups that led to a runaway script.
type Evaluation struct {
	URL            string        // the URL as passed to the script (see SanitizeURL)
	Host           string        // the host as passed to the script
	Function       string        // "FindProxyForURL" or "FindProxyForURLEx"
	Result         string        // exactly the string the script returned
	Proxies        []ProxyEntry  // Result parsed, in failover order
	Alerts         []string      // alert() messages, at most MaxAlerts
	AlertsDropped  int           // alert() messages beyond MaxAlerts
	Lookups        []Lookup      // DNS lookups made by the helpers, in order, at most 200
	LookupsDropped int           // lookups made beyond those kept
	Duration       time.Duration // on EvalEnv.Now's clock
}

// Lookup is one DNS lookup made by a PAC helper (dnsResolve, isInNet, ...).
// Answers are cached for the evaluation, so each host appears once.
type Lookup struct {
	Host      string
	Addresses []string
	Err       error // nil on success; wraps context.DeadlineExceeded on timeout
	Duration  time.Duration
}

// PACErrorKind classifies why a PAC script does not work. All kinds map to
// the problem code proxy.pac_invalid.
type PACErrorKind string

// The kinds of PACError.
const (
	PACSyntax  PACErrorKind = "syntax"  // the script does not parse (or is empty or too large)
	PACRuntime PACErrorKind = "runtime" // it throws, or FindProxyForURL is missing
	PACRunaway PACErrorKind = "runaway" // it ran too long, too deep or used too much memory
	PACResult  PACErrorKind = "result"  // it returned something that is not a usable proxy list
)

// PACError says why a PAC script does not work, and where when known.
type PACError struct {
	Kind    PACErrorKind
	Line    int // 1-based line in the script, 0 when unknown
	Column  int
	Message string
	Err     error // the engine's error, or a *ResultError for PACResult
}

func (e *PACError) Error() string {
	var b strings.Builder
	switch e.Kind {
	case PACSyntax:
		b.WriteString("PAC syntax error")
	case PACRuntime:
		b.WriteString("PAC script error")
	case PACRunaway:
		b.WriteString("runaway PAC script")
	default:
		b.WriteString("bad PAC result")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, " at line %d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ", column %d", e.Column)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Message)
	return b.String()
}

func (e *PACError) Unwrap() error { return e.Err }

// ParsePAC compiles a PAC script. The bytes are read as UTF-8 when they are
// valid UTF-8 (or start with a UTF-8 or UTF-16 byte-order mark), else as
// ISO-8859-1, the charset Chromium assumes when the server names none.
// Syntax errors are *PACError values with the line and column.
func ParsePAC(src []byte) (*PAC, error) {
	if len(src) > MaxPACSize {
		return nil, &PACError{Kind: PACSyntax, Message: fmt.Sprintf("the script is %d bytes, more than the 1 MiB browsers accept", len(src))}
	}
	text := decodePACSource(src)
	if strings.TrimSpace(text) == "" {
		return nil, &PACError{Kind: PACSyntax, Message: "the script is empty"}
	}
	prog, shape, err := pacCompile(text)
	if err != nil {
		return nil, err
	}
	return &PAC{prog: prog, shape: shape}, nil
}

// pacCompile compiles with a recover: the parser must not take the process
// down whatever the input. Source maps are disabled: goja would otherwise
// read the file a "//# sourceMappingURL=" comment names.
func pacCompile(text string) (prog *goja.Program, shape pacShape, err error) {
	defer func() {
		if x := recover(); x != nil {
			prog, err = nil, &PACError{Kind: PACSyntax, Message: fmt.Sprintf("the JavaScript parser failed: %v", x)}
		}
	}()
	ast, err := parser.ParseFile(nil, pacSourceName, text, 0, parser.WithDisableSourceMaps)
	if err != nil {
		return nil, shape, pacSyntaxError(err)
	}
	prog, err = goja.CompileAST(ast, false)
	if err != nil {
		return nil, shape, pacSyntaxError(err)
	}
	return prog, shapeOf(ast), nil
}

func pacSyntaxError(err error) *PACError {
	pe := &PACError{Kind: PACSyntax, Err: err, Message: err.Error()}
	var list parser.ErrorList
	var one *parser.Error
	var cse *goja.CompilerSyntaxError
	switch {
	case errors.As(err, &list) && len(list) > 0:
		pe.Line, pe.Column, pe.Message = list[0].Position.Line, list[0].Position.Column, list[0].Message
	case errors.As(err, &one):
		pe.Line, pe.Column, pe.Message = one.Position.Line, one.Position.Column, one.Message
	case errors.As(err, &cse):
		pe.Message = cse.Message
		if cse.File != nil {
			p := cse.File.Position(cse.Offset)
			pe.Line, pe.Column = p.Line, p.Column
		}
	}
	return pe
}

// decodePACSource turns the script's bytes into text (see ParsePAC).
func decodePACSource(src []byte) string {
	switch {
	case bytes.HasPrefix(src, []byte{0xEF, 0xBB, 0xBF}):
		return strings.ToValidUTF8(string(src[3:]), "\uFFFD")
	case bytes.HasPrefix(src, []byte{0xFF, 0xFE}):
		return decodeUTF16(src[2:], false)
	case bytes.HasPrefix(src, []byte{0xFE, 0xFF}):
		return decodeUTF16(src[2:], true)
	case utf8.Valid(src):
		return string(src)
	}
	r := make([]rune, len(src))
	for i, c := range src {
		r[i] = rune(c)
	}
	return string(r)
}

func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return string(utf16.Decode(u))
}

// FindProxy evaluates the script for rawURL the way Chromium does: the URL
// is sanitised first (SanitizeURL), the script's global code runs in a fresh
// runtime, then FindProxyForURL(url, host) is called and its string parsed.
//
// Errors: a *URLError for a bad rawURL; a *PACError for a script that does
// not work (syntax, runtime, runaway, bad result); ctx's error, wrapped,
// when ctx ends first. A runaway script is stopped within env.Timeout, or
// sooner when the heap grows past env.MaxHeap; no goroutine of the
// evaluation outlives the call (but a Resolve that ignores its context runs
// on until it returns).
func (p *PAC) FindProxy(ctx context.Context, rawURL string, env EvalEnv) (Evaluation, error) {
	u, host, err := SanitizeURL(rawURL)
	if err != nil {
		return Evaluation{}, err
	}
	env = env.withDefaults()
	start := env.Now()
	ev := Evaluation{URL: u, Host: host}
	st := &pacState{env: env, ev: &ev, shape: p.shape}
	err = st.run(ctx, p.prog)
	ev.Duration = env.Now().Sub(start)
	return ev, err
}

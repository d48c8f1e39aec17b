package diag

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/okviz/okviz-check/internal/certgen"
	"github.com/okviz/okviz-check/internal/fakedns"
	"github.com/okviz/okviz-check/internal/leakcheck"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Hostile peers, run through the real Prober end to end: each must end
// near its deadline with the right problem code, leave no goroutine behind
// and keep memory bounded however much the peer sends.

const (
	// hostileTimeout is the prober's bound of each network operation:
	// short, since most peers here make the probe wait for it, yet well
	// above a loopback handshake under the race detector on a loaded
	// two-CPU CI machine (post-quantum key exchange on both ends).
	hostileTimeout = time.Second
	// hangFactor times the prober's timeout is when a probe is declared
	// hung: a hang detector, far above any honest duration, not a speed test.
	hangFactor = 10
	// streamTotal is how much a streaming peer is willing to send.
	streamTotal = 200 << 20
	// memCeiling is the most the heap may grow by (measured as bytes
	// allocated, an upper bound of growth whatever the GC does) while a
	// peer streams streamTotal bytes at the probe: 16 MiB, two orders of
	// magnitude below what an unbounded reader would take.
	memCeiling = 16 << 20
)

// errPort80 is what fixtureDialer answers for port 80.
var errPort80 = errors.New("the test dialer refuses port 80")

// fixtureDialer dials for real, except port 80: the captive-portal test
// that some TLS failures trigger is sent to port80 when set, and refused
// otherwise, never to whatever may listen on this machine's port 80.
type fixtureDialer struct {
	net.Dialer
	port80 string // a loopback server standing in for port 80
}

func (d *fixtureDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if _, port, _ := net.SplitHostPort(addr); port == "80" {
		if d.port80 == "" {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errPort80}
		}
		addr = d.port80
	}
	return d.Dialer.DialContext(ctx, network, addr)
}

// hostileProber trusts ca both as this machine (through --ca-file) and as
// the public web, so a handshake with its leaves is tls.ok.
func hostileProber(ca *certgen.CA, timeout time.Duration) *Prober {
	p := NewProber(timeout)
	p.Dialer = &fixtureDialer{}
	p.SystemRoots = x509.NewCertPool()
	p.ExtraRoots = ca.Pool()
	p.PublicRoots = ca.Pool()
	p.UserAgent = "okviz-check/test"
	return p
}

// loopbackTarget is https://127.0.0.1:port/path: an address literal, so no DNS.
func loopbackTarget(t testing.TB, addr, path string) Target {
	t.Helper()
	tg, err := ParseTarget("https://" + addr + path)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// probeWithin runs p.Probe and fails the test when it has not returned
// after limit. The probe goroutine is left running then: the leak check
// reports it with its stack, which shows where it hangs.
func probeWithin(t testing.TB, p *Prober, tg Target, st Stages, limit time.Duration) TargetResult {
	t.Helper()
	done := make(chan TargetResult, 1)
	go func() { done <- p.Probe(context.Background(), tg, st) }()
	select {
	case res := <-done:
		return res
	case <-time.After(limit):
		t.Fatalf("the probe of %s did not return within %v (timeout %v): hung", tg.URL, limit, p.Timeout)
		return TargetResult{}
	}
}

// stream writes pseudo-random chunks until total bytes are written or the
// client goes away, and returns how many bytes were written. frame, when
// set, prefixes each chunk (a TLS record header, a chunk size line).
func stream(w io.Writer, total, chunkSize int, frame func(n int) []byte) int64 {
	chunk := make([]byte, chunkSize)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range chunk {
		chunk[i] = byte('a' + r.IntN(26))
	}
	var sent int64
	for sent < int64(total) {
		if frame != nil {
			n, err := w.Write(frame(len(chunk)))
			sent += int64(n)
			if err != nil {
				return sent
			}
		}
		n, err := w.Write(chunk)
		sent += int64(n)
		if err != nil {
			return sent
		}
	}
	return sent
}

// trickle writes one byte every 50ms until the client goes away.
func trickle(w io.Writer) {
	for {
		if _, err := w.Write([]byte("a")); err != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// drain reads until the client closes.
func drain(r io.Reader) { _, _ = io.Copy(io.Discard, r) }

// httpPeer completes a real TLS handshake with leaf, offering protos by
// ALPN; for HTTP/1.1 it reads the request first. Then answer has the
// connection.
func httpPeer(leaf *certgen.Leaf, protos []string, answer func(c *tls.Conn)) func(net.Conn) {
	cfg := &tls.Config{Certificates: []tls.Certificate{leaf.TLS}, NextProtos: protos}
	return func(raw net.Conn) {
		c := tls.Server(raw, cfg)
		if err := c.Handshake(); err != nil {
			return
		}
		if c.ConnectionState().NegotiatedProtocol != "h2" {
			if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
				return
			}
		}
		answer(c)
	}
}

// hostileCase is one hostile peer and what the probe must conclude.
type hostileCase struct {
	name string
	// serve handles one connection; sent accumulates what it streamed.
	serve func(leaf *certgen.Leaf, sent *atomic.Int64) func(net.Conn)
	// timeout is the prober's; 0 means hostileTimeout.
	timeout time.Duration
	verdict Code   // the verdict's code
	check   string // the ID of the check that must carry the verdict's code
	says    string // in that check's summary, when set
	// streams marks a peer that sends much more than the probe should
	// read: the heap growth is measured against memCeiling.
	streams bool
	// mustCut marks a peer offering streamTotal bytes of which the probe
	// must read only a bounded prefix before it hangs up: the peer must
	// fail to send them all.
	mustCut bool
}

// hostilePeers are the peers of TestProbeHostilePeers.
func hostilePeers() []hostileCase {
	http11 := []string{"http/1.1"}
	return []hostileCase{
		{
			name: "TLS: garbage instead of a ServerHello",
			serve: func(_ *certgen.Leaf, _ *atomic.Int64) func(net.Conn) {
				return func(c net.Conn) {
					if _, err := readRecord(c); err != nil {
						return
					}
					_, _ = c.Write([]byte("\x00\xffthis is not TLS at all\r\n\x13\x37"))
					drain(c)
				}
			},
			verdict: "tls.protocol_error", check: "tls.handshake",
		},
		{
			name: "TLS: stalls after a partial ServerHello record",
			serve: func(_ *certgen.Leaf, _ *atomic.Int64) func(net.Conn) {
				return func(c net.Conn) {
					if _, err := readRecord(c); err != nil {
						return
					}
					// A handshake record announcing 122 bytes, of which
					// only the ServerHello's first 10 ever come.
					_, _ = c.Write([]byte{22, 3, 3, 0, 122, 2, 0, 0, 118, 3, 3, 0xaa, 0xbb, 0xcc, 0xdd})
					drain(c)
				}
			},
			verdict: "tls.timeout", check: "tls.handshake",
		},
		{
			name: "TLS: endless stream of record-shaped bytes",
			serve: func(_ *certgen.Leaf, sent *atomic.Int64) func(net.Conn) {
				return func(c net.Conn) {
					if _, err := readRecord(c); err != nil {
						return
					}
					// Handshake records of the largest size a peer may
					// send, forever; the first announces a ServerHello of
					// 64 KiB - 1, just under crypto/tls's message limit.
					first := true
					sent.Add(stream(c, streamTotal, 1<<14, func(n int) []byte {
						h := []byte{22, 3, 3, byte(n >> 8), byte(n)}
						if first {
							first = false
							return append(h, 2, 0, 0xff, 0xff)
						}
						return h
					}))
					drain(c)
				}
			},
			verdict: "tls.protocol_error", check: "tls.handshake", streams: true, mustCut: true,
		},
		{
			name: "HTTP: trickles header bytes forever",
			serve: func(leaf *certgen.Leaf, _ *atomic.Int64) func(net.Conn) {
				return httpPeer(leaf, http11, func(c *tls.Conn) {
					if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Slow: "); err == nil {
						trickle(c)
					}
				})
			},
			verdict: "http.timeout", check: "http.get",
		},
		{
			// A minute of timeout: only reading a bounded prefix and then
			// hanging up ends the probe before the hang detector fires,
			// and a probe that drained the body would let the peer send
			// all of streamTotal.
			name: "HTTP: endless chunked body",
			serve: func(leaf *certgen.Leaf, sent *atomic.Int64) func(net.Conn) {
				return httpPeer(leaf, http11, func(c *tls.Conn) {
					if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"); err != nil {
						return
					}
					sep := ""
					sent.Add(stream(c, streamTotal, 1<<14, func(n int) []byte {
						line := sep + strconv.FormatInt(int64(n), 16) + "\r\n"
						sep = "\r\n" // ends the previous chunk's data
						return []byte(line)
					}))
				})
			},
			timeout: time.Minute, verdict: "ok", check: "http.get", streams: true, mustCut: true,
		},
		{
			name: "HTTP: 200 MiB body with a Content-Length",
			serve: func(leaf *certgen.Leaf, sent *atomic.Int64) func(net.Conn) {
				return httpPeer(leaf, http11, func(c *tls.Conn) {
					if _, err := fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n", streamTotal); err == nil {
						sent.Add(stream(c, streamTotal, 1<<14, nil))
					}
				})
			},
			timeout: time.Minute, verdict: "ok", check: "http.get", streams: true, mustCut: true,
		},
		{
			name: "HTTP: a 10 MiB header line",
			serve: func(leaf *certgen.Leaf, sent *atomic.Int64) func(net.Conn) {
				return httpPeer(leaf, http11, func(c *tls.Conn) {
					if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Big: "); err != nil {
						return
					}
					sent.Add(stream(c, 10<<20, 1<<14, nil))
					if _, err := io.WriteString(c, "\r\nContent-Length: 0\r\n\r\n"); err == nil {
						drain(c)
					}
				})
			},
			verdict: "http.protocol_error", check: "http.get", says: "header larger than 64 KiB", streams: true,
		},
		{
			name: "HTTP: endless header line at full speed",
			serve: func(leaf *certgen.Leaf, sent *atomic.Int64) func(net.Conn) {
				return httpPeer(leaf, http11, func(c *tls.Conn) {
					if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Big: "); err == nil {
						sent.Add(stream(c, streamTotal, 1<<14, nil))
					}
				})
			},
			verdict: "http.protocol_error", check: "http.get", says: "header larger than 64 KiB", streams: true, mustCut: true,
		},
		{
			name: "HTTP/2: endless body",
			serve: func(leaf *certgen.Leaf, sent *atomic.Int64) func(net.Conn) {
				return httpPeer(leaf, []string{"h2"}, func(c *tls.Conn) {
					h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						sent.Add(stream(w, streamTotal, 1<<14, nil))
					})
					//lint:ignore SA1019 a test peer serving HTTP/2 on one accepted connection; net/http has no per-connection server
					(&http2.Server{}).ServeConn(c, &http2.ServeConnOpts{Handler: h})
				})
			},
			timeout: time.Minute, verdict: "ok", check: "http.get", streams: true, mustCut: true,
		},
		{
			name: "HTTP/2: endless header block (CONTINUATION frames)",
			serve: func(leaf *certgen.Leaf, sent *atomic.Int64) func(net.Conn) {
				return httpPeer(leaf, []string{"h2"}, func(c *tls.Conn) {
					sent.Add(endlessHeaders(c))
					drain(c)
				})
			},
			verdict: "http.protocol_error", check: "http.get", streams: true, mustCut: true,
		},
		{
			name: "HTTP/2: garbage after ALPN h2",
			serve: func(leaf *certgen.Leaf, _ *atomic.Int64) func(net.Conn) {
				return httpPeer(leaf, []string{"h2"}, func(c *tls.Conn) {
					_, _ = io.WriteString(c, "HTTP/1.1 400 Bad Request\r\n\r\nnot a frame, not a preface\x00\xff\xff\xff")
					drain(c)
				})
			},
			verdict: "http.protocol_error", check: "http.get",
		},
	}
}

// hangLimit is when a probe with this timeout is declared hung.
func hangLimit(timeout time.Duration) time.Duration {
	return min(hangFactor*timeout, 20*time.Second)
}

func TestProbeHostilePeers(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile peers wait for timeouts")
	}
	ca := certgen.Must(certgen.NewCA("Hostile Peer Root"))
	leaf := certgen.Must(ca.Leaf([]string{"127.0.0.1"}))
	for _, tc := range hostilePeers() {
		t.Run(tc.name, func(t *testing.T) {
			leakcheck.Check(t) // first: its cleanup runs after the server's
			var sent atomic.Int64
			srv := newFaultServer(t, tc.serve(leaf, &sent))
			timeout := cmp.Or(tc.timeout, hostileTimeout)
			p := hostileProber(ca, timeout)
			tg := loopbackTarget(t, srv.addr(), "/")
			var res TargetResult
			alloc := leakcheck.Allocated(func() {
				res = probeWithin(t, p, tg, Full(), hangLimit(timeout))
				srv.Close() // ends the peer's handlers: sent is final
			})
			if _, err := json.Marshal(res); err != nil {
				t.Errorf("the result does not marshal: %v", err)
			}
			if tc.streams && alloc > memCeiling {
				t.Errorf("%d MiB allocated while the peer streamed %d MiB: the ceiling is %d MiB",
					alloc>>20, sent.Load()>>20, memCeiling>>20)
			}
			if tc.mustCut && sent.Load() >= streamTotal {
				t.Errorf("the peer sent all of its %d MiB: the probe read everything instead of a bounded prefix", streamTotal>>20)
			}
			if res.Verdict.Code != tc.verdict {
				t.Fatalf("verdict %s (%s), want %s; checks:\n%s", res.Verdict.Code, res.Verdict.Summary, tc.verdict, checkList(res.Checks))
			}
			want := tc.verdict
			if want == "ok" {
				want = "http.ok"
			}
			if c := checkByID(t, res.Checks, tc.check); c.Code != want || !strings.Contains(c.Summary, tc.says) {
				t.Errorf("%s = %s (%s), want %s saying %q", tc.check, c.Code, c.Summary, want, tc.says)
			}
			t.Logf("peer sent %d KiB, %d KiB allocated", sent.Load()>>10, alloc>>10)
		})
	}
}

// checkList prints checks one a line, for failure messages.
func checkList(cs []Check) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "  %s %s %s: %s %v\n", c.ID, c.Status, c.Code, c.Summary, errorOf(c))
	}
	return b.String()
}

// endlessHeaders speaks just enough HTTP/2 to answer the client's first
// request with a header block that never ends: a HEADERS frame without
// END_HEADERS, then CONTINUATION frames of 8 KiB header fields until
// streamTotal bytes are sent or the client hangs up. It returns the bytes
// of header block sent.
func endlessHeaders(c net.Conn) int64 {
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return 0
	}
	fr := http2.NewFramer(c, c)
	if fr.WriteSettings() != nil {
		return 0
	}
	var stream uint32
	for stream == 0 {
		f, err := fr.ReadFrame()
		if err != nil {
			return 0
		}
		if h, ok := f.(*http2.HeadersFrame); ok {
			stream = h.StreamID
		}
	}
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	field := func(name, value string) []byte {
		block.Reset()
		_ = enc.WriteField(hpack.HeaderField{Name: name, Value: value, Sensitive: true}) // never indexed: every frame is new bytes
		return bytes.Clone(block.Bytes())
	}
	if fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: field(":status", "200")}) != nil {
		return 0
	}
	big := field("x-big", strings.Repeat("a", 8<<10))
	var sent int64
	for sent < streamTotal {
		if fr.WriteContinuation(stream, false, big) != nil {
			break
		}
		sent += int64(len(big))
	}
	return sent
}

// rawDNSAnswer returns a fakedns Raw function: it answers the query for
// 192.0.2.10 / 2001:db8::10 as a well-formed message, which spoil then
// damages. A query it cannot read gets no answer.
func rawDNSAnswer(spoil func(req *dns.Msg, m *dns.Msg) []byte) func([]byte) []byte {
	return func(q []byte) []byte {
		req := new(dns.Msg)
		if req.Unpack(q) != nil || len(req.Question) != 1 {
			return nil
		}
		m := new(dns.Msg)
		m.SetReply(req)
		qq := req.Question[0]
		hdr := dns.RR_Header{Name: qq.Name, Rrtype: qq.Qtype, Class: dns.ClassINET, Ttl: 60}
		switch qq.Qtype {
		case dns.TypeA:
			m.Answer = append(m.Answer, &dns.A{Hdr: hdr, A: net.ParseIP("192.0.2.10")})
		case dns.TypeAAAA:
			m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr, AAAA: net.ParseIP("2001:db8::10")})
		}
		return spoil(req, m)
	}
}

// compressionLoop keeps the header and question of the answer and adds one
// record whose owner name is a compression pointer to itself.
func compressionLoop(req, m *dns.Msg) []byte {
	m.Answer = nil
	b, err := m.Pack()
	if err != nil {
		return nil
	}
	b[7] = 1 // ANCOUNT
	off := len(b)
	b = append(b, 0xc0|byte(off>>8), byte(off))
	b = binary.BigEndian.AppendUint16(b, req.Question[0].Qtype)
	return append(b, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 10)
}

// truncatedMessage cuts the packed answer inside its last record.
func truncatedMessage(_, m *dns.Msg) []byte {
	b, err := m.Pack()
	if err != nil || len(b) < 4 {
		return nil
	}
	return b[:len(b)-3]
}

// wrongID answers with an ID that never matches the query's.
func wrongID(req, m *dns.Msg) []byte {
	m.Id = req.Id ^ 0x5a5a
	b, _ := m.Pack()
	return b
}

// cancellableDial ties each connection's I/O to the dial context. Go's
// resolver uses the context only to dial and to set a deadline; after a
// lookup is abandoned (its caller's deadline passed), the goroutine that
// reads the answer is cancelled but keeps reading until resolv.conf's
// per-try timeout (5s by default). That goroutine is the standard
// library's, not the prober's, so the fixture resolver releases it at once
// and the leak check keeps its meaning for the prober's own goroutines.
func cancellableDial(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
		return c, nil
	}
}

// TestDNSHostileServers runs the DNS probes against a server that answers
// every query in a broken way; the system resolver is a pure-Go resolver
// sent to the same server. Each view must end by its deadline with an
// error that says what was wrong.
func TestDNSHostileServers(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for DNS timeouts")
	}
	tests := []struct {
		name     string
		spoil    func(req, m *dns.Msg) []byte
		kind     string // the view's error kind
		errHas   string // in every query's error
		viewCode Code
		sysCode  Code // what Go's resolver makes of the same answers
	}{
		{"compression loop", compressionLoop, kindMalformed, "malformed answer", "dns.servfail", "dns.servfail"},
		{"truncated message", truncatedMessage, kindMalformed, "malformed answer", "dns.servfail", "dns.servfail"},
		{"mismatched IDs only", wrongID, failTimeout, "ignored 1 packets that were not the answer", "dns.timeout", "dns.timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leakcheck.Check(t)
			fs := fakedns.Start(t, map[string]fakedns.Record{wireHost: {Raw: rawDNSAnswer(tt.spoil)}})
			p := NewProber(dnsTestTimeout)
			p.Dialer = &fixtureDialer{}
			p.Resolver = &net.Resolver{PreferGo: true, Dial: cancellableDial(fs.Dial)}
			p.Nameservers = []string{fs.Addr}
			tg := dnsTarget(t, wireHost)
			done := make(chan []Check, 1)
			go func() { done <- p.dnsOnly(context.Background(), tg) }()
			var checks []Check
			select {
			case checks = <-done:
			case <-time.After(hangLimit(dnsTestTimeout)):
				t.Fatalf("the dns stages did not return within %v (timeout %v): hung", hangLimit(dnsTestTimeout), dnsTestTimeout)
			}
			sys := checkByID(t, checks, "dns.system")
			if sys.Code != tt.sysCode || sys.Status != StatusFail || errorOf(sys) == "" {
				t.Errorf("dns.system = %s %s (%s), want %s with its error", sys.Status, sys.Code, sys.Summary, tt.sysCode)
			}
			views := viewsOf(t, checkByID(t, checks, "dns.servers"))
			if len(views) != 1 {
				t.Fatalf("%d views, want 1", len(views))
			}
			v := views[0]
			if v.ErrKind != tt.kind || v.Code != tt.viewCode || len(v.Addrs) != 0 {
				t.Errorf("view kind %q code %s addrs %q, want %q %s and none; err %q", v.ErrKind, v.Code, v.Addrs, tt.kind, tt.viewCode, v.Err)
			}
			if len(v.Queries) != 2 {
				t.Fatalf("%d queries, want A and AAAA", len(v.Queries))
			}
			for _, q := range v.Queries {
				if !strings.Contains(q.Err, tt.errHas) {
					t.Errorf("%s query error %q lacks %q", q.Type, q.Err, tt.errHas)
				}
			}
			t.Logf("system: %s %v; view: %s", sys.Code, errorOf(sys), v.Err)
		})
	}
}

// standInTunnel is a Route.Tunnel that opens a plain TCP connection to the
// target through d, bounded by timeout: the proxy path's plumbing (the
// tunnel beside the direct evidence) without a proxy.
func standInTunnel(d Dialer, timeout time.Duration) func(ctx context.Context, hostport string) (net.Conn, Check) {
	return func(ctx context.Context, hostport string) (net.Conn, Check) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		conn, err := d.DialContext(ctx, "tcp", hostport)
		if err != nil {
			return nil, NewCheck("proxy.connect", "proxy.unreachable", "stand-in tunnel: "+err.Error(), nil)
		}
		return conn, NewCheck("proxy.connect", "proxy.ok", "stand-in tunnel to "+hostport, nil)
	}
}

// TestProbeEndToEndLeavesNoGoroutines runs whole probes, direct and along
// a proxy route, and checks that each leaves nothing running.
func TestProbeEndToEndLeavesNoGoroutines(t *testing.T) {
	if testing.Short() {
		t.Skip("black holes wait for their timeout")
	}
	ca := certgen.Must(certgen.NewCA("End To End Root"))
	leaf := certgen.Must(ca.Leaf([]string{"127.0.0.1"}))
	blackHole := net.JoinHostPort(blackHoleHost, "443")
	tests := []struct {
		name    string
		addr    func(t *testing.T) string
		proxied bool
		verdict Code
	}{
		{"healthy over HTTP/2", func(t *testing.T) string { return startHealthyOrigin(t, leaf, true).addr }, false, "ok"},
		{"healthy over HTTP/1.1", func(t *testing.T) string { return startHealthyOrigin(t, leaf, false).addr }, false, "ok"},
		{"refused", func(t *testing.T) string { return closedAddr(t) }, false, "tcp.refused"},
		{"black hole", func(*testing.T) string { return blackHole }, false, "tcp.timeout"},
		{"healthy through a tunnel", func(t *testing.T) string { return startHealthyOrigin(t, leaf, true).addr }, true, "ok"},
		{"black-holed tunnel", func(*testing.T) string { return blackHole }, true, "proxy.unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leakcheck.Check(t)
			tg := loopbackTarget(t, tt.addr(t), "/")
			p := hostileProber(ca, hostileTimeout)
			p.Dialer = &fakeDialer{errs: map[string]error{blackHoleHost: nil}}
			if tt.proxied {
				p.Route = func(context.Context, Target) Route {
					return Route{Kind: "proxy", Proxy: "http://stand-in.test:3128", Tunnel: standInTunnel(p.Dialer, hostileTimeout)}
				}
			}
			res := probeWithin(t, p, tg, Full(), hangLimit(hostileTimeout))
			if res.Verdict.Code != tt.verdict {
				t.Fatalf("verdict %s (%s), want %s; checks:\n%s", res.Verdict.Code, res.Verdict.Summary, tt.verdict, checkList(res.Checks))
			}
		})
	}
}

// TestProbeHostilePortal: a TLS port that speaks plain HTTP sends the
// prober to port 80 for the captive-portal test; the server there is
// hostile too. The portal test must end, stay bounded, and only name a
// portal when the answer is one.
func TestProbeHostilePortal(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile peers wait for timeouts")
	}
	ca := certgen.Must(certgen.NewCA("Hostile Portal Root"))
	tests := []struct {
		name    string
		serve   func(c net.Conn, sent *atomic.Int64)
		verdict Code
		mustCut bool
	}{
		{"endless header", func(c net.Conn, sent *atomic.Int64) {
			if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
				if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Big: "); err == nil {
					sent.Add(stream(c, streamTotal, 1<<14, nil))
				}
			}
		}, "tls.protocol_error", true},
		{"portal redirect with an endless body", func(c net.Conn, sent *atomic.Int64) {
			if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
				_, err := fmt.Fprintf(c, "HTTP/1.1 302 Found\r\nLocation: http://login.portal.test/\r\nContent-Length: %d\r\n\r\n", streamTotal)
				if err == nil {
					sent.Add(stream(c, streamTotal, 1<<14, nil))
				}
			}
		}, "http.captive_portal", true},
		{"trickled answer", func(c net.Conn, _ *atomic.Int64) {
			if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
				trickle(c)
			}
		}, "tls.protocol_error", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leakcheck.Check(t)
			var sent atomic.Int64
			tlsPort := newFaultServer(t, plainHTTP)
			port80 := newFaultServer(t, func(c net.Conn) { tt.serve(c, &sent) })
			p := hostileProber(ca, hostileTimeout)
			p.Dialer = &fixtureDialer{port80: port80.addr()}
			var res TargetResult
			alloc := leakcheck.Allocated(func() {
				res = probeWithin(t, p, loopbackTarget(t, tlsPort.addr(), "/"), Full(), hangLimit(hostileTimeout))
				port80.Close()
			})
			if alloc > memCeiling {
				t.Errorf("%d MiB allocated while port 80 streamed %d MiB: the ceiling is %d MiB", alloc>>20, sent.Load()>>20, memCeiling>>20)
			}
			if tt.mustCut && sent.Load() >= streamTotal {
				t.Errorf("port 80 sent all of its %d MiB: the portal test read everything", streamTotal>>20)
			}
			if res.Verdict.Code != tt.verdict {
				t.Fatalf("verdict %s (%s), want %s; checks:\n%s", res.Verdict.Code, res.Verdict.Summary, tt.verdict, checkList(res.Checks))
			}
			t.Logf("port 80 sent %d KiB, %d KiB allocated", sent.Load()>>10, alloc>>10)
		})
	}
}

// errorOf is the error a check's evidence records, if any.
func errorOf(c Check) string {
	switch d := c.Details.(type) {
	case *DNSSystemDetails:
		return d.Error
	case *TLSDetails:
		return d.Error
	case *HTTPDetails:
		return d.Error
	}
	return ""
}

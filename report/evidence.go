package report

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/okviz/okviz-check/diag"
)

// node is one piece of evidence ready to print: a key with a scalar value,
// or a key over children (map entries or list items). Text, Markdown and
// JUnit lay the same tree out in their own syntax. Every string in it has
// been through clean.
type node struct {
	key   string // "" for a list item
	value string // scalar text; "" when the node has children
	kids  []node
	more  int // children left out by the caps
}

// limits cap how much evidence a renderer prints, so a 40-certificate chain
// or a 2 kB header does not drown the verdict.
type limits struct {
	items int // list items shown
	keys  int // map entries shown
	chars int // runes of a string shown
	depth int // nesting levels shown
}

func limitsFor(verbose bool) limits {
	if verbose {
		return limits{items: 100, keys: 200, chars: 4000, depth: 8}
	}
	return limits{items: 5, keys: 20, chars: 200, depth: 6}
}

// evidence turns a check's details into printable nodes, sorted by key.
func evidence(details map[string]any, lim limits) []node {
	if len(details) == 0 {
		return nil
	}
	return build("", details, 0, lim).kids
}

// build makes the node of any Go value. Strings, numbers, booleans, slices
// and string-keyed maps are walked directly, so raw bytes from the network
// reach Sanitize as they came; structs, times and other types with their own
// JSON form are shown the way the JSON report shows them.
func build(key string, v any, depth int, lim limits) node {
	n := node{key: clean(key)}
	if err, ok := v.(error); ok && v != nil {
		n.value = truncate(clean(err.Error()), lim.chars)
		return n
	}
	if _, ok := v.(json.Marshaler); ok {
		return viaJSON(n, v, depth, lim)
	}
	if _, ok := v.(encoding.TextMarshaler); ok {
		return viaJSON(n, v, depth, lim)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Invalid:
		n.value = "(none)"
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			n.value = "(none)"
			return n
		}
		return build(key, rv.Elem().Interface(), depth+1, lim) // +1: a pointer cycle ends too
	case reflect.String:
		n.value = truncate(clean(rv.String()), lim.chars)
		if n.value == "" {
			n.value = `""`
		}
	case reflect.Bool:
		n.value = strconv.FormatBool(rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n.value = strconv.FormatInt(rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n.value = strconv.FormatUint(rv.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			n.value = fmt.Sprint(f)
		} else {
			n.value = strconv.FormatFloat(f, 'f', -1, 64)
		}
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return viaJSON(n, v, depth, lim) // bytes: base64, as in the JSON report
		}
		if rv.Len() == 0 {
			n.value = "(none)"
			return n
		}
		if depth >= lim.depth {
			n.value = fmt.Sprintf("(%d items)", rv.Len())
			return n
		}
		for i := range rv.Len() {
			if i == lim.items {
				n.more = rv.Len() - i
				break
			}
			n.kids = append(n.kids, build("", rv.Index(i).Interface(), depth+1, lim))
		}
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return viaJSON(n, v, depth, lim)
		}
		if rv.Len() == 0 {
			n.value = "(none)"
			return n
		}
		if depth >= lim.depth {
			n.value = fmt.Sprintf("(%d entries)", rv.Len())
			return n
		}
		keys := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i == lim.keys {
				n.more = len(keys) - i
				break
			}
			kv := reflect.ValueOf(k).Convert(rv.Type().Key())
			n.kids = append(n.kids, build(k, rv.MapIndex(kv).Interface(), depth+1, lim))
		}
	default: // structs and the rest
		return viaJSON(n, v, depth, lim)
	}
	return n
}

// viaJSON builds the node of v's JSON form. A value JSON cannot encode (a
// channel, a cycle) prints as such instead of failing the report.
func viaJSON(n node, v any, depth int, lim limits) node {
	b, err := json.Marshal(v)
	var out any
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		err = dec.Decode(&out)
	}
	if err != nil {
		n.value = "(unprintable: " + truncate(clean(err.Error()), lim.chars) + ")"
		return n
	}
	if num, ok := out.(json.Number); ok {
		n.value = num.String()
		return n
	}
	built := build(n.key, out, depth, lim)
	built.key = n.key
	return built
}

// truncate cuts s to max runes, marking the cut.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

// moreLine says how many entries the caps left out.
func moreLine(n int) string { return fmt.Sprintf("… and %d more", n) }

// inline joins a node's scalar children as "k: v; k: v", for list items
// that are small maps; ok is false when a child has children itself.
func inline(n node) (string, bool) {
	parts := make([]string, 0, len(n.kids))
	for _, k := range n.kids {
		if len(k.kids) > 0 || k.more > 0 {
			return "", false
		}
		if k.key == "" {
			parts = append(parts, k.value)
		} else {
			parts = append(parts, k.key+": "+k.value)
		}
	}
	if n.more > 0 {
		parts = append(parts, moreLine(n.more))
	}
	return strings.Join(parts, "; "), true
}

// The compact evidence of the default text and Markdown output: per check,
// only the few facts an admin needs to act on, chosen by check id. The full
// details stay in --verbose and in JSON.

// maxFactItems caps the lines of one list in the compact evidence (DNS
// views, TCP attempts, proxy hops); the rest is counted.
const maxFactItems = 4

// maxFactChars caps one value in a fact line.
const maxFactChars = 160

// facts returns the compact evidence lines of a check, already cleaned for
// output. Checks of the direct path beside a proxy route ("direct.…") read
// like their base check. An unknown id gives nothing: its summary already
// says what happened.
func facts(c diag.Check, host string) []string {
	d, _ := plain(c.Details, 0).(map[string]any)
	if len(d) == 0 {
		return nil
	}
	id := strings.TrimPrefix(c.ID, "direct.")
	var f factList
	if id != c.ID {
		f.kv("note", str(d, "note"))
	}
	switch {
	case id == "dns.system":
		dnsSystemFacts(&f, d, host, c)
	case id == "dns.servers" || id == "dns.compare":
		dnsViewFacts(&f, d)
	case id == "tcp.connect":
		tcpFacts(&f, d)
	case id == "tls.handshake":
		tlsFacts(&f, d)
	case id == "http.get" || id == "http.portal":
		httpFacts(&f, d)
	case id == "clock":
		clockFacts(&f, d)
	case strings.HasPrefix(id, "proxy"):
		proxyFacts(&f, d)
	}
	return f.lines
}

// factList collects fact lines.
type factList struct{ lines []string }

// add appends one line made of the non-empty parts, joined by ", ".
func (f *factList) add(parts ...string) {
	if s := joinNonEmpty(", ", parts...); s != "" {
		f.lines = append(f.lines, s)
	}
}

// kv appends "key: value" when value (raw) is not empty.
func (f *factList) kv(key, value string) { f.add(pair(key, value)) }

// items appends one line per item, at most maxFactItems, then a line that
// counts the rest by what tally says of each ("… and 3 more: 2 ok, 1 timeout").
func (f *factList) items(ms []map[string]any, line func(map[string]any) string, tally func(map[string]any) string) {
	counts := map[string]int{}
	var order []string
	for i, m := range ms {
		if i < maxFactItems {
			f.add(line(m))
			continue
		}
		k := tally(m)
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	if rest := len(ms) - maxFactItems; rest > 0 {
		parts := make([]string, 0, len(order))
		for _, k := range order {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		}
		s := moreLine(rest)
		if len(parts) > 0 {
			s += ": " + strings.Join(parts, ", ")
		}
		f.lines = append(f.lines, s)
	}
}

// val is a raw value made safe and short for a fact line.
func val(s string) string { return truncate(strings.TrimSpace(clean(s)), maxFactChars) }

// pair is "key: value" with value cleaned, or "" when value is empty.
func pair(key, value string) string {
	if v := val(value); v != "" {
		return key + ": " + v
	}
	return ""
}

func joinNonEmpty(sep string, parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// capped joins the first maxFactItems values (cleaned), counting the rest.
func capped(vs []string) string {
	out := make([]string, 0, min(len(vs), maxFactItems)+1)
	for i, v := range vs {
		if i == maxFactItems {
			out = append(out, fmt.Sprintf("+%d more", len(vs)-i))
			break
		}
		out = append(out, val(v))
	}
	return strings.Join(out, ", ")
}

// dnsSystemFacts shows what the summary leaves out: the addresses beyond
// the first few, the canonical name, a sinkhole, and for a failed lookup
// what each resolver said.
func dnsSystemFacts(f *factList, d map[string]any, host string, c diag.Check) {
	if str(d, "resolver") == "none" {
		return // an address literal: nothing was looked up
	}
	if addrs := strs(d, "addresses"); len(addrs) > 0 && !allIn(addrs, c.Summary) {
		f.add("addresses: " + capped(addrs))
	}
	if cn := str(d, "canonical_name"); cn != "" && !sameHost(cn, host) {
		f.add("cname: " + val(host) + " → " + val(cn))
	}
	if sh := obj(d, "sinkhole"); sh != nil {
		f.add(pair("sinkhole", str(sh, "kind")), val(str(sh, "product")))
	}
	if real := strs(d, "resolver_addresses"); len(real) > 0 {
		f.add("DNS servers answer: " + capped(real))
	}
	if c.Status == diag.StatusPass {
		return // which resolver answered matters when it did not (dns.servers names it anyway)
	}
	// What each configured resolver answered directly says more than the
	// system resolver's error; without it, the error is the evidence, and
	// the resolvers are worth a line unless the error already names them.
	errText := str(d, "error")
	if rc := obj(d, "resolver_rcodes"); len(rc) > 0 {
		servers := make([]string, 0, len(rc))
		for s := range rc {
			servers = append(servers, s)
		}
		sort.Strings(servers)
		told := true // the summary already names each resolver and its answer
		for i, s := range servers {
			told = told && strings.Contains(c.Summary, s) && strings.Contains(c.Summary, scalar(rc[s]))
			servers[i] = s + " " + scalar(rc[s])
		}
		if !told {
			f.add(resolverKey(len(servers)) + capped(servers))
		}
		return
	}
	if rs := strs(d, "configured_resolvers"); len(rs) > 0 && !allIn(rs, errText+" "+c.Summary) {
		f.add(resolverKey(len(rs)) + capped(rs))
	}
	f.kv("error", errText)
}

// allIn reports whether every one of ss occurs in text.
func allIn(ss []string, text string) bool {
	for _, s := range ss {
		if !strings.Contains(text, s) {
			return false
		}
	}
	return true
}

func resolverKey(n int) string {
	if n == 1 {
		return "resolver: "
	}
	return "resolvers: "
}

// sameHost compares DNS names ignoring case and a final dot.
func sameHost(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

// dnsViewFacts prints one line per resolver asked directly:
// "198.18.0.53 (configured, udp): 198.18.1.10 — agrees".
func dnsViewFacts(f *factList, d map[string]any) {
	disagree := map[string]bool{}
	for _, s := range strs(d, "disagreeing") {
		disagree[s] = true
	}
	f.items(objs(d, "views"), func(v map[string]any) string {
		server := str(v, "server")
		line := val(server) + " (" + joinNonEmpty(", ", val(str(v, "role")), val(str(v, "transport"))) + "): " + viewAnswer(v)
		switch {
		case disagree[server]:
			line += " — disagrees"
		case boolean(v, "agrees_with_system"):
			line += " — agrees"
		}
		return line
	}, func(v map[string]any) string {
		if disagree[str(v, "server")] {
			return "disagree"
		}
		return "agree"
	})
}

// viewAnswer is what one resolver answered, in a few words.
func viewAnswer(v map[string]any) string {
	var s string
	rcode := str(v, "rcode")
	switch addrs := strs(v, "addresses"); {
	case len(addrs) > 0:
		s = capped(addrs)
		if cn := strs(v, "cname_chain"); len(cn) > 0 {
			s += " via " + val(cn[len(cn)-1])
		}
	case rcode == "NOERROR":
		s = "NOERROR, no address"
	case rcode != "":
		s = val(rcode)
	default:
		s = "no answer"
		if k := str(v, "error_kind"); k != "" {
			s += " (" + val(k) + ")"
		}
	}
	if str(v, "code") == "dns.sinkhole" {
		s += " (sinkhole)"
	}
	for _, e := range objs(v, "extended_errors") {
		if name := str(e, "name"); name != "" {
			s += ", extended error " + val(name)
			break
		}
	}
	return s
}

// tcpFacts prints one line per connection attempt:
// "198.18.1.10:443 ipv4 ok 12 ms".
func tcpFacts(f *factList, d map[string]any) {
	f.items(objs(d, "attempts"), func(a map[string]any) string {
		line := joinNonEmpty(" ", val(str(a, "address")), val(str(a, "family")), val(str(a, "result")))
		if ms, ok := num(a, "duration_ms"); ok {
			line += fmt.Sprintf(" %d ms", ms)
		}
		return line
	}, func(a map[string]any) string { return val(str(a, "result")) })
}

// variantNames says what each TLS variant handshake tried.
var variantNames = map[string]string{
	"neutral_sni":         "neutral SNI",
	"classic_clienthello": "classic ClientHello",
}

func tlsFacts(f *factList, d map[string]any) {
	f.add(val(str(d, "version")), val(str(d, "cipher")), val(str(d, "alpn")))
	// The leaf as served; reports from before the chain was recorded carry
	// its names at the top level.
	leaf := d
	if chain := objs(d, "chain"); len(chain) > 0 {
		leaf = chain[0]
	}
	if subject := str(leaf, "subject"); subject != "" {
		issuer := ""
		if i := str(leaf, "issuer"); i != "" {
			issuer = "issued by " + val(i)
		}
		if boolean(leaf, "self_signed") {
			issuer = "self-signed"
		}
		until := ""
		if na := str(leaf, "not_after"); na != "" {
			until = "valid until " + val(day(na))
		}
		f.add("certificate: "+val(subject), issuer, until)
	}
	if v := obj(d, "verify"); v != nil {
		// Trusted by both is what tls.ok says already.
		sys, pub := obj(v, "system"), obj(v, "public")
		if boolean(sys, "ok") && boolean(pub, "ok") && str(sys, "via") != "ca_file" {
			sys, pub = nil, nil
		}
		trust := []string{}
		if sys != nil {
			s := "system " + yesNo(boolean(sys, "ok"))
			if str(sys, "via") == "ca_file" {
				s += " (with --ca-file)"
			}
			trust = append(trust, s)
		}
		if pub != nil {
			trust = append(trust, "public "+yesNo(boolean(pub, "ok")))
		}
		if len(trust) > 0 {
			f.add("trusted by: " + strings.Join(trust, ", "))
		}
		if h := obj(v, "hostname"); h != nil && !boolean(h, "ok") {
			names := append(strs(leaf, "dns_names"), strs(leaf, "ip_addresses")...)
			if len(names) > 0 {
				f.add("names in certificate: " + capped(names))
			}
		}
	}
	if p := str(d, "product"); p != "" {
		s := "product: " + val(p)
		if k := str(d, "product_kind"); k != "" {
			s += " (" + val(k) + ")"
		}
		f.add(s)
	}
	for _, v := range objs(d, "variants") {
		name := str(v, "variant")
		if n, ok := variantNames[name]; ok {
			name = n
		}
		s := "variant " + val(name)
		if name == "neutral SNI" {
			s += " " + val(str(v, "sni"))
		}
		s += ": " + val(str(v, "result"))
		if ms, ok := num(v, "duration_ms"); ok {
			s += fmt.Sprintf(" %d ms", ms)
		}
		f.add(s)
	}
	if alert := str(d, "alert"); alert != "" {
		if code := str(d, "alert_code"); code != "" {
			alert += " (" + code + ")"
		}
		f.kv("alert", alert)
	} else if e := str(d, "error"); e != "" {
		key := "error"
		if k := str(d, "error_kind"); k != "" {
			key += " (" + val(k) + ")"
		}
		f.kv(key, e)
	}
	if fb := str(d, "first_bytes"); fb != "" {
		f.add("first bytes: " + truncate(strings.TrimSpace(clean(fb)), 80))
	}
}

// day shortens an RFC 3339 time to its date; other text is kept.
func day(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Format(time.DateOnly)
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func httpFacts(f *factList, d map[string]any) {
	status := ""
	if code := str(d, "status"); code != "" {
		status = "HTTP " + val(code)
		if p := str(d, "protocol"); p != "" {
			status += " (" + val(p) + ")"
		}
	}
	f.add(status, pair("server", str(d, "server")), pair("via", str(d, "via")))
	f.kv("location", str(d, "location"))
	f.kv("title", str(d, "title"))
	f.add(pair("block page", str(d, "product")), pair("squid error", str(d, "x_squid_error")))
	if status == "" {
		f.kv("error", str(d, "error"))
	}
}

func clockFacts(f *factList, d map[string]any) {
	skew := ""
	if s, ok := num(d, "skew_s"); ok {
		skew = "skew: " + formatSkew(s)
		switch { // the sign alone is easy to misread once it matters
		case s >= 60:
			skew += " (this machine is ahead)"
		case s <= -60:
			skew += " (this machine is behind)"
		}
	}
	from := ""
	if t, ok := d["trusted"].(bool); ok && !t {
		from = "from an unverified connection"
	}
	f.add(skew, pair("server date", str(d, "server_date")), from)
}

// formatSkew writes a signed number of seconds the way a person reads a
// clock difference: +3h02m, -45s, +2d03h.
func formatSkew(s int64) string {
	sign := "+"
	if s < 0 {
		sign, s = "-", -s
	}
	switch {
	case s == 0:
		return "0s"
	case s < 60:
		return fmt.Sprintf("%s%ds", sign, s)
	case s < 3600:
		return fmt.Sprintf("%s%dm%02ds", sign, s/60, s%60)
	case s < 48*3600:
		return fmt.Sprintf("%s%dh%02dm", sign, s/3600, s%3600/60)
	}
	return fmt.Sprintf("%s%dd%02dh", sign, s/86400, s%86400/3600)
}

// proxyFacts covers every proxy.* check generically: where the route came
// from, what the PAC file said, and one line per proxy tried.
func proxyFacts(f *factList, d map[string]any) {
	f.add(pair("source", str(d, "source")), pair("from", str(d, "from")), pair("pac_url", str(d, "pac_url")), pair("result", str(d, "result")))
	if ps := strs(d, "proxies"); len(ps) > 0 {
		f.add("proxies: " + capped(ps))
	}
	f.items(objs(d, "hops"), func(h map[string]any) string {
		reason := val(str(h, "reason"))
		if reason == "" {
			reason = val(str(h, "error"))
		}
		status := ""
		if n, ok := num(h, "status"); ok && n != 0 && !strings.Contains(reason, strconv.FormatInt(n, 10)) {
			status = fmt.Sprintf("status %d", n) // unless the reason's status line says it
		}
		schemes := ""
		if s := strs(h, "schemes"); len(s) > 0 {
			schemes = "schemes: " + capped(s)
		}
		return val(str(h, "proxy")) + ": " + joinNonEmpty(", ", val(str(h, "code")), status, schemes, reason)
	}, func(h map[string]any) string { return val(str(h, "code")) })
	f.kv("error", str(d, "error"))
}

// maxPlainDepth bounds how deep plain walks, so a pointer cycle ends.
const maxPlainDepth = 10

// plain turns a details value into JSON's generic shapes (map[string]any,
// []any, string, json.Number, bool, nil) so the compact evidence reads a
// check built in this process (typed structs) and one decoded from a JSON
// report alike. Strings, slices and string-keyed maps are walked directly,
// keeping raw network bytes for Sanitize, as build does.
func plain(v any, depth int) any {
	if v == nil || depth > maxPlainDepth {
		return nil
	}
	if err, ok := v.(error); ok {
		return err.Error()
	}
	switch v.(type) {
	case json.Marshaler, encoding.TextMarshaler:
		return plainJSON(v)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		return plain(rv.Elem().Interface(), depth+1)
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return json.Number(strconv.FormatInt(rv.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return json.Number(strconv.FormatUint(rv.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		if f := rv.Float(); !math.IsNaN(f) && !math.IsInf(f, 0) {
			return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
		}
		return fmt.Sprint(rv.Float())
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return plainJSON(v)
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = plain(rv.Index(i).Interface(), depth+1)
		}
		return out
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return plainJSON(v)
		}
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			out[it.Key().String()] = plain(it.Value().Interface(), depth+1)
		}
		return out
	}
	return plainJSON(v)
}

// plainJSON is plain for values with their own JSON form, and structs; a
// value JSON cannot encode gives nil, so it simply shows no fact.
func plainJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if dec.Decode(&out) != nil {
		return nil
	}
	return out
}

// scalar is the text of a string, number or boolean; "" for anything else.
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

func str(m map[string]any, k string) string { return scalar(m[k]) }

func boolean(m map[string]any, k string) bool {
	b, _ := m[k].(bool)
	return b
}

// num reads a whole number; a fraction is cut toward zero.
func num(m map[string]any, k string) (int64, bool) {
	n, ok := m[k].(json.Number)
	if !ok {
		return 0, false
	}
	if i, err := n.Int64(); err == nil {
		return i, true
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

func obj(m map[string]any, k string) map[string]any {
	o, _ := m[k].(map[string]any)
	return o
}

// objs is the list under k, keeping only its map items.
func objs(m map[string]any, k string) []map[string]any {
	l, _ := m[k].([]any)
	out := make([]map[string]any, 0, len(l))
	for _, x := range l {
		if o, ok := x.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

// strs is the list under k, keeping only its scalar items.
func strs(m map[string]any, k string) []string {
	l, _ := m[k].([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s := scalar(x); s != "" {
			out = append(out, s)
		}
	}
	return out
}

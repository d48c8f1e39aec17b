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
	"unicode/utf8"
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

package report

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// evidence turns a value (a check's details, the proxy sources) into
// printable nodes, sorted by key. It walks the value's JSON form, so every
// renderer shows exactly what the JSON report holds, whatever type made it.
func evidence(v any, lim limits) []node {
	tree, err := jsonTree(v)
	if err != nil {
		return []node{{key: "details", value: "(unprintable: " + truncate(clean(err.Error()), lim.chars) + ")"}}
	}
	if m, ok := tree.(map[string]any); ok && len(m) == 0 {
		return nil
	}
	return build("", tree, 0, lim).kids
}

// jsonTree is v's JSON form in generic shapes: map[string]any, []any,
// string, json.Number, bool and nil.
func jsonTree(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	err = dec.Decode(&out)
	return out, err
}

// build makes the node of one value of a JSON tree.
func build(key string, v any, depth int, lim limits) node {
	n := node{key: clean(key)}
	switch x := v.(type) {
	case nil:
		n.value = "(none)"
	case string:
		n.value = truncate(clean(x), lim.chars)
		if n.value == "" {
			n.value = `""`
		}
	case json.Number:
		n.value = x.String()
	case bool:
		n.value = strconv.FormatBool(x)
	case []any:
		if len(x) == 0 {
			n.value = "(none)"
			return n
		}
		if depth >= lim.depth {
			n.value = fmt.Sprintf("(%d items)", len(x))
			return n
		}
		for i, item := range x {
			if i == lim.items {
				n.more = len(x) - i
				break
			}
			n.kids = append(n.kids, build("", item, depth+1, lim))
		}
	case map[string]any:
		if len(x) == 0 {
			n.value = "(none)"
			return n
		}
		if depth >= lim.depth {
			n.value = fmt.Sprintf("(%d entries)", len(x))
			return n
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i == lim.keys {
				n.more = len(keys) - i
				break
			}
			n.kids = append(n.kids, build(k, x[k], depth+1, lim))
		}
	}
	return n
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

package report

import (
	"strings"
	"unicode/utf8"
)

// Sanitize makes text that came from the network safe to print on a
// terminal. It removes escape sequences whole (CSI such as "\x1b[2J", OSC
// such as "\x1b]0;title\x07" ended by BEL or ST, DCS/SOS/PM/APC strings and
// two-byte ESC commands), their 8-bit C1 forms (a raw 0x9b byte or U+009B
// starts a CSI just like ESC [), every other C0 and C1 control and DEL, and
// the Unicode bidirectional controls that reorder what the reader sees. Tabs,
// newlines and the Unicode line separators become a space so words do not
// run together. Bytes that are not UTF-8 and are not C1 controls become
// U+FFFD. Printable Unicode is kept.
func Sanitize(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := decode(s, i)
		i += n
		switch {
		case r == 0x1b: // ESC
			i = skipEscape(s, i)
		case r == 0x9b: // CSI
			i = skipCSI(s, i)
		case r == 0x9d, r == 0x90, r == 0x98, r == 0x9e, r == 0x9f: // OSC, DCS, SOS, PM, APC
			i = skipString(s, i)
		case r == '\t' || r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
		case r < 0x20 || (r >= 0x7f && r <= 0x9f) || isBidiControl(r) || r == 0xfeff || r == 0xfffe || r == 0xffff:
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain is the fast path: printable ASCII needs no work.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// decode returns the rune at s[i]. A byte that is not UTF-8 is returned as
// itself when it is a C1 control (0x80-0x9f: terminals in 8-bit mode obey
// it) and as U+FFFD otherwise.
func decode(s string, i int) (rune, int) {
	r, n := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && n == 1 {
		if c := s[i]; c >= 0x80 && c <= 0x9f {
			return rune(c), 1
		}
	}
	return r, n
}

// skipEscape skips what follows an ESC at s[i:] and returns where the
// sequence ends.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC
		return skipString(s, i+1)
	}
	// nF/Fp/Fe/Fs escapes: intermediates 0x20-0x2f, then one final byte.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI skips the parameters (0x30-0x3f), intermediates (0x20-0x2f) and
// final byte (0x40-0x7e) of a control sequence. A byte that cannot be part
// of one ends the sequence and is kept.
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipString skips the body of an OSC/DCS/SOS/PM/APC string up to and
// its terminator: BEL, ESC \ or the C1 ST (0x9c, raw or U+009C).
// An unterminated string runs to the end of s: a terminal would swallow it
// too.
func skipString(s string, i int) int {
	for i < len(s) {
		r, n := decode(s, i)
		switch {
		case r == 0x07 || r == 0x9c:
			return i + n
		case r == 0x1b:
			// ESC \ is ST; any other escape aborts the string. Either way
			// the caller's loop removes the escape itself.
			return i
		}
		i += n
	}
	return i
}

// isBidiControl reports the explicit bidirectional formatting characters,
// which can make text display in a different order than it is stored.
func isBidiControl(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

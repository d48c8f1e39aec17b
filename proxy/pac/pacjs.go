package pac

import (
	"math"
	"strconv"
	"strings"

	"github.com/dop251/goja"
)

// pacValue is a JavaScript argument reduced to what the helpers look at:
// its ToString and ToNumber conversions, and whether it was a string,
// null or undefined. The date helpers compare with JavaScript's loose
// rules, so they need both views of one value.
type pacValue struct {
	str       string  // ToString
	num       float64 // ToNumber (null is 0, undefined NaN)
	isStr     bool
	null      bool
	undefined bool
}

// pacArgs converts a call's arguments. Converting an object calls its
// toString/valueOf, which is script code: it runs under the watchdog like
// the rest, and what it throws propagates to the script.
func pacArgs(call goja.FunctionCall) []pacValue {
	out := make([]pacValue, len(call.Arguments))
	for i, v := range call.Arguments {
		out[i] = pacValueOf(v)
	}
	return out
}

func pacValueOf(v goja.Value) pacValue {
	switch {
	case v == nil || goja.IsUndefined(v):
		return pacValue{str: "undefined", num: math.NaN(), undefined: true}
	case goja.IsNull(v):
		return pacValue{str: "null", null: true}
	}
	return pacValue{str: v.String(), num: v.ToFloat(), isStr: goja.IsString(v)}
}

// pacStr and pacNum build values in tests and in the helpers.
func pacStr(s string) pacValue { return pacValue{str: s, num: pacStringToNumber(s), isStr: true} }

func pacNum(n float64) pacValue {
	return pacValue{str: strconv.FormatFloat(n, 'f', -1, 64), num: n}
}

// isGMT is JavaScript's arg == "GMT".
func (v pacValue) isGMT() bool { return !v.null && !v.undefined && v.str == "GMT" }

// pacIsJSSpace reports the characters JavaScript trims from numbers
// (WhiteSpace and LineTerminator).
func pacIsJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// pacStringToNumber is JavaScript's ToNumber applied to a string.
func pacStringToNumber(s string) float64 {
	s = strings.TrimFunc(s, pacIsJSSpace)
	if s == "" {
		return 0
	}
	if len(s) > 2 && s[0] == '0' {
		base := 0
		switch s[1] {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
		if base != 0 {
			v, ok := pacDigits(s[2:], base)
			if !ok || len(s[2:]) != pacDigitPrefix(s[2:], base) {
				return math.NaN()
			}
			return v
		}
	}
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 {
		return math.NaN()
	}
	if body == "Infinity" {
		if s[0] == '-' {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	if !pacIsDecimalLiteral(body) {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !isRangeErr(err) {
		return math.NaN()
	}
	return v
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// pacIsDecimalLiteral accepts digits [. digits] or . digits, with an
// optional exponent: JavaScript's StrUnsignedDecimalLiteral without
// Infinity. (strconv.ParseFloat alone would also take "inf", "0x1p3", "1_0".)
func pacIsDecimalLiteral(s string) bool {
	i, digits := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, exp = i+1, exp+1
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// pacParseInt is JavaScript's parseInt(s) without a radix: leading white
// space, a sign, "0x" for hexadecimal, then as many digits as there are.
func pacParseInt(s string) (float64, bool) {
	s = strings.TrimLeftFunc(s, pacIsJSSpace)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	base := 10
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		base, s = 16, s[2:]
	}
	n := pacDigitPrefix(s, base)
	if n == 0 {
		return math.NaN(), false
	}
	v, _ := pacDigits(s[:n], base)
	if neg {
		v = -v
	}
	return v, true
}

// pacDigitPrefix counts the leading digits of s in base.
func pacDigitPrefix(s string, base int) int {
	for i := 0; i < len(s); i++ {
		if pacDigitValue(s[i]) >= base {
			return i
		}
	}
	return len(s)
}

// pacDigits is the value of the leading digits of s in base.
func pacDigits(s string, base int) (float64, bool) {
	v, ok := 0.0, false
	for i := 0; i < len(s); i++ {
		d := pacDigitValue(s[i])
		if d >= base {
			break
		}
		v, ok = v*float64(base)+float64(d), true
	}
	return v, ok
}

func pacDigitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// pacToInt32 is JavaScript's ToInt32 of a number.
func pacToInt32(f float64) int32 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	f = math.Trunc(f)
	m := math.Mod(f, 1<<32)
	if m < 0 {
		m += 1 << 32
	}
	return int32(uint32(m))
}

// pacToInteger is ToIntegerOrInfinity, reporting false for NaN and the
// infinities (which make a JavaScript Date invalid).
func pacToInteger(f float64) (float64, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return math.Trunc(f), true
}

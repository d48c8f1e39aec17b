package pac

import (
	"regexp"
	"strings"
)

// pacMaxPatterns bounds the compiled shExpMatch patterns cached per evaluation.
const pacMaxPatterns = 1000

// pacShExpRegexp translates a shExpMatch pattern the way the browsers'
// helper does: '.' is literal, '*' is any run of characters, '?' is one
// character, the match is anchored at both ends and case-sensitive. Every
// other character passes through as regular-expression syntax, so
// "(*.a.com|a.com)" is an alternation and "[" opens a class; scripts rely
// on the first. Go's RE2 syntax stands in for JavaScript's; they agree on
// everything a pattern can hold here ('?' never survives to form a
// lookahead), except back-references, which fail to compile and throw as
// an invalid pattern does in a browser.
func pacShExpRegexp(pattern string) string {
	var b strings.Builder
	b.Grow(len(pattern) + 8)
	b.WriteByte('^')
	for _, r := range pattern {
		switch r {
		case '.':
			b.WriteString(`\.`)
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteByte('.')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('$')
	return b.String()
}

// shExpMatch compiles (once per evaluation) and matches.
func (st *pacState) shExpMatch(s, pattern string) (bool, error) {
	re, ok := st.patterns[pattern]
	if !ok {
		var err error
		re, err = regexp.Compile(pacShExpRegexp(pattern))
		if err != nil {
			return false, err
		}
		if st.patterns == nil {
			st.patterns = map[string]*regexp.Regexp{}
		}
		if len(st.patterns) < pacMaxPatterns {
			st.patterns[pattern] = re
		}
	}
	return re.MatchString(s), nil
}

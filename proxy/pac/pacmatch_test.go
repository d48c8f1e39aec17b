package pac

import "testing"

func TestPACShExpMatch(t *testing.T) {
	tests := []struct {
		s, pattern string
		want       bool
	}{
		{"http://home.netscape.com/people/ari/index.html", "*/ari/*", true},
		{"http://home.netscape.com/people/montulli/index.html", "*/ari/*", false},
		{"api.okviz.com", "*.okviz.com", true},
		{"okviz.com", "*.okviz.com", false},
		{"api.okviz.com", "api.okviz.*", true},
		{"apixokviz.com", "api.okviz.com", false}, // '.' is literal
		{"api.okviz.com", "api.okviz.co?", true},  // '?' is exactly one character
		{"api.okviz.co", "api.okviz.co?", false},
		{"api.okviz.comm", "api.okviz.co?", false},
		{"API.OKVIZ.COM", "*.okviz.com", false},        // case-sensitive
		{"x.api.okviz.com.evil", "*.okviz.com", false}, // anchored at the end
		{"evil.api.okviz.com", "api.okviz.com", false}, // anchored at the start
		{"", "*", true},
		{"", "?", false},
		{"abc", "", false},
		// Other characters are regular-expression syntax, as in the browsers.
		{"a.abc.com", "(*.abc.com|abc.com)", true},
		{"abc.com", "(*.abc.com|abc.com)", true},
		{"xabc.com", "(*.abc.com|abc.com)", false},
		{"host7.corp", "host[0-9].corp", true},
		{"hostx.corp", "host[0-9].corp", false},
		{"aaa.corp", "a+.corp", true},
		{"line1\nline2", "*", false}, // '.' does not match a newline
	}
	st := &pacState{}
	for _, tt := range tests {
		got, err := st.shExpMatch(tt.s, tt.pattern)
		if err != nil || got != tt.want {
			t.Errorf("shExpMatch(%q, %q) = %v, %v; want %v", tt.s, tt.pattern, got, err, tt.want)
		}
	}
	for _, bad := range []string{"host[0-9.corp", "(unclosed", "a{2,1}"} {
		if _, err := st.shExpMatch("x", bad); err == nil {
			t.Errorf("shExpMatch(x, %q): want an error for the invalid pattern", bad)
		}
	}
	if len(st.patterns) == 0 {
		t.Errorf("compiled patterns are not cached")
	}
}

package report

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"plain ASCII", "api.okviz.com", "api.okviz.com"},
		{"printable Unicode", "Zürich — 東京 🔒", "Zürich — 東京 🔒"},
		{"tab newline CR", "a\tb\nc\rd", "a b c d"},
		{"OSC title with BEL", "x\x1b]0;pwned\x07y", "xy"},
		{"OSC hyperlink with ST", "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"OSC 8-bit ST", "a\x1b]2;t\x9cb", "ab"},
		{"unterminated OSC", "a\x1b]0;swallowed", "a"},
		{"OSC cut by a new escape", "a\x1b]0;t\x1b[1mb", "ab"},
		{"CSI clear screen", "a\x1b[2Jb", "ab"},
		{"CSI SGR with params", "\x1b[1;31;48;5;200mred\x1b[0m", "red"},
		{"CSI private mode", "\x1b[?1049hx", "x"},
		{"8-bit CSI raw byte", "a\x9b31mb", "ab"},
		{"8-bit CSI as U+009B", "a\u009b31mb", "ab"},
		{"8-bit OSC raw byte", "a\x9d0;t\x07b", "ab"},
		{"DCS", "a\x1bP+q544e\x1b\\b", "ab"},
		{"APC", "a\x1b_payload\x1b\\b", "ab"},
		{"two-byte escapes", "\x1bcreset\x1b7saved\x1b(Bcharset", "resetsavedcharset"},
		{"lone ESC at end", "abc\x1b", "abc"},
		{"C0 and DEL", "a\x00b\x08c\x7fd\x05", "abcd"},
		{"other C1", "a\u0085b\x85c", "abc"},
		{"bidi override", "invoice\u202egnp.exe", "invoicegnp.exe"},
		{"bidi isolates", "\u2066a\u2069\u200f", "a"},
		{"line separators", "a\u2028b\u2029c", "a b c"},
		{"BOM and noncharacters", "\ufeffa\uffffb\ufffe", "ab"},
		{"invalid UTF-8 not C1", "caf\xe9", "caf\ufffd"},
		{"empty", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Sanitize(tc.in)
			if got != tc.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again := Sanitize(got); again != got {
				t.Errorf("not idempotent: %q then %q", got, again)
			}
		})
	}
}

// FuzzSanitize checks the promise on any input: valid UTF-8 with no control
// character left, and no panic.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m", "a\x1bP\x1b\\", "\u202e\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		if !utf8.ValidString(out) {
			t.Fatalf("Sanitize(%q) = %q: not UTF-8", in, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) || isBidiControl(r) {
				t.Fatalf("Sanitize(%q) = %q keeps control %U", in, out, r)
			}
		}
	})
}

// TestRedact: the last line before output hides credentials in text
// (after escape sequences and controls are gone, so none splits a password
// from its "@") and in JSON; the cases of the redactor itself are in
// internal/redact.
func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"via http://alice:s3\x1b[2Jcret@proxy:1":   "via http://***@proxy:1",
		"via http://alice:s3\u200ecret@proxy:1 ok": "via http://***@proxy:1 ok",
		"http://alice:p@ssw0rd@proxy:bad":          "http://***@proxy:bad",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
	if got := string(redactJSON([]byte(`{"p":"http://u:p w@h:1","n":"a@b"}`))); got != `{"p":"http://***@h:1","n":"a@b"}` {
		t.Errorf("redactJSON = %s", got)
	}
	if strings.Contains(clean("proxy http://a:b@c:1\x1b[2J"), "a:b") {
		t.Error("clean keeps credentials")
	}
}

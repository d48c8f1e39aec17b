package tunnel

import (
	"bufio"
	"bytes"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestConnectRequest(t *testing.T) {
	raw := connectRequest("[2001:db8::1]:443", "okviz-check/1.0", "Basic eDp5")
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("request does not parse: %v\n%s", err, raw)
	}
	if req.Method != "CONNECT" || req.RequestURI != "[2001:db8::1]:443" || req.Host != "[2001:db8::1]:443" || req.Proto != "HTTP/1.1" {
		t.Errorf("request line/host: %s %s %s host %s", req.Method, req.RequestURI, req.Proto, req.Host)
	}
	for k, v := range map[string]string{"User-Agent": "okviz-check/1.0", "Proxy-Authorization": "Basic eDp5", "Proxy-Connection": "keep-alive"} {
		if got := req.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if strings.Contains(string(connectRequest("h:443", "ua", "")), "Proxy-Authorization") {
		t.Error("Proxy-Authorization sent without credentials")
	}
}

func TestHTMLTitle(t *testing.T) {
	tests := []struct{ page, want string }{
		{"<html><head><TITLE lang=en>\n ERROR:  The requested URL\tcould not be retrieved </TITLE>", "ERROR: The requested URL could not be retrieved"},
		{"<title>Access &amp; Denied &#8212; Zscaler</title>", "Access & Denied \u2014 Zscaler"},
		{"<title>cut off at the end of the peek", "cut off at the end of the peek"},
		{"no title here", ""},
		{"<title", ""},
		{"<title>" + strings.Repeat("é", 300) + "</title>", strings.Repeat("é", maxTitle/2)},
	}
	for _, tt := range tests {
		got := htmlTitle([]byte(tt.page))
		if got != tt.want {
			t.Errorf("htmlTitle(%.40q) = %q, want %q", tt.page, got, tt.want)
		}
		if !utf8.ValidString(got) || len(got) > maxTitle {
			t.Errorf("title %q is not valid UTF-8 within %d bytes", got, maxTitle)
		}
	}
}

func TestReadTitleStopsAtTitle(t *testing.T) {
	// The reader fails after the title: readTitle must not read that far.
	r := &failAfter{data: []byte("<html><title>Blocked</title>"), fail: true}
	if got := readTitle(r); got != "Blocked" {
		t.Errorf("readTitle = %q", got)
	}
	if r.readPastData {
		t.Error("readTitle kept reading after the title was complete")
	}
	long := bytes.Repeat([]byte("x"), 3*maxBodyPeek)
	if got := readTitle(bytes.NewReader(append(long, "<title>late</title>"...))); got != "" {
		t.Errorf("a title past the peek limit was found: %q", got)
	}
}

// failAfter serves data one byte at a time, then notes any further read.
type failAfter struct {
	data         []byte
	fail         bool
	readPastData bool
}

func (f *failAfter) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		f.readPastData = true
		return 0, bufio.ErrBufferFull
	}
	p[0] = f.data[0]
	f.data = f.data[1:]
	return 1, nil
}

func TestDescribe(t *testing.T) {
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(squidDenied)), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := describe(resp, "Denied")
	want := "403 Forbidden; X-Squid-Error: ERR_ACCESS_DENIED 0; Server: squid/5.7; Via: 1.1 lab (squid/5.7); title: Denied"
	if got != want {
		t.Errorf("describe = %q\nwant       %q", got, want)
	}
}

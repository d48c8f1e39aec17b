package labconf

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadChecks(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, json, wantErr string
	}{
		{"ok", `{"listeners":[{"addr":"127.0.0.1:0","status":503,"date_offset":"-3h"},{"addr":"127.0.0.1:0","mode":"stall"}]}`, ""},
		{"more modes", `{"listeners":[{"addr":"a:1","mode":"dns","rcode":"SERVFAIL"},{"addr":"a:2","mode":"socks5","resolver":"b:53"}]}`, ""},
		{"mode", `{"listeners":[{"addr":"a:1","mode":"bogus"}]}`, `unknown mode "bogus"`},
		{"rcode", `{"listeners":[{"addr":"a:1","mode":"dns","rcode":"BADVERS"}]}`, `unknown rcode "BADVERS"`},
		{"no rcode", `{"listeners":[{"addr":"a:1","mode":"dns"}]}`, `unknown rcode ""`},
		{"resolver", `{"listeners":[{"addr":"a:1","mode":"socks5"}]}`, "socks5 needs a resolver"},
		{"key", `{"listeners":[{"addr":"a:1","cert":"c.pem"}]}`, "cert and key go together"},
		{"offset", `{"listeners":[{"addr":"a:1","date_offset":"soon"}]}`, "date_offset"},
		{"json", `{"listeners":[`, "unexpected end"},
	} {
		p := filepath.Join(dir, tc.name+".json")
		if err := os.WriteFile(p, []byte(tc.json), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Read(p)
		if tc.wantErr == "" {
			if err != nil || len(c.Listeners) != 2 {
				t.Errorf("%s: %v, %+v", tc.name, err, c)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: got %v, want an error with %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestWriteRead(t *testing.T) {
	in := Config{Listeners: []Listener{
		{Addr: "127.0.0.1:443", CertFile: "c", KeyFile: "k", Status: 302, Location: "http://x/"},
		{Addr: "127.0.0.1:3128", Status: 407, Headers: map[string][]string{"Proxy-Authenticate": {"NTLM", "Negotiate"}}},
		{Addr: "127.0.0.1:53", Mode: ModeDNS, Rcode: "SERVFAIL"},
	}}
	p := filepath.Join(t.TempDir(), "c.json")
	if err := in.Write(p); err != nil {
		t.Fatal(err)
	}
	out, err := Read(p)
	if err != nil || !reflect.DeepEqual(out, in) {
		t.Fatalf("round trip: %+v, %v", out, err)
	}
}

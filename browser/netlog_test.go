package browser

import (
	"os"
	"strings"
	"testing"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestNetLogErrors(t *testing.T) {
	log := readTestdata(t, "netlog-disconnected.json")
	target := "https://api.okviz.com/"
	got, err := NetLogErrors(strings.NewReader(log), []string{target, "https://never.example/"})
	if err != nil {
		t.Fatal(err)
	}
	if f := got[target]; f.NetError != "ERR_INTERNET_DISCONNECTED" || f.Route != "[direct://]" {
		t.Errorf("facts %+v, want ERR_INTERNET_DISCONNECTED over [direct://]", f)
	}
	if _, ok := got["https://never.example/"]; ok || len(got) != 1 {
		t.Errorf("facts for a URL never requested: %+v", got)
	}

	// A request that ended without an error clears the target's error:
	// the browser got through at least once.
	ok := strings.Replace(log, `"params":{"net_error":-106},"phase":2,"source":{"id":73`, `"phase":2,"source":{"id":73`, -1)
	if ok == log {
		t.Fatal("testdata: no REQUEST_ALIVE end for request 73")
	}
	got, _ = NetLogErrors(strings.NewReader(ok), []string{target})
	if f := got[target]; f.NetError != "" || f.Route != "[direct://]" {
		t.Errorf("successful request: %+v", f)
	}
}

// A browser killed mid-run leaves the log without its end; what was
// written in whole lines is still read.
func TestNetLogTruncated(t *testing.T) {
	log := readTestdata(t, "netlog-disconnected.json")
	end := strings.LastIndex(log, "],\n\"polledData\"")
	cut := log[:end] + ",\n" + `{"params":{"url":"https://api.ok` // half an event
	got, err := NetLogErrors(strings.NewReader(cut), []string{"https://api.okviz.com/"})
	if err != nil || got["https://api.okviz.com/"].NetError != "ERR_INTERNET_DISCONNECTED" {
		t.Errorf("truncated log: %+v, %v", got, err)
	}
	if _, err := NetLogErrors(strings.NewReader(log[:1000]), nil); err == nil {
		t.Error("a log cut inside its constants: no error")
	}
	if _, err := NetLogErrors(strings.NewReader(""), nil); err == nil {
		t.Error("an empty log: no error")
	}
}

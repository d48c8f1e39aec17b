package discover

import (
	"context"
	"strings"
	"testing"
)

func TestPolicySources(t *testing.T) {
	m := &fakeMachine{goos: "linux", files: map[string][]byte{
		"/etc/opt/edge/policies/managed/10-proxy.json": testdata(t, "linux", "edge-policies", "10-proxy.json"),
		"/etc/opt/edge/policies/managed/20-other.json": testdata(t, "linux", "edge-policies", "20-other.json"),
		"/etc/chromium/policies/managed/broken.json":   testdata(t, "linux", "bad-policies", "broken.json"),
	}}
	src := Discover(context.Background(), m.system(), Given{})
	edge := findSource(t, src, "edge-policy")
	if !edge.Found || edge.Mode != "pac" || !strings.Contains(edge.Origin, "10-proxy.json") || !hasNote(edge.Notes, "ProxyMode is ignored because ProxySettings is set") || !hasNote(edge.Notes, "ProxyBypassList is not applied") {
		t.Errorf("edge: %+v", edge)
	}
	if chrome := findSource(t, src, "chrome-policy"); chrome.Found || !strings.Contains(chrome.Err, "broken.json") {
		t.Errorf("chrome: %+v", chrome)
	}
	m = &fakeMachine{goos: "windows", reg: regFile(t, "edge-policy-bad.reg")}
	if edge := m.discover(t, "edge-policy"); edge.Found || !strings.Contains(edge.Err, "ProxySettings") {
		t.Errorf("bad JSON: %+v", edge)
	}
	mac := &fakeMachine{goos: "darwin", env: map[string]string{"USER": "ann"},
		files: map[string][]byte{"/Library/Managed Preferences/com.microsoft.Edge.plist": []byte("bplist00")},
		cmds: map[string][]byte{
			"plutil -convert json -o - /Library/Managed Preferences/com.microsoft.Edge.plist": []byte(`{"ProxyMode":"auto_detect"}`),
		}}
	if edge := mac.discover(t, "edge-policy"); edge.Mode != "auto-detect" {
		t.Errorf("mac: %+v", edge)
	}
	for _, tt := range []struct {
		vals map[string]any
		ok   bool
		mode string
	}{
		{map[string]any{"ProxyServerMode": 0.0}, true, "direct"},
		{map[string]any{"ProxyServerMode": 2.0, "ProxyPacUrl": "http://p/p.pac"}, true, "pac"},
		{map[string]any{"ProxyServerMode": 2.0, "ProxyServer": "p:1"}, true, "manual"},
		{map[string]any{"ProxyServerMode": 3.0}, true, "system"},
		{map[string]any{"ProxyMode": "pac_script"}, false, ""},
		{map[string]any{"ProxyMode": "fixed_servers", "ProxyServer": "::"}, false, ""},
		{map[string]any{"ProxyServer": "p:1"}, false, ""},
		{map[string]any{"ProxyMode": "bogus"}, false, ""},
		{map[string]any{"ProxySettings": 42.0}, false, ""},
	} {
		st, ok, _, err := policySettings(tt.vals)
		s := Source{Found: ok, set: st}
		s.finish()
		if ok != tt.ok || s.Mode != tt.mode || (err == nil) != tt.ok {
			t.Errorf("%v: ok %v mode %q err %v", tt.vals, ok, s.Mode, err)
		}
	}
}

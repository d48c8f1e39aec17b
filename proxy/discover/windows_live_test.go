package discover

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestCompareIEConfig(t *testing.T) {
	manual := func(p, bypass string) Settings {
		st, _ := IEConfig{Proxy: p, Bypass: bypass}.settings()
		return st
	}
	tests := []struct {
		name      string
		live, reg Settings
		want      []string // one substring per expected difference
	}{
		{"same manual", manual("p:8080", "<local>"), manual("p:8080", "<local>"), nil},
		{"same empty", Settings{}, Settings{}, nil},
		{"vpn proxy", manual("vpnproxy:3128", ""), Settings{AutoDetect: true}, []string{"auto-detect is off live, on in the registry", `the proxy is "http://vpnproxy:3128" live, none in the registry`}},
		{"pac url", Settings{PACURL: "http://u:secret@pac/a.pac"}, Settings{PACURL: "http://pac/b.pac"}, []string{`the PAC URL is "http://***@pac/a.pac" live, "http://pac/b.pac" in the registry`}},
		{"per scheme", manual("http=a:1;https=b:2", ""), manual("a:1", ""), []string{`"http=http://a:1;https=http://b:2" live, "http://a:1" in the registry`}},
		{"bypass", manual("p:1", "<local>;*.corp"), manual("p:1", "<local>"), []string{`the bypass list is "<local>;*.corp" live, "<local>" in the registry`}},
	}
	for _, tt := range tests {
		got := CompareIEConfig(tt.live, tt.reg)
		if len(got) != len(tt.want) {
			t.Errorf("%s: %q, want %d differences", tt.name, got, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s: difference %d is %q, want %q in it", tt.name, i, got[i], w)
			}
		}
		if strings.Contains(strings.Join(got, " "), "secret") {
			t.Errorf("%s: a password in %q", tt.name, got)
		}
	}
}

// liveMachine is a Windows machine whose registry is a real captured
// export and whose live WinHTTP answer is given.
func liveMachine(t *testing.T, live IEConfig, err error, files ...string) System {
	m := &fakeMachine{goos: "windows", reg: regFile(t, files...)}
	sys := m.system()
	sys.LiveIE = func() (IEConfig, error) { return live, err }
	return sys
}

func TestReadLiveIE(t *testing.T) {
	// The captured Windows 7 blob: PAC URL and manual proxy, both on.
	capture := "captured-win7-proxy-pac.reg"
	agree := IEConfig{AutoConfigURL: "http://xduotai.com/pRsO3NGR3-.pac", Proxy: "192.168.1.1:80"}
	srcs := Discover(context.Background(), liveMachine(t, agree, nil, capture), Given{})
	live, reg := findSource(t, srcs, "windows-ie-live"), findSource(t, srcs, "windows-ie-user")
	if !live.Found || live.Mode != "pac" || live.PACURL != agree.AutoConfigURL || !hasNote(live.Notes, "agree with the registry") {
		t.Errorf("agreeing live source: %+v", live)
	}
	if reg.Mode != "pac" || reg.PACURL != agree.AutoConfigURL {
		t.Errorf("registry source: %+v", reg)
	}
	if len(live.Settings().RouteNotes) != 0 {
		t.Errorf("route notes although they agree: %q", live.Settings().RouteNotes)
	}

	// A VPN connection is up with a proxy of its own: the live answer
	// differs, the difference is said, and the route notes carry it.
	vpn := IEConfig{Proxy: "vpnproxy.corp.example:3128", Bypass: "<local>"}
	live = findSource(t, Discover(context.Background(), liveMachine(t, vpn, nil, capture), Given{}), "windows-ie-live")
	if live.Mode != "manual" || !hasNote(live.Notes, "differ from the registry (windows-ie-user)") || !hasNote(live.Notes, "VPN") {
		t.Errorf("disagreeing live source: %+v", live)
	}
	if rn := live.Settings().RouteNotes; len(rn) != 1 || !strings.Contains(rn[0], `the PAC URL is none live, "http://xduotai.com/pRsO3NGR3-.pac" in the registry`) {
		t.Errorf("route notes %q", rn)
	}

	// Not available (Wine, old Windows): the registry is used, no error.
	live = findSource(t, Discover(context.Background(), liveMachine(t, IEConfig{}, errNoAccess, capture), Given{}), "windows-ie-live")
	if live.Found || live.Err != "" || !hasNote(live.Notes, "registry settings are used") {
		t.Errorf("unavailable live source: %+v", live)
	}
	// Failed: the error is kept.
	live = findSource(t, Discover(context.Background(), liveMachine(t, IEConfig{}, errors.New("Access is denied."), capture), Given{}), "windows-ie-live")
	if live.Found || live.Err != "Access is denied." {
		t.Errorf("failed live source: %+v", live)
	}
}

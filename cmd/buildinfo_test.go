package cmd

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	dev := Build{Version: "dev", Commit: "none", Date: "unknown"}
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "0851e36a1b2c3d4e5f60718293a4b5c6d7e8f901"},
		{Key: "vcs.time", Value: "2026-12-02T05:30:00Z"}, {Key: "vcs.modified", Value: "true"}}
	for _, tt := range []struct {
		name string
		in   Build
		info *debug.BuildInfo
		ok   bool
		want Build
	}{
		{"go install @version", dev, &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, true,
			Build{Version: "v1.2.0", Commit: "none", Date: "unknown"}},
		{"go build in a clone", dev, &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs}, true,
			Build{Version: "dev", Commit: "0851e36a1b2c+dirty", Date: "2026-12-02T05:30:00Z"}},
		{"release ldflags win", Build{Version: "1.3.0", Commit: "abc1234", Date: "2026-12-01"},
			&debug.BuildInfo{Main: debug.Module{Version: "v9.9.9"}, Settings: vcs}, true,
			Build{Version: "1.3.0", Commit: "abc1234", Date: "2026-12-01"}},
		{"no build info", dev, nil, false, dev},
	} {
		if got := tt.in.FromBuildInfo(tt.info, tt.ok); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

package cmd

import "runtime/debug"

// FromBuildInfo fills what a release build's -ldflags would set, when they
// were not: `go install github.com/okviz/okviz-check@v1.2.0` records the
// module version, a build from a clone its VCS revision and commit time
// (with "+dirty" for uncommitted changes), so support never sees a bare
// "dev (none)".
func (b Build) FromBuildInfo(info *debug.BuildInfo, ok bool) Build {
	if !ok || info == nil {
		return b
	}
	if b.Version == "dev" || b.Version == "" {
		if v := info.Main.Version; v != "" && v != "(devel)" {
			b.Version = v
		}
	}
	var rev, at string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if (b.Commit == "none" || b.Commit == "") && rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if dirty {
			rev += "+dirty"
		}
		b.Commit = rev
	}
	if (b.Date == "unknown" || b.Date == "") && at != "" {
		b.Date = at
	}
	return b
}

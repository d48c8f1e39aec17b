package diag

import (
	"context"
	"os"
	"os/exec"

	"github.com/okviz/okviz-check/internal/proc"
)

// ReadHost asks sw_vers for the macOS version (bounded by ctx) and reads
// the effective uid.
func ReadHost(ctx context.Context) Host {
	h := unixAccount(os.Geteuid())
	out, err := proc.Bound(exec.CommandContext(ctx, "sw_vers")).Output()
	h.OS = SwVers(string(out))
	if err != nil {
		h.OS.Error = "sw_vers: " + err.Error()
	}
	return h
}

package lab

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/okviz/okviz-check/internal/proc"
)

// browserTools are what the browser scenarios need beside the lab's own:
// Debian's chromium and NSS's certutil (libnss3-tools).
var browserTools = []string{"chromium", "certutil"}

// RequireBrowser skips tb (or fails it when OKVIZ_LAB=required) unless a
// headless Chromium and certutil are installed.
func RequireBrowser(tb testing.TB) {
	tb.Helper()
	optIn(tb)
	var missing []string
	for _, tool := range browserTools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return
	}
	Unavailable(tb, fmt.Sprintf("browser scenarios need %v (Debian: apt-get install -y chromium libnss3-tools)", missing))
}

var browserHomes atomic.Int64

// BrowserHome makes a home folder whose NSS database trusts the lab's
// public root, and returns it: run Chromium with HOME set to it.
//
// Chromium on Linux verifies certificates with its own root store plus the
// roots trusted in the user's NSS database ($HOME/.pki/nssdb), never with
// the system's PEM bundle or a --ca-file. So the lab trusts its "public"
// root the way an administrator adds an enterprise root on a Linux desktop
// (certutil -A -t C,,), and nothing else: the interception root ("Zscaler")
// stays untrusted by the browser, unlike okviz-check's --ca-file.
func (l *Lab) BrowserHome(ctx context.Context) (string, error) {
	home := filepath.Join(l.Dir, fmt.Sprintf("browser-home-%d", browserHomes.Add(1)))
	db := filepath.Join(home, ".pki", "nssdb")
	if err := os.MkdirAll(db, 0o700); err != nil {
		return "", err
	}
	for _, args := range [][]string{
		{"-N", "-d", "sql:" + db, "--empty-password"},
		{"-A", "-d", "sql:" + db, "-n", "OKVIZ Lab Public Root CA", "-t", "C,,", "-i", l.PublicRootsFile},
	} {
		cmd := proc.Bound(exec.CommandContext(ctx, "certutil", args...))
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("certutil %v: %w\n%s", args, err, out)
		}
	}
	return home, nil
}

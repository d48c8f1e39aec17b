package diag

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// TestReadHostWindows reads the real registry and token: a Windows name
// (Wine's registry says "Microsoft Windows 7"), a numeric build, an
// account kind, no error.
func TestReadHostWindows(t *testing.T) {
	h := ReadHost(context.Background())
	if h.OS.Error != "" || !strings.Contains(h.OS.Name, "Windows") || !regexp.MustCompile(`^\d+(\.\d+)?$`).MatchString(h.OS.Build) {
		t.Errorf("OS %+v", h.OS)
	}
	switch h.Account {
	case AccountUser, AccountSystem, AccountService:
	default:
		t.Errorf("account %q", h.Account)
	}
}

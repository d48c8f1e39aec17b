package squidlab

import "testing"

// TestOptIn: without OKVIZ_LAB (or with 0) StartAll skips, even as root;
// 1 and required opt in.
func TestOptIn(t *testing.T) {
	for _, mode := range []string{"", "0"} {
		t.Setenv("OKVIZ_LAB", mode)
		skipped := false
		t.Run("StartAll/"+mode, func(t *testing.T) {
			defer func() { skipped = t.Skipped() }()
			StartAll(t, Config{})
		})
		if !skipped {
			t.Errorf("OKVIZ_LAB=%q: StartAll did not skip", mode)
		}
	}
	for _, mode := range []string{"1", "required"} {
		t.Setenv("OKVIZ_LAB", mode)
		optedOut := false
		t.Run("OptIn/"+mode, func(t *testing.T) {
			defer func() { optedOut = t.Skipped() }()
			OptIn(t)
		})
		if optedOut {
			t.Errorf("OKVIZ_LAB=%q does not opt in", mode)
		}
	}
}

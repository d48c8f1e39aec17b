package lab

import "testing"

// TestOptIn: without OKVIZ_LAB (or with 0) every lab entry point skips,
// whoever runs the tests, root included; with 1 and required they go on
// to check what the lab needs.
func TestOptIn(t *testing.T) {
	for _, mode := range []string{"", "0"} {
		for name, require := range map[string]func(testing.TB){"Require": Require, "RequireBrowser": RequireBrowser, "RequireWine": RequireWine} {
			t.Setenv("OKVIZ_LAB", mode)
			skipped := false
			t.Run(name+"/"+mode, func(t *testing.T) {
				defer func() { skipped = t.Skipped() }()
				require(t)
			})
			if !skipped {
				t.Errorf("OKVIZ_LAB=%q: %s did not skip", mode, name)
			}
		}
	}
	for _, mode := range []string{"1", "required"} {
		t.Setenv("OKVIZ_LAB", mode)
		optedOut := false
		t.Run("optIn/"+mode, func(t *testing.T) {
			defer func() { optedOut = t.Skipped() }()
			optIn(t)
		})
		if optedOut {
			t.Errorf("OKVIZ_LAB=%q does not opt in", mode)
		}
	}
	t.Setenv("OKVIZ_LAB", "1")
	if Required() {
		t.Error("OKVIZ_LAB=1 reads as required")
	}
	t.Setenv("OKVIZ_LAB", "required")
	if !Required() {
		t.Error("OKVIZ_LAB=required does not read as required")
	}
}

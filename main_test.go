package main

import (
	"os"
	"testing"
)

// runMainVar makes the test binary be okviz-check itself: the tests start
// it again with this variable set and okviz-check's arguments, so signals
// reach the real main (its signal handling included), not a stand-in.
const runMainVar = "OKVIZ_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainVar) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

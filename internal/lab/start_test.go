package lab_test

import (
	"context"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/lab"
)

// startLab builds a lab for t while build compiles a program into a
// temporary directory, and returns the lab and a function that waits for
// the program's path.
func startLab(t *testing.T, build func(ctx context.Context, dir string) (string, error)) (*lab.Lab, func() (string, error)) {
	t.Helper()
	type built struct {
		path string
		err  error
	}
	done := make(chan built, 1)
	dir := t.TempDir()
	go func() {
		p, err := build(context.Background(), dir)
		done <- built{p, err}
	}()
	start := time.Now()
	l := lab.New(t)
	t.Logf("lab up in %v", time.Since(start).Round(time.Millisecond))
	return l, func() (string, error) {
		b := <-done
		done <- b // a second wait gets the same answer
		return b.path, b.err
	}
}

// Package proc runs external programs so that they cannot hold okviz-check
// past its deadline: proxy discovery's gsettings, scutil, nmcli, ipconfig
// and reg, the browser command's Chromium, and the network lab's commands.
//
// Bound does two things to an exec.Cmd made with exec.CommandContext. It
// makes the context's cancellation end the program's whole process tree, so
// a helper the program started (gsettings autolaunching a D-Bus daemon,
// Chromium's renderers) dies with it: on Unix the program leads a process
// group of its own and the group is killed; on Windows the program starts
// in a job object, which is terminated. And it sets WaitDelay, so that once
// the program has exited or the context is done, Wait gives up on output
// pipes still held open by a descendant that escaped (a daemon that called
// setsid) instead of waiting for it.
package proc

import (
	"bytes"
	"errors"
	"os/exec"
	"sync"
	"time"
)

// WaitDelay is how long Wait waits for a program's output pipes to close
// after it exited or was killed.
const WaitDelay = 500 * time.Millisecond

// Bound prepares cmd (from exec.CommandContext) as the package describes;
// start it through the returned Cmd.
func Bound(cmd *exec.Cmd) *Cmd {
	cmd.WaitDelay = WaitDelay
	c := &Cmd{Cmd: cmd}
	c.prepare()
	return c
}

// Start starts the program in a process tree of its own.
func (c *Cmd) Start() error { return c.start() }

// Wait waits for the program as exec.Cmd.Wait does, then lets go of its
// process tree's container (on Windows, closing the job ends what the
// program left running).
func (c *Cmd) Wait() error {
	err := c.Cmd.Wait()
	c.release()
	return err
}

// Run starts the program and waits for it.
func (c *Cmd) Run() error {
	if err := c.Start(); err != nil {
		return err
	}
	return c.Wait()
}

// Output runs the program and returns its standard output; as with
// exec.Cmd.Output, an *exec.ExitError carries the standard error when the
// caller did not collect it.
func (c *Cmd) Output() ([]byte, error) {
	if c.Stdout != nil {
		return nil, errors.New("proc: Stdout already set")
	}
	var stdout bytes.Buffer
	c.Stdout = &stdout
	var stderr *capped
	if c.Stderr == nil {
		stderr = &capped{max: 32 << 10}
		c.Stderr = stderr
	}
	err := c.Run()
	var ee *exec.ExitError
	if stderr != nil && errors.As(err, &ee) {
		ee.Stderr = stderr.buf.Bytes()
	}
	return stdout.Bytes(), err
}

// CombinedOutput runs the program and returns its standard output and
// standard error together.
func (c *Cmd) CombinedOutput() ([]byte, error) {
	if c.Stdout != nil || c.Stderr != nil {
		return nil, errors.New("proc: Stdout or Stderr already set")
	}
	var b syncBuffer
	c.Stdout, c.Stderr = &b, &b
	err := c.Run()
	return b.Bytes(), err
}

// capped keeps the first max bytes written to it.
type capped struct {
	buf bytes.Buffer
	max int
}

func (w *capped) Write(p []byte) (int, error) {
	if room := w.max - w.buf.Len(); room > 0 {
		w.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// syncBuffer is a buffer two copying goroutines may write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Bytes()
}

// KillTree ends the program and everything it started (its process group
// on Unix, its job on Windows), as cancellation would.
func (c *Cmd) KillTree() error {
	if c.Process == nil {
		return errors.New("proc: not started")
	}
	if c.Cancel == nil {
		return c.Process.Kill()
	}
	return c.Cancel()
}

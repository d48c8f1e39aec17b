//go:build unix

package main

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/report"
)

// hangGuard bounds how long a test waits for something that happens at
// once when the code is right, so a regression fails instead of hanging
// until the test binary's own time limit. It is no timing assertion.
const hangGuard = 2 * time.Minute

// stallingServer accepts TLS connections on loopback and never answers the
// ClientHello: a black-holed service that only a signal ends. hello is
// closed once a ClientHello has arrived, so the run is surely in its TLS
// stage, long past the start-up of its signal handling.
func stallingServer(t *testing.T) (addr string, hello <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() {
				b := make([]byte, 1)
				if _, err := c.Read(b); err == nil {
					once.Do(func() { close(ch) })
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String(), ch
}

// okvizCheck is this test binary started as okviz-check (see TestMain),
// in dir, with no config file or proxy variable of the machine.
func okvizCheck(dir string, args ...string) *exec.Cmd {
	c := exec.Command(os.Args[0], args...)
	c.Dir = dir
	c.Env = []string{runMainVar + "=1", "HOME=" + dir, "XDG_CONFIG_HOME=" + dir, "PATH=" + os.Getenv("PATH")}
	return c
}

// running is a started okviz-check whose end is awaited in the background.
type running struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	done   chan struct{}
	err    error // Wait's, once done is closed
}

func start(t *testing.T, c *exec.Cmd) *running {
	t.Helper()
	r := &running{cmd: c, stderr: &bytes.Buffer{}, done: make(chan struct{})}
	c.Stderr = r.stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.err = c.Wait(); close(r.done) }()
	t.Cleanup(func() {
		c.Process.Kill()
		<-r.done
	})
	return r
}

// waitUntil waits for ch; the process ending first (a usage error, a
// crash) fails the test, and so does nothing after hangGuard.
func (r *running) waitUntil(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-r.done:
		t.Fatalf("okviz-check ended (%v) before the %s\nstderr: %s", r.err, what, r.stderr)
	case <-time.After(hangGuard):
		t.Fatalf("no %s after %s\nstderr: %s", what, hangGuard, r.stderr)
	}
}

// wait waits for the process to end, at most hangGuard.
func (r *running) wait(t *testing.T, what string) error {
	t.Helper()
	select {
	case <-r.done:
		return r.err
	case <-time.After(hangGuard):
		t.Fatalf("%s: okviz-check still running after %s\nstderr: %s", what, hangGuard, r.stderr)
		return nil
	}
}

// readInterrupted reads a report written by an interrupted run back with
// report.Read, holds it to the published schema, and checks what it says.
func readInterrupted(t *testing.T, name string, b []byte) *report.Report {
	t.Helper()
	rep, err := report.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: report.Read: %v\n%s", name, err, b)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	schema, err := c.Compile(filepath.Join("docs", "report.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(v); err != nil {
		t.Errorf("%s: not valid against docs/report.schema.json: %v", name, err)
	}
	if !rep.Interrupted || !bytes.Contains(b, []byte(`"interrupted": true`)) {
		t.Errorf("%s: not marked interrupted:\n%s", name, b)
	}
	if len(rep.Targets) != 1 {
		t.Fatalf("%s: %d targets, want 1", name, len(rep.Targets))
	}
	tr := rep.Targets[0]
	if tr.Verdict.Code != diag.CodeUnfinished || tr.Status != diag.StatusSkip || rep.Status != diag.StatusSkip {
		t.Errorf("%s: target %s verdict %s, run %s; want skip, unfinished, skip", name, tr.Status, tr.Verdict.Code, rep.Status)
	}
	got := map[string]string{}
	for _, ch := range tr.Checks {
		got[ch.ID] = string(ch.Status) + " " + ch.Code
	}
	if got[diag.CheckTCPConnect] != "pass tcp.ok" || got[diag.CheckTLSHandshake] != "skip unfinished" || got[diag.CheckHTTPGet] != "skip unfinished" {
		t.Errorf("%s: checks %v; want tcp.connect passed, tls.handshake and http.get unfinished", name, got)
	}
	return rep
}

// TestInterruptWritesWhatFinished: Ctrl-C or SIGTERM during a hung TLS
// handshake writes the report of what finished, on stdout and to --save,
// and exits 130.
func TestInterruptWritesWhatFinished(t *testing.T) {
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			addr, hello := stallingServer(t)
			save := filepath.Join(dir, "saved.json")
			c := okvizCheck(dir, "check", "https://"+addr+"/", "--no-proxy", "--dns-compare", "none",
				"--timeout", "10m", "--format", "json", "--save", save)
			var stdout bytes.Buffer
			c.Stdout = &stdout
			run := start(t, c)
			run.waitUntil(t, hello, "ClientHello")
			if err := c.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := run.wait(t, "after "+sig.String())
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Fatalf("exit: %v, want status 130\nstderr: %s", err, run.stderr)
			}
			readInterrupted(t, "stdout", stdout.Bytes())
			saved, err := os.ReadFile(save)
			if err != nil {
				t.Fatalf("--save file: %v", err)
			}
			readInterrupted(t, "--save", saved)
			if !strings.Contains(run.stderr.String(), "interrupted") {
				t.Errorf("stderr does not say interrupted: %q", run.stderr)
			}
		})
	}
}

// TestSecondInterruptEndsAtOnce: when writing the report hangs (stdout is
// a pipe nobody reads, already full), a second Ctrl-C ends the process at
// once, by the signal's default action. The --save file, written before
// stdout, is there and whole.
func TestSecondInterruptEndsAtOnce(t *testing.T) {
	dir := t.TempDir()
	addr, hello := stallingServer(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	// Fill the pipe: a write that cannot finish within the deadline means
	// it is full, and the child's first write to it will block.
	chunk := bytes.Repeat([]byte("x"), 4096)
	for {
		w.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		if _, err := w.Write(chunk); err != nil {
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatal(err)
			}
			break
		}
	}
	save := filepath.Join(dir, "saved.json")
	c := okvizCheck(dir, "check", "https://"+addr+"/", "--no-proxy", "--dns-compare", "none",
		"--timeout", "10m", "--save", save)
	c.Stdout = w
	run := start(t, c)
	run.waitUntil(t, hello, "ClientHello")
	if err := c.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	// The --save file comes first; the text report then waits on the full pipe.
	saved := make(chan struct{})
	go func() {
		defer close(saved)
		for {
			if _, err := os.Stat(save); err == nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	run.waitUntil(t, saved, "--save file")
	if err := c.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err = run.wait(t, "after the second Ctrl-C")
	ws, ok := c.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Fatalf("exit %v (%v): want the end by SIGINT itself\nstderr: %s", err, c.ProcessState, run.stderr)
	}
	b, err := os.ReadFile(save)
	if err != nil {
		t.Fatal(err)
	}
	readInterrupted(t, "--save", b)
}

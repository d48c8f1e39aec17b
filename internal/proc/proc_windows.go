//go:build windows

package proc

import (
	"errors"
	"fmt"
	"os/exec"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Cmd is an exec.Cmd prepared by Bound. Its Start (and Run, Output,
// CombinedOutput, which start through it) puts the program in its process
// tree container; use them, not the embedded exec.Cmd's.
//
// On Windows the container is a job object with
// JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: every process the program starts is
// in it too, terminating the job ends them all, and so does closing its
// last handle (after Wait, or when okviz-check itself dies). job is 0 when
// no job could be made or joined (a parent job that forbids nesting,
// before Windows 8): then cancellation ends the program alone.
type Cmd struct {
	*exec.Cmd

	mu  sync.Mutex // keeps Cancel waiting until the program runs in its job
	job windows.Handle
}

// prepare makes the program start suspended, so that it runs only once it
// is in its job and no child it starts can be outside; in a new process
// group, so that a Ctrl+C meant for okviz-check's console does not reach it
// twice; and makes cancellation terminate the job.
func (c *Cmd) prepare() {
	cmd := c.Cmd
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.CreationFlags |= syscall.CREATE_NEW_PROCESS_GROUP | windows.CREATE_SUSPENDED
	cmd.Cancel = func() error {
		c.mu.Lock() // held by start until the program runs in its job
		defer c.mu.Unlock()
		if c.job != 0 {
			return windows.TerminateJobObject(c.job, 1)
		}
		return cmd.Process.Kill()
	}
}

// start creates the job, starts the program suspended, puts it in the job
// and lets it run. The lock keeps Cancel (which exec calls from its own
// goroutine as soon as the process exists) waiting until then.
func (c *Cmd) start() error {
	c.mu.Lock()
	job, _ := killOnCloseJob() // without a job the program still runs, bounded as before
	if err := c.Cmd.Start(); err != nil {
		c.mu.Unlock()
		if job != 0 {
			windows.CloseHandle(job)
		}
		return err
	}
	pid := uint32(c.Process.Pid)
	if job != 0 {
		if err := assign(job, pid); err != nil {
			windows.CloseHandle(job)
			job = 0
		}
	}
	c.job = job
	err := resume(pid)
	c.mu.Unlock()
	if err != nil {
		// A program that cannot run: end it and collect it here, since a
		// caller that sees Start fail does not Wait.
		c.Process.Kill()
		c.Wait()
		return fmt.Errorf("proc: starting %s: %w", c.Path, err)
	}
	return nil
}

// release closes the job: whatever the program left running ends.
func (c *Cmd) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.job != 0 {
		windows.CloseHandle(c.job)
		c.job = 0
	}
}

// killOnCloseJob creates an unnamed job whose processes are terminated
// when its last handle closes.
func killOnCloseJob() (windows.Handle, error) {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return 0, err
	}
	info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{
		BasicLimitInformation: windows.JOBOBJECT_BASIC_LIMIT_INFORMATION{
			LimitFlags: windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
		},
	}
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return 0, err
	}
	return job, nil
}

// assign puts the process pid in job.
func assign(job windows.Handle, pid uint32) error {
	h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, pid)
	if err != nil {
		return err
	}
	defer windows.CloseHandle(h)
	return windows.AssignProcessToJobObject(job, h)
}

// resume lets a process created suspended run: its threads (the main one,
// at creation) are found in a snapshot of the system's threads, since
// os/exec keeps the thread handle CreateProcess returned to itself.
func resume(pid uint32) error {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPTHREAD, 0)
	if err != nil {
		return err
	}
	defer windows.CloseHandle(snap)
	te := windows.ThreadEntry32{Size: uint32(unsafe.Sizeof(windows.ThreadEntry32{}))}
	resumed := 0
	for err = windows.Thread32First(snap, &te); err == nil; err = windows.Thread32Next(snap, &te) {
		if te.OwnerProcessID != pid {
			continue
		}
		th, err := windows.OpenThread(windows.THREAD_SUSPEND_RESUME, false, te.ThreadID)
		if err != nil {
			return err
		}
		_, err = windows.ResumeThread(th)
		windows.CloseHandle(th)
		if err != nil {
			return err
		}
		resumed++
	}
	if resumed == 0 {
		return errors.New("no thread of the new process found to resume")
	}
	return nil
}

package browser

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/okviz/okviz-check/internal/leakcheck"
	"github.com/okviz/okviz-check/internal/wine"
)

// fakeBrowserEnv makes the test binary act as a browser that Headless
// starts: what it does is the variable's value.
const fakeBrowserEnv = "OKVIZ_TEST_FAKE_BROWSER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeBrowserEnv); mode != "" {
		os.Exit(fakeBrowser(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeBrowser loads the page and posts a result as the page would, writes
// a recorded NetLog where it was told to, and waits to be stopped; or it
// crashes at once ("crash"), or never loads the page ("hang").
func fakeBrowser(mode string, args []string) int {
	if mode == "helper-child" {
		time.Sleep(helperLives)
		os.WriteFile(os.Getenv(helperPIDEnv)+".ended", nil, 0o600)
		return 0
	}
	var netLog, page string
	for _, a := range args {
		if p, ok := strings.CutPrefix(a, "--log-net-log="); ok {
			netLog = p
		}
	}
	page = args[len(args)-1]
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	switch mode {
	case "crash":
		fmt.Fprintln(os.Stderr, "[1:1:ERROR] zygote crashed")
		return 3
	case "hang":
		<-term
		return 0
	case "helper":
		// A helper process, as Chromium starts a zygote or a renderer, that
		// holds the browser's log pipe (see helperOf).
		self, _ := os.Executable()
		child := exec.Command(self)
		child.Env = append(os.Environ(), fakeBrowserEnv+"=helper-child")
		child.Stdout, child.Stderr = os.Stdout, os.Stderr
		helperOf(child)
		if err := child.Start(); err != nil {
			return 7
		}
		os.WriteFile(os.Getenv(helperPIDEnv), []byte(strconv.Itoa(child.Process.Pid)), 0o600)
		<-term
		return 0
	}
	// Chromium writes its NetLog as it runs and finishes it when it quits.
	// On Unix, Run asks the browser to quit (SIGTERM) and then reads the
	// log: the fake writes it only then, so a Run that read it any earlier
	// would find nothing. On Windows, Run ends the browser at once (there
	// is no signal to catch) and reads what it had written: the fake
	// writes its log before it reports, as Chromium has written the
	// requests' events by then.
	if runtime.GOOS == "windows" {
		writeNetLog(netLog)
	}
	resp, err := http.Get(page)
	if err != nil {
		return 4
	}
	resp.Body.Close()
	u, _ := url.Parse(page)
	origin := u.Scheme + "://" + u.Host
	req, _ := http.NewRequest("POST", page+"result", strings.NewReader(
		`{"user_agent":"FakeChrome","results":[{"target":"https://api.okviz.com/","attempts":[`+
			`{"mode":"cors","ok":false,"error":"TypeError: Failed to fetch","ms":3},{"mode":"no-cors","ok":false,"error":"TypeError: Failed to fetch","ms":2}]}],"blocked":[]}`))
	req.Header.Set("Origin", origin)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNoContent {
		return 5
	}
	select {
	case <-term:
		writeNetLog(netLog)
		return 0
	case <-time.After(time.Minute):
		return 6
	}
}

// helperPIDEnv names the file where the "helper" fake writes its helper's
// pid; helperLives is how long that helper lives unless killed, and then
// it writes the same file name with ".ended" added.
const (
	helperPIDEnv = "OKVIZ_TEST_HELPER_PID_FILE"
	helperLives  = 20 * time.Second
)

// runWithHelper runs the "helper" fake until the page does not load, and
// returns the helper's pid, whether it had ended of itself when Run
// returned, and Run's error.
func runWithHelper(t *testing.T) (int, bool, error) {
	t.Helper()
	srv, err := NewServer([]string{"https://api.okviz.com/"}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(wine.TempDir(t), "helper.pid")
	h := fakeHeadless(t, "helper")
	h.Env = append(h.Env, helperPIDEnv+"="+pidFile)
	h.LoadWithin = 2 * time.Second
	_, _, runErr := h.Run(context.Background(), srv)
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the fake browser started no helper: %v (Run: %v)", err, runErr)
	}
	pid, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	_, err = os.Stat(pidFile + ".ended")
	return pid, err == nil, runErr
}

// writeNetLog writes the recorded NetLog at path, as the fake browser's.
func writeNetLog(path string) {
	if log, err := os.ReadFile("testdata/netlog-disconnected.json"); err == nil {
		os.WriteFile(path, log, 0o600)
	}
}

func fakeHeadless(t *testing.T, mode string) Headless {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Headless{
		Exe:        Executable{Name: "Fake", Path: exe},
		LoadWithin: 5 * time.Second,
		Env:        append(os.Environ(), fakeBrowserEnv+"="+mode),
	}
}

func TestHeadlessRun(t *testing.T) {
	leakcheck.Check(t) // the browser's Wait, the server and the page wait end with Run
	srv, err := NewServer([]string{"https://api.okviz.com/"}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	page, facts, err := fakeHeadless(t, "report").Run(context.Background(), srv)
	if err != nil {
		t.Fatal(err)
	}
	got := page.Targets["https://api.okviz.com/"]
	if page.UserAgent != "FakeChrome" || got.Outcome != OutcomeNetworkError {
		t.Errorf("page result %+v", page)
	}
	// The NetLog is read after the browser stopped (it finishes it then).
	if f := facts["https://api.okviz.com/"]; f.NetError != "ERR_INTERNET_DISCONNECTED" || f.Route != "[direct://]" {
		t.Errorf("NetLog facts %+v", facts)
	}
	// Stopped at once (SIGTERM on Unix, TerminateProcess on Windows), not
	// by the kill 5 s after a SIGTERM that went unheeded.
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("Run took %v", d)
	}
}

func TestHeadlessBrowserCrashes(t *testing.T) {
	leakcheck.Check(t) // the browser's Wait, the server and the page wait end with Run
	srv, err := NewServer([]string{"https://api.okviz.com/"}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = fakeHeadless(t, "crash").Run(context.Background(), srv)
	if err == nil || !strings.Contains(err.Error(), "exited before reporting") || !strings.Contains(err.Error(), "zygote crashed") {
		t.Errorf("crash: %v, want the exit and the end of its log", err)
	}
}

func TestHeadlessNeverLoads(t *testing.T) {
	leakcheck.Check(t) // the browser's Wait, the server and the page wait end with Run
	srv, err := NewServer([]string{"https://api.okviz.com/"}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	h := fakeHeadless(t, "hang")
	h.LoadWithin = 300 * time.Millisecond
	_, _, err = h.Run(context.Background(), srv)
	if !errors.Is(err, ErrNoPage) {
		t.Errorf("hang: %v, want ErrNoPage", err)
	}
}

func TestHeadlessNotStartable(t *testing.T) {
	srv, err := NewServer([]string{"https://api.okviz.com/"}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	h := Headless{Exe: Executable{Path: "/nonexistent/chromium"}, LoadWithin: time.Second}
	if _, _, err := h.Run(context.Background(), srv); err == nil || !strings.Contains(err.Error(), "start /nonexistent/chromium") {
		t.Errorf("missing executable: %v", err)
	}
}

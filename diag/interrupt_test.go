package diag

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"
)

// events records what the runner tells an observer, safely across the
// targets' goroutines.
type events struct {
	mu   sync.Mutex
	seen []Event
	done map[string]chan struct{} // closed when the target is done
}

func newEvents(targets ...string) *events {
	e := &events{done: map[string]chan struct{}{}}
	for _, t := range targets {
		e.done[t] = make(chan struct{})
	}
	return e
}

func (e *events) observe(ev Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seen = append(e.seen, ev)
	if ch, ok := e.done[ev.Target]; ok && ev.Done {
		close(ch)
	}
}

func (e *events) stages(target string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.seen {
		if ev.Target != target {
			continue
		}
		if ev.Done {
			out = append(out, "done")
		} else {
			out = append(out, ev.Stage)
		}
	}
	return out
}

// helloThenStall is a TLS server that reads the start of the ClientHello,
// says so, and then never answers: a handshake that only the run's end
// stops.
func helloThenStall(hello chan<- struct{}) func(net.Conn) {
	var once sync.Once
	return func(c net.Conn) {
		b := make([]byte, 1)
		if _, err := c.Read(b); err == nil {
			once.Do(func() { close(hello) })
		}
		stall(c)
	}
}

// TestInterruptedRun: the run's context ends while one target's TLS
// handshake hangs and after another target failed on its own. The hung
// target keeps its finished TCP pass, its TLS and HTTP checks are
// unfinished and so is its verdict; the failure that finished before the
// end stays the other target's verdict.
func TestInterruptedRun(t *testing.T) {
	hello := make(chan struct{})
	srv := newFaultServer(t, helloThenStall(hello))
	hung := dnsTarget(t, "https://"+srv.addr()+"/")
	refused := dnsTarget(t, fmt.Sprintf("https://127.0.0.1:%d/", closedPort(t)))

	p := testProber(time.Now, nil, nil, nil)
	p.Timeout = time.Hour // only the cancellation ends the handshake
	ev := newEvents(hung.URL, refused.URL)
	p.Observe = ev.observe
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-hello
		<-ev.done[refused.URL]
		cancel()
	}()
	st := Stages{StageDNS, StageTCP, StageTLS, StageHTTP, StageClock}
	res := p.Run(ctx, []Target{hung, refused}, st)

	h := res[0]
	if c := checkByID(t, h.Checks, CheckTCPConnect); c.Status != StatusPass {
		t.Errorf("tcp.connect finished before the end and passed, got %s %s", c.Status, c.Code)
	}
	for _, id := range []string{CheckTLSHandshake, CheckHTTPGet} {
		if c := checkByID(t, h.Checks, id); c.Status != StatusSkip || c.Code != CodeUnfinished {
			t.Errorf("%s = %s %s (%s), want skip unfinished", id, c.Status, c.Code, c.Summary)
		}
	}
	if h.Verdict.Code != CodeUnfinished || h.Status != StatusSkip {
		t.Errorf("hung target verdict %s/%s, want unfinished/skip\n%s", h.Verdict.Code, h.Status, checkList(h.Checks))
	}
	if got := ev.stages(hung.URL); fmt.Sprint(got) != "[dns tcp tls done]" {
		t.Errorf("hung target's events %v, want dns tcp tls done", got)
	}

	r := res[1]
	if r.Verdict.Code != TCPRefused || r.Status != StatusFail {
		t.Errorf("refused target verdict %s/%s, want tcp.refused/fail: it finished before the end\n%s", r.Verdict.Code, r.Status, checkList(r.Checks))
	}
	for _, c := range r.Checks {
		if c.Code == CodeUnfinished {
			t.Errorf("refused target: %s unfinished, but it finished before the end", c.ID)
		}
	}
	if got := ev.stages(refused.URL); fmt.Sprint(got) != "[dns tcp done]" {
		t.Errorf("refused target's events %v, want dns tcp done (tls and http skipped)", got)
	}
}

// TestRunAfterTheEnd: targets probed once the run has already ended have
// every check unfinished, and nothing is dialled.
func TestRunAfterTheEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := testProber(time.Now, nil, nil, nil)
	p.Dialer = blackHole{}
	res := p.Probe(ctx, dnsTarget(t, "https://127.0.0.1:9/"), Stages{StageDNS, StageTCP, StageTLS, StageHTTP})
	if len(res.Checks) != 3 {
		t.Fatalf("want the three checks that have ids (tcp, tls, http), got\n%s", checkList(res.Checks))
	}
	for _, c := range res.Checks {
		if c.Code != CodeUnfinished || c.Status != StatusSkip {
			t.Errorf("%s = %s %s, want skip unfinished", c.ID, c.Status, c.Code)
		}
	}
	if res.Verdict.Code != CodeUnfinished {
		t.Errorf("verdict %s, want unfinished", res.Verdict.Code)
	}
}

// TestCutStagesMark: only the checks of stages the end cut short change,
// and of those only what is not a pass or information.
func TestCutStagesMark(t *testing.T) {
	c := cutStages{owner: map[string]string{}, cut: map[string]bool{}}
	live := context.Background()
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	c.ended(live, "dns", []Check{{ID: CheckDNSSystem}})
	c.ended(ended, "tcp", []Check{{ID: CheckDNSSystem}, {ID: CheckProxyConnect}, {ID: "tcp.extra"}})
	checks := []Check{
		{ID: CheckDNSSystem, Status: StatusWarn, Code: DNSMismatch},         // dns ended before: kept
		{ID: CheckProxyConnect, Status: StatusFail, Code: ProxyUnreachable}, // tcp was cut: unfinished
		{ID: "tcp.extra", Status: StatusPass, Code: TCPOK},                  // a pass is kept
		{ID: "direct.tcp.connect", Status: StatusInfo, Code: TCPTimeout},    // owned by no stage: kept
		{ID: CheckTLSHandshake, Status: StatusSkip, Code: CodeSkipped},      // owned by no cut stage: kept
	}
	if !c.mark(checks) {
		t.Error("mark says nothing is unfinished")
	}
	want := []Code{DNSMismatch, CodeUnfinished, TCPOK, TCPTimeout, CodeSkipped}
	for i, ch := range checks {
		if ch.Code != want[i] {
			t.Errorf("%s: code %s, want %s", ch.ID, ch.Code, want[i])
		}
	}
	if checks[1].Status != StatusSkip || checks[1].Remediation != "" {
		t.Errorf("unfinished check %+v", checks[1])
	}
}

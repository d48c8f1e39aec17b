package cmd

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/okviz/okviz-check/diag"
	"github.com/okviz/okviz-check/report"
)

// progressDelay is how long a run stays silent before the progress line
// shows (--progress auto): a quick run should print its report and nothing
// else, a run on a black-holed network should not look hung.
const progressDelay = 500 * time.Millisecond

// progressWidth caps the line so it fits an 80-column console without
// wrapping (a wrapped line cannot be redrawn with a carriage return).
const progressWidth = 79

// showProgress decides whether the progress line is drawn: never or always
// as asked; with auto only on a terminal, outside CI (CI set, as every CI
// service sets it), and neither with -q (only the verdict is wanted) nor
// with -v (whose log lines on stderr would tear the line apart).
func showProgress(mode string, stderrTTY bool, getenv func(string) string, quiet, verbose bool) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return stderrTTY && getenv("CI") == "" && !quiet && !verbose
}

// progress is the live status line on stderr: each unfinished target with
// the stage it is in. It listens to the runner's events (diag.Prober's
// Observe) and redraws in place with a carriage return; stop clears it
// before the report is printed.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	visible bool // the delay has passed: events redraw the line
	drawn   int  // runes of the line on screen, to blank it
	order   []string
	stage   map[string]string // target → its current stage; deleted once done
	done    int
	timer   *time.Timer
}

// startProgress starts a progress line on w that appears after delay
// (at once for 0) unless the run is over by then.
func startProgress(w io.Writer, delay time.Duration) *progress {
	p := &progress{w: w, stage: map[string]string{}}
	if delay <= 0 {
		p.visible = true
		p.draw()
		return p
	}
	p.timer = time.AfterFunc(delay, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.stage != nil { // not stopped
			p.visible = true
			p.draw()
		}
	})
	return p
}

// observe takes one runner event (from any target's goroutine).
func (p *progress) observe(e diag.Event) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stage == nil {
		return // stopped
	}
	if _, known := p.stage[e.Target]; !known && !e.Done {
		p.order = append(p.order, e.Target)
	}
	if e.Done {
		delete(p.stage, e.Target)
		p.done++
	} else {
		p.stage[e.Target] = e.Stage
	}
	p.draw()
}

// draw writes the line over the previous one (under p.mu).
func (p *progress) draw() {
	if !p.visible {
		return
	}
	var parts []string
	for _, t := range p.order {
		if st, ok := p.stage[t]; ok {
			parts = append(parts, shortTarget(t)+" "+st)
		}
	}
	line := "okviz-check: "
	switch {
	case len(parts) > 0:
		line += strings.Join(parts, " · ")
	case p.done == 0:
		line += "looking up the proxy settings"
	default:
		line += "finishing"
	}
	if p.done > 0 {
		line += fmt.Sprintf(" (%d done)", p.done)
	}
	line = report.Sanitize(line)
	if utf8.RuneCountInString(line) > progressWidth {
		line = string([]rune(line)[:progressWidth-1]) + "…"
	}
	n := utf8.RuneCountInString(line)
	fmt.Fprint(p.w, "\r"+line+strings.Repeat(" ", max(p.drawn-n, 0)))
	p.drawn = n
}

// stop ends the line and blanks it, so the report starts on a clean line.
// Events after stop are ignored.
func (p *progress) stop() {
	if p == nil {
		return
	}
	if p.timer != nil {
		p.timer.Stop()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stage = nil
	if p.drawn > 0 {
		fmt.Fprint(p.w, "\r"+strings.Repeat(" ", p.drawn)+"\r")
		p.drawn = 0
	}
}

// shortTarget is a target as the line shows it: api.okviz.com for
// https://api.okviz.com/.
func shortTarget(u string) string {
	return strings.TrimSuffix(strings.TrimPrefix(u, "https://"), "/")
}

// startProgress starts the progress line when --progress and the terminal
// say so; its methods do nothing on the nil it returns otherwise.
func (a *app) startProgress() *progress {
	g := a.global
	if !showProgress(g.Progress, a.env.StderrTTY, a.env.Getenv, g.Quiet, g.Verbose) {
		return nil
	}
	delay := progressDelay
	if g.Progress == "always" {
		delay = 0 // asked for: from the start
	}
	return startProgress(a.env.Stderr, delay)
}

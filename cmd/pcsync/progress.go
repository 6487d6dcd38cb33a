package main

import (
	"cmp"
	"io"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/pcsync/pcsync/internal/summary"
)

// How often progress is shown: a log line every defaultProgressEvery (or
// --progress-every) when stderr is not a terminal; on a terminal the bar
// is redrawn every progressBarEvery.
const (
	defaultProgressEvery = 10 * time.Second
	progressBarEvery     = 200 * time.Millisecond
)

// progressSeams lets tests drive progress; the zero value is the real
// thing.
type progressSeams struct {
	terminal func(io.Writer) bool                                 // whether stderr is a terminal
	ticks    func(every time.Duration) (<-chan time.Time, func()) // a ticker and its stop
	now      func() time.Time                                     // the clock of elapsed, rate and ETA
	width    func(io.Writer) int                                  // the terminal's width in columns
}

// startProgress shows the run's progress on stderr until the returned
// function is called: a bar on a terminal, a log line every --progress-every
// otherwise (cron, CI, a file), nothing with --quiet. total is the number of
// rows this run will finish, -1 when unknown. The returned function shows
// the final state (the bar at 100%, its line ended; a last log line) and
// returns once nothing more will be written.
func (a *app) startProgress(sum *summary.Summary, total int, o *runOptions) func() {
	if o.quiet {
		return func() {}
	}
	every, show := cmp.Or(o.progressEvery, defaultProgressEvery), summary.NewProgressLog(a.logger())
	if a.isTerminal(a.stderr) {
		if total == 0 {
			return func() {} // a resumed run with nothing left: no bar to draw
		}
		show, every = summary.NewBar(a.stderr, int64(total), func() int { return a.termWidth(a.stderr) }), progressBarEvery
	}
	now := a.progress.now
	if now == nil {
		now = time.Now
	}
	ticks, stopTicks := a.tickEvery(every)
	stop := sum.Watch(int64(total), ticks, now, show)
	return func() { stop(); stopTicks() }
}

// isTerminal reports whether w is a terminal a person is watching.
func (a *app) isTerminal(w io.Writer) bool {
	if a.progress.terminal != nil {
		return a.progress.terminal(w)
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// termWidth is the width of the terminal w is, in columns; 80 when that
// cannot be told.
func (a *app) termWidth(w io.Writer) int {
	if a.progress.width != nil {
		return a.progress.width(w)
	}
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	return 80
}

// tickEvery returns a channel that ticks every d and a function that stops
// it.
func (a *app) tickEvery(d time.Duration) (<-chan time.Time, func()) {
	if a.progress.ticks != nil {
		return a.progress.ticks(d)
	}
	t := time.NewTicker(d)
	return t.C, t.Stop
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/pcsync/pcsync/internal/job"
)

// How often progress is shown: a log line every defaultProgressEvery (or
// --progress-every) when stderr is not a terminal; on a terminal the bar
// is redrawn every progressBarEvery.
const (
	defaultProgressEvery = 10 * time.Second
	progressBarEvery     = 200 * time.Millisecond
)

// progressCounts is what progress reads of a run as it goes: how many rows
// ended with each status. The run's *summary.Summary is one, safe to read
// while the run adds to it.
type progressCounts interface {
	Status(job.Status) int64
}

// progressSeams lets tests drive progress; the zero value is the real
// thing.
type progressSeams struct {
	terminal func(io.Writer) bool                                 // whether stderr is a terminal
	ticks    func(every time.Duration) (<-chan time.Time, func()) // a ticker and its stop
	now      func() time.Time                                     // the clock of elapsed, rate and ETA
}

// startProgress shows the run's progress on stderr until the returned
// function is called: a bar on a terminal, a log line every --progress-every
// otherwise (cron, CI, a file), nothing with --quiet. total is the number of
// rows this run will finish, -1 when unknown. The returned function shows
// the final state (the bar at 100%, its line ended; a last log line) and
// returns once nothing more will be written.
func (a *app) startProgress(c progressCounts, total int, o *runOptions) func() {
	if o.Quiet {
		return func() {}
	}
	var show func(f figures, final bool)
	every := time.Duration(o.ProgressEvery)
	if every <= 0 {
		every = defaultProgressEvery
	}
	if a.isTerminal(a.stderr) {
		if total == 0 {
			return func() {} // a resumed run with nothing left: no bar to draw
		}
		show, every = newBar(a.stderr, int64(total)), progressBarEvery
	} else {
		show = newProgressLog(a.logger())
	}
	now := a.progress.now
	if now == nil {
		now = time.Now
	}
	start := now()
	read := func() figures { return readFigures(c, int64(total), now().Sub(start)) }

	ticks, stopTicks := a.tickEvery(every)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer stopTicks()
		for {
			select {
			case <-done:
				show(read(), true)
				return
			case <-ticks:
				show(read(), false)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// isTerminal reports whether w is a terminal a person is watching.
func (a *app) isTerminal(w io.Writer) bool {
	if a.progress.terminal != nil {
		return a.progress.terminal(w)
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
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

// figures is one reading of a run's progress.
type figures struct {
	done, total                  int64 // total is -1 when unknown
	ok, failed, invalid, skipped int64
	elapsed                      time.Duration
}

// readFigures reads c once. done is the sum of the counts read, so the
// figures of one reading agree with each other even while rows finish.
// Skipped rows (a run stopped by an interrupt, refused credentials or
// --give-up-after) are not done: the bar of an interrupted run stays where
// it was, and the rate is of rows dealt with.
func readFigures(c progressCounts, total int64, elapsed time.Duration) figures {
	f := figures{total: total, elapsed: elapsed}
	for _, s := range job.Statuses {
		n := c.Status(s)
		if s == job.StatusSkipped {
			f.skipped = n
			continue
		}
		f.done += n
		switch s {
		case job.StatusOK:
			f.ok = n
		case job.StatusFailed:
			f.failed = n
		case job.StatusInvalid:
			f.invalid = n
		}
	}
	return f
}

// rowsPerSecond is the average rate since the start.
func (f figures) rowsPerSecond() float64 {
	if f.elapsed <= 0 {
		return 0
	}
	return float64(f.done) / f.elapsed.Seconds()
}

// eta is how long the rest will take at the average rate so far, rounded
// up to the second (never 0s while rows are left); false when that cannot
// be told (no total, or nothing finished yet).
func (f figures) eta() (time.Duration, bool) {
	rate := f.rowsPerSecond()
	if f.total < 0 || rate <= 0 {
		return 0, false
	}
	left := max(f.total-f.done, 0)
	return time.Duration(math.Ceil(float64(left)/rate)) * time.Second, true
}

// logAttrs are the figures as a progress line's attributes: done, total,
// ok, failed, invalid, skipped, rows_per_s, eta, elapsed. total and eta
// are left out when unknown, skipped when there are none.
func (f figures) logAttrs() []any {
	args := []any{"done", f.done}
	if f.total >= 0 {
		args = append(args, "total", f.total)
	}
	args = append(args, "ok", f.ok, "failed", f.failed, "invalid", f.invalid)
	if f.skipped > 0 {
		args = append(args, "skipped", f.skipped)
	}
	args = append(args, "rows_per_s", math.Round(f.rowsPerSecond()*10)/10)
	if eta, ok := f.eta(); ok {
		args = append(args, "eta", eta.String())
	}
	return append(args, "elapsed", f.elapsed.Round(100*time.Millisecond).String())
}

// newProgressLog shows progress as one log record per tick ("progress")
// and a last one when the run has ended ("run ended"): no control
// characters, one line each, for a file, cron mail or a log collector.
func newProgressLog(log *slog.Logger) func(figures, bool) {
	return func(f figures, final bool) {
		msg := "progress"
		if final {
			msg = "run ended"
		}
		log.Log(context.Background(), slog.LevelInfo, msg, f.logAttrs()...)
	}
}

// newBar draws a bar on w, a terminal: the ok, failed and invalid counts,
// the share done, done/total, rows/s and [elapsed:left]; a spinner when the
// total is unknown. Its final call draws the last state (100% once every
// row has finished) and ends the line, so that what follows starts on a
// line of its own.
func newBar(w io.Writer, total int64) func(figures, bool) {
	// w itself, not a buffer over it: the bar sizes itself to the
	// terminal's width only when it writes to an *os.File. It draws twice
	// per tick (new counts, then the new share), each time over the line.
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(barDescription(figures{})),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionFullWidth(),
		progressbar.OptionSetRenderBlankState(true),
		// Redrawn on our ticks only: no goroutine of the bar's own that
		// could write after the summary.
		progressbar.OptionSetSpinnerChangeInterval(0),
	)
	return func(f figures, final bool) {
		bar.Describe(barDescription(f))
		if total >= 0 {
			bar.Set64(min(f.done, total))
		} else {
			bar.Set64(f.done)
			if final {
				bar.Finish()
			}
		}
		if final {
			fmt.Fprintln(w)
		}
	}
}

func barDescription(f figures) string {
	d := fmt.Sprintf("ok %d, failed %d, invalid %d", f.ok, f.failed, f.invalid)
	if f.skipped > 0 {
		d += fmt.Sprintf(", skipped %d", f.skipped)
	}
	return d
}

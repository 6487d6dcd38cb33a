package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
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
}

// startProgress shows the run's progress on stderr until the returned
// function is called: a bar on a terminal, a log line every --progress-every
// otherwise (cron, CI, a file), nothing with --quiet. total is the number of
// rows this run will finish, -1 when unknown. The returned function shows
// the final state (the bar at 100%, its line ended; a last log line) and
// returns once nothing more will be written. pace, when not nil, says what
// bounds the run at a rate of rows a second.
func (a *app) startProgress(sum *summary.Summary, total int, o *runOptions, pace func(rowsPerSecond float64) *summary.Pace) func() {
	if o.Quiet {
		return func() {}
	}
	var show func(f summary.Progress, final bool)
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
	read := func() summary.Progress {
		f := sum.Progress(int64(total), now().Sub(start))
		if pace != nil {
			f.Pace = pace(f.RowsPerSecond())
		}
		return f
	}

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

// logAttrs are a reading of progress as a progress line's attributes: done, total,
// ok, failed, invalid, skipped, rows_per_s, eta, elapsed. total and eta
// are left out when unknown, skipped when there are none.
func logAttrs(f summary.Progress) []any {
	args := []any{"done", f.Done}
	if f.Total >= 0 {
		args = append(args, "total", f.Total)
	}
	args = append(args, "ok", f.OK, "failed", f.Failed, "invalid", f.Invalid)
	if f.Skipped > 0 {
		args = append(args, "skipped", f.Skipped)
	}
	args = append(args, "rows_per_s", math.Round(f.RowsPerSecond()*10)/10)
	if eta, ok := f.ETA(); ok {
		args = append(args, "eta", eta.String())
	}
	args = append(args, "elapsed", f.Elapsed.Round(100*time.Millisecond).String())
	if p := f.Pace; p != nil {
		args = append(args, "bound", p.Bound, "workers", p.Workers)
		if p.P50 > 0 {
			args = append(args, "p50", summary.RoundLatency(p.P50).String(), "p95", summary.RoundLatency(p.P95).String())
		}
		if p.ThrottledAbove > 0 {
			args = append(args, "throttled_above", math.Round(p.ThrottledAbove*10)/10)
		}
	}
	return args
}

// newProgressLog shows progress as one log record per tick ("progress")
// and a last one when the run has ended ("run ended"): no control
// characters, one line each, for a file, cron mail or a log collector.
func newProgressLog(log *slog.Logger) func(summary.Progress, bool) {
	return func(f summary.Progress, final bool) {
		msg := "progress"
		if final {
			msg = "run ended"
		}
		log.Log(context.Background(), slog.LevelInfo, msg, logAttrs(f)...)
	}
}

// newBar draws a bar on w, a terminal: the ok, failed and invalid counts,
// the share done, done/total, rows/s and [elapsed:left]; a spinner when the
// total is unknown. Its final call draws the last state (100% once every
// row has finished) and ends the line, so that what follows starts on a
// line of its own.
func newBar(w io.Writer, total int64) func(summary.Progress, bool) {
	// w itself, not a buffer over it: the bar sizes itself to the
	// terminal's width only when it writes to an *os.File. It draws twice
	// per tick (new counts, then the new share), each time over the line.
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(barDescription(summary.Progress{})),
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
	return func(f summary.Progress, final bool) {
		bar.Describe(barDescription(f))
		if total >= 0 {
			bar.Set64(min(f.Done, total))
		} else {
			bar.Set64(f.Done)
			if final {
				bar.Finish()
			}
		}
		if final {
			fmt.Fprintln(w)
		}
	}
}

func barDescription(f summary.Progress) string {
	d := fmt.Sprintf("ok %d, failed %d, invalid %d", f.OK, f.Failed, f.Invalid)
	if f.Skipped > 0 {
		d += fmt.Sprintf(", skipped %d", f.Skipped)
	}
	switch p := f.Pace; {
	case p == nil:
	case p.Bound == summary.BoundThrottled:
		d += fmt.Sprintf(" · API throttled above %.0f/s", p.ThrottledAbove)
	case p.Bound == summary.BoundRate:
		d += fmt.Sprintf(" · rate %s/s, %d workers", strconv.FormatFloat(p.AskedRate, 'f', -1, 64), p.Workers)
	case p.P95 > 0:
		d += fmt.Sprintf(" · bound by %d workers, p95 %s", p.Workers, summary.RoundLatency(p.P95))
	default:
		d += fmt.Sprintf(" · bound by %d workers", p.Workers)
	}
	return d
}

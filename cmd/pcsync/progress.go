package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/pcsync/pcsync/internal/proc"
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
	var show func(f summary.Progress, final bool)
	every := o.progressEvery
	if every <= 0 {
		every = defaultProgressEvery
	}
	if a.isTerminal(a.stderr) {
		if total == 0 {
			return func() {} // a resumed run with nothing left: no bar to draw
		}
		show, every = newBar(a.stderr, int64(total), func() int { return a.termWidth(a.stderr) }), progressBarEvery
	} else {
		show = newProgressLog(a.logger())
	}
	now := a.progress.now
	if now == nil {
		now = time.Now
	}
	start := now()
	read := func() summary.Progress { return sum.Progress(int64(total), now().Sub(start)) }

	ticks, stopTicks := a.tickEvery(every)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer proc.PanicCleanup()
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
		msg, attrs := "progress", logAttrs(f)
		if final {
			// Nothing is left to wait for, whether the run finished or
			// was stopped: no eta.
			msg = "run ended"
			for i := 0; i+1 < len(attrs); i += 2 {
				if attrs[i] == "eta" {
					attrs = append(attrs[:i], attrs[i+2:]...)
					break
				}
			}
		}
		log.Log(context.Background(), slog.LevelInfo, msg, attrs...)
	}
}

// newBar draws a bar on w, a terminal: the ok, failed and invalid counts,
// the share done, a bar, done/total, rows/s and [elapsed:left]; no share
// and no bar when the total is unknown. width reads the terminal's width at
// every drawing, so the line never wraps, whatever the width and however it
// changes: what does not fit is left out, the bar first, then the times,
// what bounds the run, the counts in parentheses, and at last the line is
// cut. Its final call
// draws the last state and ends the line, so that what follows starts on a
// line of its own.
func newBar(w io.Writer, total int64, width func() int) func(summary.Progress, bool) {
	drawn := 0 // the width of the last drawing, to blank what is left of it
	draw := func(f summary.Progress, final bool) {
		cols := width() - 1 // the last column would wrap on some terminals
		line := fitBar(f, total, cols)
		pad := max(min(drawn, cols)-utf8.RuneCountInString(line), 0)
		drawn = utf8.RuneCountInString(line)
		io.WriteString(w, "\r"+line+strings.Repeat(" ", pad))
		if final {
			fmt.Fprintln(w)
		}
	}
	draw(summary.Progress{Total: total}, false)
	return draw
}

// minBar is the narrowest bar worth drawing.
const minBar = 10

// fitBar is one drawing of the bar in at most cols columns.
func fitBar(f summary.Progress, total int64, cols int) string {
	desc := barDescription(f)
	share, count := "", fmt.Sprintf("(%d/-, %.0f rows/s)", f.Done, f.RowsPerSecond())
	pct := 0.0
	if total >= 0 {
		if total > 0 {
			pct = min(float64(f.Done)/float64(total), 1)
		} else {
			pct = 1
		}
		share = fmt.Sprintf("%3d%%", int(pct*100))
		count = fmt.Sprintf("(%d/%d, %.0f rows/s)", f.Done, total, f.RowsPerSecond())
	}
	times := "[" + (f.Elapsed.Truncate(time.Second)).String()
	if eta, ok := f.ETA(); ok {
		times += ":" + eta.String()
	}
	times += "]"
	join := func(parts ...string) string {
		var b strings.Builder
		for _, p := range parts {
			if p == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(p)
		}
		return b.String()
	}
	pace := paceText(f)
	// With a bar: as wide as what is left, when that is at least minBar.
	for _, rest := range [][3]string{{pace, count, times}, {pace, count, ""}} {
		if share == "" {
			break
		}
		without := join(desc+rest[0], share, "||", rest[1], rest[2])
		if n := cols - utf8.RuneCountInString(without); n >= minBar {
			filled := int(pct * float64(n))
			bar := "|" + strings.Repeat("█", filled) + strings.Repeat(" ", n-filled) + "|"
			return join(desc+rest[0], share, bar, rest[1], rest[2])
		}
	}
	for _, line := range []string{join(desc+pace, share, count, times), join(desc+pace, share, count), join(desc, share, count), join(desc, share)} {
		if utf8.RuneCountInString(line) <= cols {
			return line
		}
	}
	line := join(desc, share)
	if cols <= 0 {
		return ""
	}
	return string([]rune(line)[:min(cols, utf8.RuneCountInString(line))])
}

// barDescription is the bar's counts of rows by status.
func barDescription(f summary.Progress) string {
	d := fmt.Sprintf("ok %d, failed %d, invalid %d", f.OK, f.Failed, f.Invalid)
	if f.Skipped > 0 {
		d += fmt.Sprintf(", skipped %d", f.Skipped)
	}
	return d
}

// paceText is what bounds the run so far, as the bar says it after the
// counts ("" when unknown): the first thing left out after the bar and the
// times when the terminal is narrow.
func paceText(f summary.Progress) string {
	p := f.Pace
	switch {
	case p == nil:
		return ""
	case p.Bound == summary.BoundThrottled:
		return fmt.Sprintf(" · API throttled above %.0f/s", p.ThrottledAbove)
	case p.Bound == summary.BoundRate:
		return fmt.Sprintf(" · rate %s/s, %d workers", strconv.FormatFloat(p.AskedRate, 'f', -1, 64), p.Workers)
	case p.P95 > 0:
		return fmt.Sprintf(" · bound by %d workers, p95 %s", p.Workers, summary.RoundLatency(p.P95))
	}
	return fmt.Sprintf(" · bound by %d workers", p.Workers)
}

package summary

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// NewBar draws progress as a bar on w, a terminal: the ok, failed and
// invalid counts, the share done, a bar, done/total, rows/s and
// [elapsed:left]; no share and no bar when total is unknown (-1). It draws
// the empty bar at once and returns the function that draws each reading
// after it, in place (with \r, blanking what is left of the last drawing).
// width reads the terminal's width at every drawing, so the line never
// wraps, whatever the width and however it changes (see BarLine). The
// final call draws the last reading and ends the line, so that what
// follows starts on a line of its own.
func NewBar(w io.Writer, total int64, width func() int) func(p Progress, final bool) {
	drawn := 0 // the width of the last drawing, to blank what is left of it
	draw := func(p Progress, final bool) {
		cols := width() - 1 // the last column would wrap on some terminals
		line := p.BarLine(cols)
		pad := max(min(drawn, cols)-utf8.RuneCountInString(line), 0)
		drawn = utf8.RuneCountInString(line)
		io.WriteString(w, "\r"+line+strings.Repeat(" ", pad))
		if final {
			fmt.Fprintln(w)
		}
	}
	draw(Progress{Total: total}, false)
	return draw
}

// minBar is the narrowest bar worth drawing, in columns.
const minBar = 10

// BarLine is one drawing of p as NewBar draws it, in at most cols columns:
//
//	ok 20, failed 3, invalid 2  25% |████              | (25/100, 10 rows/s) [2s:8s]
//
// What does not fit is left out, the bar first, then the times, what
// bounds the run, the counts in parentheses, and at last the line is cut.
func (p Progress) BarLine(cols int) string {
	desc := p.barDescription()
	share, count := "", fmt.Sprintf("(%d/-, %.0f rows/s)", p.Done, p.RowsPerSecond())
	pct := 0.0
	if p.Total >= 0 {
		if p.Total > 0 {
			pct = min(float64(p.Done)/float64(p.Total), 1)
		} else {
			pct = 1
		}
		share = fmt.Sprintf("%3d%%", int(pct*100))
		count = fmt.Sprintf("(%d/%d, %.0f rows/s)", p.Done, p.Total, p.RowsPerSecond())
	}
	times := "[" + (p.Elapsed.Truncate(time.Second)).String()
	if eta, ok := p.ETA(); ok {
		times += ":" + eta.String()
	}
	times += "]"
	join := func(parts ...string) string {
		var b strings.Builder
		for _, s := range parts {
			if s == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s)
		}
		return b.String()
	}
	pace := p.paceText()
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

// barDescription is the bar's counts of rows by status: "ok 20, failed 3,
// invalid 2", and skipped when there are some.
func (p Progress) barDescription() string {
	d := fmt.Sprintf("ok %d, failed %d, invalid %d", p.OK, p.Failed, p.Invalid)
	if p.Skipped > 0 {
		d += fmt.Sprintf(", skipped %d", p.Skipped)
	}
	return d
}

// paceText is what bounds the run so far, as the bar says it after the
// counts ("" when unknown): the first thing left out after the bar and the
// times when the terminal is narrow.
func (p Progress) paceText() string {
	pace := p.Pace
	switch {
	case pace == nil:
		return ""
	case pace.Bound == BoundThrottled:
		return fmt.Sprintf(" · API throttled above %.0f/s", pace.ThrottledAbove)
	case pace.Bound == BoundRate:
		return fmt.Sprintf(" · rate %s/s, %d workers", strconv.FormatFloat(pace.AskedRate, 'f', -1, 64), pace.Workers)
	case pace.P95 > 0:
		return fmt.Sprintf(" · bound by %d workers, p95 %s", pace.Workers, RoundLatency(pace.P95))
	}
	return fmt.Sprintf(" · bound by %d workers", pace.Workers)
}

// LogAttrs are p as a progress log line's attributes, key and value in
// turn, for slog: done, total, ok, failed, invalid, skipped, rows_per_s,
// eta, elapsed, then what bounds the run (bound, workers, p50, p95,
// throttled_above). total and eta are left out when unknown, skipped when
// there are none, the bound's when there is no Pace, the latencies when
// not watched, throttled_above when the API never throttled.
func (p Progress) LogAttrs() []any {
	args := []any{"done", p.Done}
	if p.Total >= 0 {
		args = append(args, "total", p.Total)
	}
	args = append(args, "ok", p.OK, "failed", p.Failed, "invalid", p.Invalid)
	if p.Skipped > 0 {
		args = append(args, "skipped", p.Skipped)
	}
	args = append(args, "rows_per_s", math.Round(p.RowsPerSecond()*10)/10)
	if eta, ok := p.ETA(); ok {
		args = append(args, "eta", eta.String())
	}
	args = append(args, "elapsed", p.Elapsed.Round(100*time.Millisecond).String())
	if pace := p.Pace; pace != nil {
		args = append(args, "bound", pace.Bound, "workers", pace.Workers)
		if pace.P50 > 0 {
			args = append(args, "p50", RoundLatency(pace.P50).String(), "p95", RoundLatency(pace.P95).String())
		}
		if pace.ThrottledAbove > 0 {
			args = append(args, "throttled_above", math.Round(pace.ThrottledAbove*10)/10)
		}
	}
	return args
}

// NewProgressLog shows progress as one record on log per reading, at level
// info: "progress" with LogAttrs, and for the final one "run ended",
// without an eta. No control characters, one line each, for a file, cron
// mail or a log collector.
func NewProgressLog(log *slog.Logger) func(p Progress, final bool) {
	return func(p Progress, final bool) {
		msg, attrs := "progress", p.LogAttrs()
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

package summary

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pcsync/pcsync/internal/job"
)

// TestBarLineFitsTheWidth draws the bar of an interrupted run (the longest
// description) at every width from 200 columns down to 1: no drawing is
// wider than the terminal less its last column, and what is shown is what
// fits, most useful first.
func TestBarLineFitsTheWidth(t *testing.T) {
	t.Parallel()
	p := Progress{Done: 1200, Total: 5000, OK: 1150, Failed: 30, Invalid: 20, Skipped: 3800, Elapsed: 5 * time.Second}
	for cols := 200; cols >= 1; cols-- {
		line := p.BarLine(cols - 1)
		if n := utf8.RuneCountInString(line); n > cols-1 {
			t.Errorf("%d columns: %d wide: %q", cols, n, line)
		}
		if cols < 86 && strings.Contains(line, "|") || cols < 60 && strings.Contains(line, "(") {
			t.Errorf("%d columns: %q", cols, line)
		}
	}
	tests := []struct {
		name string
		cols int
		want []string
	}{
		{"everything", 120, []string{"ok 1150, failed 30, invalid 20, skipped 3800  24% |█", " | (1200/5000, 240 rows/s) [5s:16s]"}},
		{"the bar before the times", 90, []string{" 24% |██", "| (1200/5000, 240 rows/s)"}},
		{"no room for a bar", 80, []string{"ok 1150, failed 30, invalid 20, skipped 3800  24% (1200/5000, 240 rows/s)"}},
		{"the counts and the share", 64, []string{"ok 1150, failed 30, invalid 20, skipped 3800  24%"}},
		{"the counts and the share, narrower", 50, []string{"ok 1150, failed 30, invalid 20, skipped 3800  24%"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			line := p.BarLine(tt.cols - 1)
			for _, w := range tt.want {
				if !strings.Contains(line, w) {
					t.Errorf("%d columns: %q lacks %q", tt.cols, line, w)
				}
			}
		})
	}
}

// TestBarLineSaysThePace: what bounds the run follows the counts, and is
// left out before the counts in parentheses when the line is narrow.
func TestBarLineSaysThePace(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name string
		pace *Pace
		cols int
		want string
	}{
		{"unknown", nil, 80,
			"ok 20, failed 3, invalid 2  25% |████              | (25/100, 10 rows/s) [2s:8s]"},
		{"the rate asked", &Pace{Bound: BoundRate, AskedRate: 12.5, Workers: 4}, 80,
			"ok 20, failed 3, invalid 2 · rate 12.5/s, 4 workers  25% (25/100, 10 rows/s)"},
		{"the workers, latency watched", &Pace{Bound: BoundWorkers, Workers: 2, P50: 100 * ms, P95: 109 * ms}, 110,
			"ok 20, failed 3, invalid 2 · bound by 2 workers, p95 109ms  25% |████            | (25/100, 10 rows/s) [2s:8s]"},
		{"the workers", &Pace{Bound: BoundWorkers, Workers: 2}, 80,
			"ok 20, failed 3, invalid 2 · bound by 2 workers  25% (25/100, 10 rows/s) [2s:8s]"},
		{"throttled", &Pace{Bound: BoundThrottled, Workers: 8, ThrottledAbove: 47.6}, 80,
			"ok 20, failed 3, invalid 2 · API throttled above 48/s  25% (25/100, 10 rows/s)"},
		{"no room for the pace", &Pace{Bound: BoundThrottled, Workers: 8, ThrottledAbove: 47.6}, 60,
			"ok 20, failed 3, invalid 2  25% (25/100, 10 rows/s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := Progress{Done: 25, Total: 100, OK: 20, Failed: 3, Invalid: 2, Elapsed: 2500 * ms, Pace: tt.pace}
			if got := p.BarLine(tt.cols); got != tt.want {
				t.Errorf("at %d columns:\ngot  %q\nwant %q", tt.cols, got, tt.want)
			}
		})
	}
}

// TestNewBarFollowsTheWidth: the width is read at every drawing; a narrower
// terminal gets a narrower line, and the blanking of a longer earlier
// drawing never goes past the new width.
func TestNewBarFollowsTheWidth(t *testing.T) {
	t.Parallel()
	var w bytes.Buffer
	widths := []int{120, 120, 50, 200}
	n := 0
	show := NewBar(&w, 40, func() int { n++; return widths[min(n, len(widths))-1] })
	for i, done := range []int64{10, 20, 40} {
		show(Progress{Done: done, Total: 40, OK: done, Elapsed: time.Duration(i+1) * time.Second}, i == 2)
	}
	draws := strings.Split(strings.TrimSuffix(w.String(), "\n"), "\r")[1:]
	if len(draws) != 4 {
		t.Fatalf("%d drawings: %q", len(draws), w.String())
	}
	for i, d := range draws {
		if n := utf8.RuneCountInString(d); n > widths[i]-1 {
			t.Errorf("drawing %d: %d wide on %d columns: %q", i+1, n, widths[i], d)
		}
	}
	if !strings.Contains(draws[3], "100% |") || utf8.RuneCountInString(strings.TrimRight(draws[3], " ")) != 199 {
		t.Errorf("at 200 columns the bar fills the line: %q", draws[3])
	}
}

// TestNewBarWhenTotalUnknown: with no total the bar is a spinner of counts,
// no share, and its line still ends once.
func TestNewBarWhenTotalUnknown(t *testing.T) {
	t.Parallel()
	var w bytes.Buffer
	show := NewBar(&w, -1, func() int { return 80 })
	show(Progress{Done: 3, Total: -1, OK: 2, Failed: 1}, false)
	show(Progress{Done: 7, Total: -1, OK: 6, Failed: 1}, true)
	out := w.String()
	if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
		t.Fatalf("the spinner's line does not end once: %q", out)
	}
	draws := strings.Split(strings.TrimSuffix(out, "\n"), "\r")
	final := draws[len(draws)-1]
	if !strings.Contains(final, "ok 6, failed 1, invalid 0") || !strings.Contains(final, "(7/-") || strings.Contains(final, "%") {
		t.Errorf("last drawing %q", final)
	}
}

// counted returns a run's summary that counts c, by status.
func counted(c map[job.Status]int64) *Summary {
	sum := New(Options{})
	for st, n := range c {
		for range n {
			sum.AddRow(job.SegmentsAdd.Index(), st, 1, "")
		}
	}
	return sum
}

// attrsText is log attributes as key=value, space-separated.
func attrsText(attrs []any) string {
	var parts []string
	for i := 0; i < len(attrs); i += 2 {
		parts = append(parts, fmt.Sprintf("%v=%v", attrs[i], attrs[i+1]))
	}
	return strings.Join(parts, " ")
}

func TestLogAttrs(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name    string
		c       map[job.Status]int64
		total   int64
		elapsed time.Duration
		pace    *Pace
		want    string // the log attributes, key=value
	}{
		{"nothing yet", nil, 100, 0, nil,
			"done=0 total=100 ok=0 failed=0 invalid=0 rows_per_s=0 elapsed=0s"},
		{"a quarter at 10 rows/s", map[job.Status]int64{job.StatusOK: 20, job.StatusFailed: 3, job.StatusInvalid: 2}, 100, 2500 * ms, nil,
			"done=25 total=100 ok=20 failed=3 invalid=2 rows_per_s=10 eta=8s elapsed=2.5s"},
		{"eta rounds up", map[job.Status]int64{job.StatusOK: 3}, 4, 2 * time.Second, nil,
			"done=3 total=4 ok=3 failed=0 invalid=0 rows_per_s=1.5 eta=1s elapsed=2s"},
		{"duplicates are done", map[job.Status]int64{job.StatusOK: 1, job.StatusDuplicate: 5}, 6, time.Minute, nil,
			"done=6 total=6 ok=1 failed=0 invalid=0 rows_per_s=0.1 eta=0s elapsed=1m0s"},
		{"skipped rows are not done", map[job.Status]int64{job.StatusOK: 30, job.StatusSkipped: 70}, 100, 3 * time.Second, nil,
			"done=30 total=100 ok=30 failed=0 invalid=0 skipped=70 rows_per_s=10 eta=7s elapsed=3s"},
		{"total unknown", map[job.Status]int64{job.StatusOK: 9}, -1, 3 * time.Second, nil,
			"done=9 ok=9 failed=0 invalid=0 rows_per_s=3 elapsed=3s"},
		{"bound by the workers", map[job.Status]int64{job.StatusOK: 9}, -1, 3 * time.Second,
			&Pace{Bound: BoundWorkers, Workers: 2, P50: 4420 * time.Microsecond, P95: 109400 * time.Microsecond},
			"done=9 ok=9 failed=0 invalid=0 rows_per_s=3 elapsed=3s bound=workers workers=2 p50=4.4ms p95=109ms"},
		{"throttled", map[job.Status]int64{job.StatusOK: 9}, -1, 3 * time.Second,
			&Pace{Bound: BoundThrottled, Workers: 8, ThrottledAbove: 47.64},
			"done=9 ok=9 failed=0 invalid=0 rows_per_s=3 elapsed=3s bound=throttled workers=8 throttled_above=47.6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := counted(tt.c).Progress(tt.total, tt.elapsed)
			p.Pace = tt.pace
			if got := attrsText(p.LogAttrs()); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestNewProgressLog: one line a reading, "progress" with an eta while
// there is one, "run ended" without an eta at the end.
func TestNewProgressLog(t *testing.T) {
	t.Parallel()
	p := Progress{Done: 25, Total: 100, OK: 25, Elapsed: 2500 * time.Millisecond}
	tests := []struct {
		name  string
		final bool
		want  string
	}{
		{"a tick", false, "level=INFO msg=progress done=25 total=100 ok=25 failed=0 invalid=0 rows_per_s=10 eta=8s elapsed=2.5s\n"},
		{"the end", true, "level=INFO msg=\"run ended\" done=25 total=100 ok=25 failed=0 invalid=0 rows_per_s=10 elapsed=2.5s\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var w bytes.Buffer
			noTime := func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			}
			NewProgressLog(slog.New(slog.NewTextHandler(&w, &slog.HandlerOptions{ReplaceAttr: noTime})))(p, tt.final)
			if w.String() != tt.want {
				t.Errorf("got  %q\nwant %q", w.String(), tt.want)
			}
		})
	}
}

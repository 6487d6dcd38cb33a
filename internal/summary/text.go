package summary

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/pcsync/pcsync/internal/job"
)

// WriteText writes the summary for people: a headline with the rows, the
// requests and, when known, the elapsed time and rate; the pace (what bound
// the rate: Pace.Line) when known; a table of rows by
// action and status (only the actions that have rows; the unchanged column
// only when some row is) with a total line;
// then the most frequent errors, if any.
//
//	pcsync: 15 rows in 1.503s (10 rows/s), 15 requests
//	  action                         ok   failed  invalid  skipped duplicate
//	  segments/add                    4        0        0        0         0
//	  total                          15        0        0        0         0
func (s *Summary) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	if skipped := s.Status(job.StatusSkipped); s.Elapsed > 0 && skipped > 0 {
		// Stopped early: the rate is the rows dealt with, over the time.
		fmt.Fprintf(b, "pcsync: %d of %s dealt with in %s (%.0f rows/s), %s; %d skipped (not sent)\n",
			s.Total()-skipped, Plural(s.Total(), "row"), RoundDuration(s.Elapsed), s.RowsPerSecond(), Plural(s.Requests(), "request"), skipped)
	} else if s.Elapsed > 0 {
		fmt.Fprintf(b, "pcsync: %s in %s (%.0f rows/s), %s\n",
			Plural(s.Total(), "row"), RoundDuration(s.Elapsed), s.RowsPerSecond(), Plural(s.Requests(), "request"))
	} else {
		fmt.Fprintf(b, "pcsync: %s, %s\n", Plural(s.Total(), "row"), Plural(s.Requests(), "request"))
	}
	if s.Pace != nil {
		fmt.Fprintln(b, s.Pace.Line())
	}
	cols := s.columns()
	fmt.Fprintf(b, "  %-24s", "action")
	for _, st := range cols {
		fmt.Fprintf(b, " %*s", columnWidth(st), st)
	}
	b.WriteByte('\n')
	line := func(name string, count func(job.Status) int64) {
		fmt.Fprintf(b, "  %-24s", name)
		for _, st := range cols {
			fmt.Fprintf(b, " %*d", columnWidth(st), count(st))
		}
		b.WriteByte('\n')
	}
	for a := range s.counts {
		if s.ActionTotal(a) > 0 {
			line(actionLabel(a), func(st job.Status) int64 { return s.Count(a, st) })
		}
	}
	line("total", s.Status)
	if top := s.TopErrors(); len(top) > 0 {
		width := len(strconv.FormatInt(top[0].Count, 10))
		if other := s.OtherErrors(); other > 0 {
			width = max(width, len(strconv.FormatInt(other, 10)))
		}
		fmt.Fprintln(b, "top errors (rows):")
		for _, e := range top {
			fmt.Fprintf(b, "  %*d  %s\n", width, e.Count, e.Message)
		}
		if other := s.OtherErrors(); other > 0 {
			fmt.Fprintf(b, "  %*d  (other errors)\n", width, other)
		}
	}
	return b.Flush()
}

// columns are the statuses the table shows: every one, but unchanged only
// when some row is (a run with --state), so that the table of a run
// without it keeps its shape.
func (s *Summary) columns() []job.Status {
	if s.Status(job.StatusUnchanged) > 0 {
		return job.Statuses
	}
	cols := make([]job.Status, 0, len(job.Statuses))
	for _, st := range job.Statuses {
		if st != job.StatusUnchanged {
			cols = append(cols, st)
		}
	}
	return cols
}

// columnWidth is the width of a status's column: its name, at least 8.
func columnWidth(st job.Status) int { return max(8, len(st.String())) }

// RoundDuration rounds d for people: to the second from a minute up, to
// the millisecond below.
func RoundDuration(d time.Duration) time.Duration {
	if d >= time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

// Plural counts n of noun, the noun pluralised when n is not 1: "1 row",
// "0 rows", "15 rows". Every noun pcsync counts takes an s.
func Plural[N int | int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.FormatInt(int64(n), 10) + " " + noun + "s"
}

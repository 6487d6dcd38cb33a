package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/pcsync/pcsync/internal/metrics"
	"github.com/pcsync/pcsync/internal/runner"
	"github.com/pcsync/pcsync/internal/summary"
)

// printSummary prints what the run did: the summary's table and top errors,
// then where the results and the failed rows are.
func printSummary(w io.Writer, out *runner.Outcome) {
	out.Summary.WriteText(w)
	if out.ResultsPath != "-" {
		fmt.Fprintf(w, "results: %s\n", out.ResultsPath)
	}
	fmt.Fprintf(w, "failed:  %s (%s)\n", out.FailedPath, summary.Plural(out.Failed(), "row"))
}

// writeSummaryJSON writes the run's summary to path, with the exit status
// the run ends with (code, or the one err maps to) and why it stopped
// early, if it did. A failure is reported on stderr; the exit status stays
// the run's.
func (a *app) writeSummaryJSON(ctx context.Context, path string, out *runner.Outcome, code int, err error) {
	sum := finalSummary(ctx, out, code, err)
	if werr := sum.WriteJSONFile(path); werr != nil {
		fmt.Fprintf(a.stderr, "pcsync: cannot write the summary to --summary-json %s: %v\n", path, werr)
	}
}

// writeMetrics writes --metrics-file at the end of a run that started at
// start: its rows when it got as far as sending (out), and its exit status
// (code, or the one err maps to). A failure is reported on stderr; the
// exit status stays the run's.
func (a *app) writeMetrics(ctx context.Context, path string, start time.Time, out *runner.Outcome, code int, err error) {
	if err != nil {
		code = exitCode(ctx, err, false)
	}
	r := metrics.Run{ExitCode: code, Started: start, Ended: a.clock()}
	if out != nil {
		r.Summary = out.Summary
	}
	if werr := metrics.Write(path, r); werr != nil {
		fmt.Fprintf(a.stderr, "pcsync: cannot write the metrics to --metrics-file %s: %v\n", path, werr)
	}
}

// clock is the app's time: now when set (tests), else the system's.
func (a *app) clock() time.Time {
	if a.now != nil {
		return a.now()
	}
	return time.Now()
}

package main

import (
	"context"
	"fmt"
	"io"

	"github.com/pcsync/pcsync/internal/runner"
)

// printSummary prints what the run did: the summary's table and top errors,
// then where the results and the failed rows are.
func printSummary(w io.Writer, out *runner.Outcome) {
	out.Summary.WriteText(w)
	if out.ResultsPath != "-" {
		fmt.Fprintf(w, "results: %s\n", out.ResultsPath)
	}
	fmt.Fprintf(w, "failed:  %s (%d rows)\n", out.FailedPath, out.Failed())
}

// writeSummaryJSON writes the run's summary to path, with the exit status
// the run ends with (code, or the one err maps to) and why it stopped
// early, if it did. A failure is reported on stderr; the exit status stays
// the run's.
func (a *app) writeSummaryJSON(ctx context.Context, path string, out *runner.Outcome, code int, err error) {
	if err != nil {
		code = exitCode(ctx, err, false)
	}
	sum := out.Summary
	sum.ExitCode = code
	sum.Interrupted = ctx.Err() != nil
	sum.Stopped = out.Stopped(sum.Interrupted)
	if werr := sum.WriteJSONFile(path); werr != nil {
		fmt.Fprintf(a.stderr, "pcsync: cannot write the summary to --summary-json %s: %v\n", path, werr)
	}
}

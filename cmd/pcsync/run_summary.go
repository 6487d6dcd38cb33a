package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/pcsync/pcsync/internal/summary"
	"github.com/pcsync/pcsync/internal/worker"
)

// checkSummaryJSON refuses, before anything is sent, a --summary-json path
// that could not be written at the end or that names another file of the
// run.
func checkSummaryJSON(path, input string, out *outputs) error {
	if path == "" {
		return nil
	}
	for _, p := range []string{input, out.resultsPath, out.failedPath} {
		if p != "-" && samePath(path, p) {
			return usagef(fmt.Sprintf("--summary-json %s is also the input or an output of the run: choose another path", path))
		}
	}
	if err := summary.CheckJSONPath(path); err != nil {
		return usagef(fmt.Sprintf("--summary-json: cannot write %s: %v", path, err))
	}
	return nil
}

// printSummary prints what the run did: the summary's table and top errors,
// then where the results and the failed rows are.
func printSummary(w io.Writer, sum *summary.Summary, out *outputs) {
	sum.WriteText(w)
	if out.resultsPath != "-" {
		fmt.Fprintf(w, "results: %s\n", out.resultsPath)
	}
	fmt.Fprintf(w, "failed:  %s (%d rows)\n", out.failedPath, sum.Total()-sum.Done()-out.notInFailed)
}

// writeSummaryJSON writes the run's summary to path, with the exit status
// the run ends with (code, or the one err maps to) and why it stopped
// early, if it did. A failure is reported on stderr; the exit status stays
// the run's.
func (a *app) writeSummaryJSON(ctx context.Context, path string, sum *summary.Summary, runErr error, code int, err error) {
	if err != nil {
		code = exitCode(ctx, err, false)
	}
	sum.ExitCode = code
	sum.Interrupted = ctx.Err() != nil
	switch {
	case errors.Is(runErr, worker.ErrRefused):
		sum.Stopped = summary.StoppedRefused
	case errors.Is(runErr, worker.ErrGaveUp):
		sum.Stopped = summary.StoppedGaveUp
	case runErr != nil && !sum.Interrupted:
		sum.Stopped = summary.StoppedError
	}
	if werr := sum.WriteJSONFile(path); werr != nil {
		fmt.Fprintf(a.stderr, "pcsync: cannot write the summary to --summary-json %s: %v\n", path, werr)
	}
}

package runner

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pcsync/pcsync/internal/metrics"
	"github.com/pcsync/pcsync/internal/notify"
	"github.com/pcsync/pcsync/internal/summary"
)

// End is how a run ended, as the files and the message left at its end
// say it.
type End struct {
	Code        int    // the exit status
	Meaning     string // the exit status in words, for --notify's text
	Interrupted bool   // stopped by a signal
	Started     time.Time
	Ended       time.Time
}

// Finish leaves what a run leaves at its end, however it ended: its
// summary in --summary-json and a message to --notify when it got as far
// as sending (out is not nil), and --metrics-file for every run that is
// not a dry run (out nil: refused before sending). Each failure is
// returned, worded for stderr; none changes the run's exit status.
func Finish(ctx context.Context, opt Options, out *Outcome, end End) []error {
	var errs []error
	var sum *summary.Summary
	if out != nil {
		sum = out.Summary
		sum.ExitCode, sum.Interrupted = end.Code, end.Interrupted
		sum.Stopped = out.Stopped(end.Interrupted)
		if opt.SummaryJSON != "" {
			if err := sum.WriteJSONFile(opt.SummaryJSON); err != nil {
				errs = append(errs, fmt.Errorf("cannot write the summary to --summary-json %s: %w", opt.SummaryJSON, err))
			}
		}
	}
	if opt.MetricsFile != "" {
		if err := metrics.Write(opt.MetricsFile, metrics.Run{Summary: sum, ExitCode: end.Code, Started: end.Started, Ended: end.Ended}); err != nil {
			errs = append(errs, fmt.Errorf("cannot write the metrics to --metrics-file %s: %w", opt.MetricsFile, err))
		}
	}
	if opt.Notify != "" && out != nil {
		host, _ := os.Hostname()
		body, err := notify.Body(host, opt.Input, end.Meaning, sum)
		if err == nil {
			var n int
			if n, err = notify.Post(ctx, opt.Notify, body, opt.NotifyOptions); err != nil {
				err = fmt.Errorf("could not notify %s (%s): %w; the exit status is the run's", notify.Redacted(opt.Notify), summary.Plural(n, "attempt"), err)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("--notify: %w", err))
		}
	}
	return errs
}

// WriteText prints what the run did: how much an earlier run had done, if
// it was resumed, the summary's table and top errors, then where the
// results and the failed rows are.
func (o *Outcome) WriteText(w io.Writer) {
	if o.Resumed {
		were := "were"
		if o.AlreadyDone == 1 {
			were = "was"
		}
		fmt.Fprintf(w, "pcsync: resumed: %s %s already ok and not sent again\n", summary.Plural(o.AlreadyDone, "row"), were)
	}
	o.Summary.WriteText(w)
	if o.ResultsPath != "-" {
		fmt.Fprintf(w, "results: %s\n", o.ResultsPath)
	}
	fmt.Fprintf(w, "failed:  %s (%s)\n", o.FailedPath, summary.Plural(o.Failed(), "row"))
}

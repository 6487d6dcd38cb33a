package main

import (
	"context"
	"fmt"
	"os"

	"github.com/pcsync/pcsync/internal/notify"
	"github.com/pcsync/pcsync/internal/runner"
	"github.com/pcsync/pcsync/internal/summary"
)

// exitMeaning words an exit status for the notification's text.
var exitMeaning = map[int]string{
	exitOK:          "every row done",
	exitRowsFailed:  "some rows not done",
	exitUsage:       "stopped: refused",
	exitMaxFailed:   "over --max-failed",
	exitInterrupted: "interrupted",
}

// notify POSTs the run's summary to --notify's URL; a failure is reported
// on stderr and changes nothing else.
func (a *app) notify(ctx context.Context, o *runOptions, input string, out *runner.Outcome, code int, err error) {
	sum := finalSummary(ctx, out, code, err)
	host, _ := os.Hostname()
	body, berr := notify.Body(host, input, exitMeaning[sum.ExitCode], sum)
	if berr != nil {
		fmt.Fprintf(a.stderr, "pcsync: --notify: %v\n", berr)
		return
	}
	if n, perr := notify.Post(ctx, o.notify, body, a.notifyOptions); perr != nil {
		fmt.Fprintf(a.stderr, "pcsync: --notify: could not notify %s (%s): %v; the exit status is the run's\n",
			notify.Redacted(o.notify), summary.Plural(n, "attempt"), perr)
	}
}

// finalSummary is the run's summary with how it ended: the exit status
// (code, or the one err maps to) and why it stopped early, if it did.
func finalSummary(ctx context.Context, out *runner.Outcome, code int, err error) *summary.Summary {
	if err != nil {
		code = exitCode(ctx, err, false)
	}
	sum := out.Summary
	sum.ExitCode = code
	sum.Interrupted = ctx.Err() != nil
	sum.Stopped = out.Stopped(sum.Interrupted)
	return sum
}

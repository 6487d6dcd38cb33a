package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pcsync/pcsync/internal/job"
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

// notifyText is the one line a chat shows of a run: where, which input,
// its rows by status, how it ended.
func notifyText(host, input string, sum *summary.Summary) string {
	var parts []string
	for _, st := range job.Statuses {
		if n := sum.Status(st); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, st))
		}
	}
	counts := summary.Plural(sum.Total(), "row")
	if len(parts) > 0 {
		counts += " (" + strings.Join(parts, ", ") + ")"
	}
	if input == "-" {
		input = "standard input"
	}
	how := exitMeaning[sum.ExitCode]
	if how == "" {
		how = "ended"
	}
	return fmt.Sprintf("pcsync on %s: %s: %s; exit %d, %s", host, filepath.Base(input), counts, sum.ExitCode, how)
}

// notifyBody is the JSON POSTed by --notify: the summary JSON with a
// "text" field first, the one line a Slack incoming webhook shows.
func notifyBody(text string, sum *summary.Summary) ([]byte, error) {
	doc, err := json.Marshal(sum)
	if err != nil {
		return nil, err
	}
	t, _ := json.Marshal(text)
	body := append([]byte(`{"text":`), t...)
	if len(doc) > 2 {
		body = append(body, ',')
	}
	return append(body, doc[1:]...), nil
}

// notify POSTs the run's summary to --notify's URL; a failure is reported
// on stderr and changes nothing else.
func (a *app) notify(ctx context.Context, o *runOptions, input string, out *runner.Outcome, code int, err error) {
	sum := finalSummary(ctx, out, code, err)
	host, _ := os.Hostname()
	body, berr := notifyBody(notifyText(host, input, sum), sum)
	if berr != nil {
		fmt.Fprintf(a.stderr, "pcsync: --notify: %v\n", berr)
		return
	}
	if n, perr := notify.Post(ctx, o.Notify, body, a.notifyOptions); perr != nil {
		fmt.Fprintf(a.stderr, "pcsync: --notify: could not notify %s (%s): %v; the exit status is the run's\n",
			notify.Redacted(o.Notify), summary.Plural(n, "attempt"), perr)
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

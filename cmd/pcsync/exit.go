package main

import (
	"context"
	"errors"

	"github.com/pcsync/pcsync/internal/runner"
)

// The exit statuses, the one table every path of the command goes through.
const (
	exitOK          = 0   // every row ended ok
	exitRowsFailed  = 1   // the run finished, but some rows did not end ok
	exitUsage       = 2   // nothing was done: usage, configuration or unreadable input
	exitMaxFailed   = 3   // more rows failed or invalid than --max-failed allows
	exitInterrupted = 130 // stopped by SIGINT or SIGTERM
)

// exitMeaning words an exit status, for --notify's text.
var exitMeaning = map[int]string{
	exitOK:          "every row done",
	exitRowsFailed:  "some rows not done",
	exitUsage:       "stopped: refused",
	exitMaxFailed:   "over --max-failed",
	exitInterrupted: "interrupted",
}

// usagef is a problem with the command line or the configuration: nothing
// was done. A %w keeps its cause.
func usagef(format string, args ...any) error { return runner.Usagef(format, args...) }

// exitCode maps the outcome of a command to its exit status: a
// *runner.UsageError means nothing was done; any other error came after
// rows were sent.
func exitCode(ctx context.Context, err error, rowsNotOK bool) int {
	var ue *runner.UsageError
	switch {
	case ctx.Err() != nil:
		return exitInterrupted
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, runner.ErrMaxFailed):
		return exitMaxFailed
	case err != nil, rowsNotOK:
		return exitRowsFailed
	}
	return exitOK
}

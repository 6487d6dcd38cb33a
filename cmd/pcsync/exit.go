package main

import (
	"context"
	"errors"
)

// The exit statuses, the one table every path of the command goes through.
const (
	exitOK          = 0   // every row ended ok
	exitRowsFailed  = 1   // the run finished, but some rows did not end ok
	exitUsage       = 2   // nothing was done: usage, configuration or unreadable input
	exitInterrupted = 130 // stopped by SIGINT or SIGTERM
)

// usageError is a problem with the command line or the configuration:
// nothing was done.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(msg string) error { return &usageError{msg: msg} }

// exitCode maps the outcome of a command to its exit status: a usageError
// means nothing was done; any other error came after rows were sent.
func exitCode(ctx context.Context, err error, rowsNotOK bool) int {
	var ue *usageError
	switch {
	case ctx.Err() != nil:
		return exitInterrupted
	case errors.As(err, &ue):
		return exitUsage
	case err != nil, rowsNotOK:
		return exitRowsFailed
	}
	return exitOK
}

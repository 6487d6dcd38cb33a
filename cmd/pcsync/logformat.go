package main

import (
	"context"
	"fmt"
	"log/slog"
)

// --log-format: how pcsync writes its lines on stderr when no one is
// watching a terminal. "text" (the default) gives slog's key=value progress
// lines and keeps the plain "pcsync: ..." diagnostics; "json" makes every
// one of them a JSON object, for a log collector.
const (
	logText = "text"
	logJSON = "json"
)

// logger is a structured logger on stderr in the run's --log-format.
func (a *app) logger() *slog.Logger {
	if a.logFormat == logJSON {
		return slog.New(slog.NewJSONHandler(a.stderr, nil))
	}
	return slog.New(slog.NewTextHandler(a.stderr, nil))
}

// notef writes one diagnostic line on stderr: "pcsync: ..." as people
// read it, or, with --log-format json, a JSON record at level.
func (a *app) notef(level slog.Level, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if a.logFormat == logJSON {
		a.logger().Log(context.Background(), level, msg)
		return
	}
	fmt.Fprintf(a.stderr, "pcsync: %s\n", msg)
}

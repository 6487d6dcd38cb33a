package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// logFormat is --log-format: how pcsync writes its lines on stderr when no
// one is watching a terminal. "text" (the default) gives slog's key=value
// progress lines and keeps the plain "pcsync: ..." diagnostics; "json"
// makes every one of them a JSON object, for a log collector.
type logFormat string

const (
	logText logFormat = "text"
	logJSON logFormat = "json"
)

func (f logFormat) String() string { return string(f) }

// parseLogFormat reads --log-format.
func parseLogFormat(v string) (logFormat, error) {
	switch f := logFormat(strings.ToLower(strings.TrimSpace(v))); f {
	case logText, logJSON:
		return f, nil
	}
	return "", fmt.Errorf("unknown log format %q (want text or json)", v)
}

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

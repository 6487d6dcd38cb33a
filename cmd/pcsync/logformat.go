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

func (f *logFormat) String() string {
	if *f == "" {
		return string(logText)
	}
	return string(*f)
}

func (f *logFormat) Type() string      { return "F" }
func (f *logFormat) choices() []string { return []string{string(logText), string(logJSON)} }

func (f *logFormat) Set(v string) error {
	switch logFormat(strings.ToLower(strings.TrimSpace(v))) {
	case logText:
		*f = logText
	case logJSON:
		*f = logJSON
	default:
		return fmt.Errorf("unknown log format %q (want text or json)", v)
	}
	return nil
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

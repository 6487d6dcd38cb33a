package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/pcsync/pcsync/internal/proc"
	"github.com/pcsync/pcsync/internal/runner"
	"github.com/pcsync/pcsync/internal/summary"
)

// sync is one run of the job, from opening the input to the summary.
func (a *app) sync(ctx context.Context, o *runOptions, input string) (code int, err error) {
	if o.run.InvalidOut != "" && !o.dryRun {
		return 0, usagef("--invalid-out goes with --dry-run: a run writes its invalid rows to the failed-rows file (--failed)")
	}
	ob := &observer{a: a, o: o}
	preSend.Store(true)
	defer preSend.Store(false)
	opt := o.run
	opt.Input, opt.Stdin, opt.Stdout, opt.Observer, opt.Reserve, opt.StateLockTimeout = input, a.stdin, a.stdout, ob, proc.ReserveMemory, a.stateLockTimeout
	opt.NotifyOptions = a.notifyOptions
	var out *runner.Outcome // nil until rows are sent
	if !o.dryRun {
		if err := runner.CheckMetricsFile(opt); err != nil {
			return 0, err
		}
		start := a.clock()
		defer func() { a.finish(ctx, opt, out, start, code, err) }()
	}
	sess, err := runner.Open(ctx, opt)
	if err != nil {
		return 0, err
	}
	defer sess.Close()
	if o.dryRun {
		return a.dryRun(ctx, sess, o)
	}

	// Credentials are checked before anything else can refuse the run.
	target, closeTarget, err := a.target(o, true)
	if err != nil {
		return 0, err
	}
	defer closeTarget()
	if out, err = sess.Execute(ctx, target); err != nil {
		return 0, err
	}
	summaryTo := a.stdout
	if out.ResultsPath == "-" {
		summaryTo = a.stderr
	}
	out.WriteText(summaryTo)
	switch {
	case ctx.Err() != nil:
		a.notef(slog.LevelWarn, "interrupted: rows not yet sent are marked skipped in the results%s", finishHint(a.args, o, input))
		return exitInterrupted, nil
	case out.Err != nil:
		return 0, out.Err
	}
	return exitCode(ctx, nil, out.Summary.Done() != out.Summary.Total()), nil
}

// finish leaves the run's summary JSON, metrics and message (runner.Finish)
// for a run that started at start and ends with code, or with err, and
// says on stderr what could not be left.
func (a *app) finish(ctx context.Context, opt runner.Options, out *runner.Outcome, start time.Time, code int, err error) {
	if err != nil {
		code = exitCode(ctx, err, false)
	}
	end := runner.End{Code: code, Meaning: exitMeaning[code], Interrupted: ctx.Err() != nil, Started: start, Ended: a.clock()}
	for _, err := range runner.Finish(ctx, opt, out, end) {
		fmt.Fprintf(a.stderr, "pcsync: %v\n", err)
	}
}

// observer is what the command shows of a run: its notes on stderr, and
// its progress while rows are being sent.
type observer struct {
	a    *app
	o    *runOptions
	stop func()
}

func (ob *observer) Notef(level slog.Level, format string, args ...any) {
	ob.a.notef(level, format, args...)
}

func (ob *observer) Started(sum *summary.Summary, total int) {
	preSend.Store(false)
	ob.stop = ob.a.startProgress(sum, total, ob.o)
}

func (ob *observer) Stopped() {
	if ob.stop != nil {
		ob.stop()
	}
}

// finishHint is the command that finishes an interrupted run, as the
// interrupt's message words it: the same command line, with --resume
// unless it has it or --state (which sends only what is left by itself).
// Standard input cannot be resumed: it says so.
func finishHint(args []string, o *runOptions, input string) string {
	if input == "-" {
		return "; standard input cannot be resumed: save it to a file and run that with --resume"
	}
	cmd := []string{"pcsync"}
	for i, arg := range args {
		cmd = append(cmd, shellQuote(arg))
		if i == 0 && !o.run.Resume && o.run.State == "" {
			cmd = append(cmd, "--resume")
		}
	}
	return "; to finish the job: " + strings.Join(cmd, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@%+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync/atomic"

	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/notify"
	"github.com/pcsync/pcsync/internal/proc"
	"github.com/pcsync/pcsync/internal/runner"
	"github.com/pcsync/pcsync/internal/shard"
	"github.com/pcsync/pcsync/internal/summary"
	"github.com/pcsync/pcsync/internal/worker"
)

// sync is one run of the job, from opening the input to the summary.
func (a *app) sync(ctx context.Context, o *runOptions, input string) (code int, err error) {
	if o.InvalidOut != "" && !o.DryRun {
		return 0, usagef("--invalid-out goes with --dry-run: a run writes its invalid rows to the failed-rows file (--failed)")
	}
	ob := &observer{a: a, o: o}
	preSend.Store(true)
	defer preSend.Store(false)
	opt := runner.Options{
		Input: input, Stdin: a.stdin, Stdout: a.stdout, Comma: rune(o.Delimiter), Map: o.Map.m, Encoding: string(o.Encoding), Sheet: o.Sheet,
		Defaults: job.Defaults{Action: job.Action(o.Action), SegmentID: string(o.SegmentID), Country: string(o.Country)},
		Shard:    shard.Spec(o.Shard), Dedupe: o.Dedupe, Resume: o.Resume, MaxRecord: int64(o.MaxRecord),
		State: o.State, Mirror: o.Mirror, MaxRemovals: float64(o.MaxRemovals), StateLockTimeout: a.stateLockTimeout,
		MaxFailed: runner.MaxFailed(o.MaxFailed),
		ShardKey:  o.ShardKey,
		Out:       o.Out, Failed: o.Failed, SummaryJSON: o.SummaryJSON, MetricsFile: o.MetricsFile, InvalidOut: o.InvalidOut,
		Observer: ob, Reserve: proc.ReserveMemory,
	}
	if o.Notify != "" {
		if err := notify.Check(o.Notify); err != nil {
			return 0, usagef("--notify: %v", err)
		}
	}
	var out *runner.Outcome
	if o.MetricsFile != "" && !o.DryRun {
		if err := runner.CheckMetricsFile(opt); err != nil {
			return 0, err
		}
		start := a.clock()
		defer func() { a.writeMetrics(ctx, o.MetricsFile, start, out, code, err) }()
	}
	sess, err := runner.Open(ctx, opt)
	if err != nil {
		return 0, err
	}
	defer sess.Close()
	a.noteShard(o, sess)
	if o.DryRun {
		return a.dryRun(ctx, sess, o)
	}

	// Credentials are checked before anything else can refuse the run.
	target, err := a.target(ctx, o)
	if err != nil {
		return 0, err
	}
	defer target.close()
	info, warn := sess.ColumnNotes()
	for _, s := range info {
		a.notef(slog.LevelInfo, "%s", s)
	}
	for _, s := range warn {
		a.notef(slog.LevelWarn, "%s", s)
	}
	workers, maxWorkers := o.poolSize()
	pool := worker.New(target.client, worker.Options{
		Workers: workers, MaxWorkers: maxWorkers, Timeout: o.Timeout, Retries: o.Retries,
		Pacer: worker.NewPacer(float64(o.Rate), o.Burst), GiveUpAfter: o.GiveUpAfter,
		OnPace: func(p worker.Pace) { ob.pace.Store(&p) },
	})
	out, err = sess.Execute(ctx, runner.Target{Pool: pool, Workers: workers,
		ShopID: target.creds.ShopID, Secret: string(target.creds.ShopSecret)})
	if err != nil {
		return 0, err
	}
	if p, sum := ob.pace.Load(), out.Summary; p != nil && sum.Elapsed > 0 && sum.Requests() > 0 {
		sum.Pace = summaryPace(p, float64(sum.Requests())/sum.Elapsed.Seconds())
	}
	if o.SummaryJSON != "" {
		defer func() { a.writeSummaryJSON(ctx, o.SummaryJSON, out, code, err) }()
	}
	if o.Notify != "" {
		defer func() { a.notify(ctx, o, input, out, code, err) }()
	}
	summaryTo := a.stdout
	if out.ResultsPath == "-" {
		summaryTo = a.stderr
	}
	if out.Resumed {
		were := "were"
		if out.AlreadyDone == 1 {
			were = "was"
		}
		fmt.Fprintf(summaryTo, "pcsync: resumed: %s %s already ok and not sent again\n", summary.Plural(out.AlreadyDone, "row"), were)
	}
	printSummary(summaryTo, out)
	switch {
	case ctx.Err() != nil:
		a.notef(slog.LevelWarn, "interrupted: rows not yet sent are marked skipped in the results%s", finishHint(a.args, o, input))
		return exitInterrupted, nil
	case out.Err != nil:
		return 0, out.Err
	}
	return exitCode(ctx, nil, out.Summary.Done() != out.Summary.Total()), nil
}

// observer is what the command shows of a run: its notes on stderr, and
// its progress while rows are being sent.
type observer struct {
	a    *app
	o    *runOptions
	stop func()
	pace atomic.Pointer[worker.Pace] // the pool's last report
}

// summaryPace is what the summary and progress say of p, the pace of a
// run that kept perSecond requests a second.
func summaryPace(p *worker.Pace, perSecond float64) *summary.Pace {
	sp := &summary.Pace{
		Bound: p.Bound(perSecond), EffectiveRate: perSecond,
		Workers: p.Workers, MaxWorkers: p.MaxWorkers, Adaptive: p.Adaptive,
		PeakInFlight: p.PeakInFlight, P50: p.P50, P95: p.P95,
		ThrottledAbove: p.ThrottledAbove,
	}
	if !math.IsInf(p.Asked, 1) {
		sp.AskedRate = p.Asked
	}
	if p.ThrottledAbove > 0 {
		sp.SuggestedRate = worker.SuggestedRate(p.ThrottledAbove)
	}
	return sp
}

// livePace is the pace progress shows at rowsPerSecond; nil before the
// pool said anything.
func (ob *observer) livePace(rowsPerSecond float64) *summary.Pace {
	if p := ob.pace.Load(); p != nil {
		return summaryPace(p, rowsPerSecond)
	}
	return nil
}

func (ob *observer) Notef(level slog.Level, format string, args ...any) {
	ob.a.notef(level, format, args...)
}

func (ob *observer) Started(sum *summary.Summary, total int) {
	preSend.Store(false)
	ob.stop = ob.a.startProgress(sum, total, ob.o, ob.livePace)
}

func (ob *observer) Stopped() {
	if ob.stop != nil {
		ob.stop()
	}
}

// noteShard says, with --shard, how many of the input's rows are this
// run's: on stderr, or on stdout with the plan of a dry run.
func (a *app) noteShard(o *runOptions, sess *runner.Session) {
	if !shard.Spec(o.Shard).On() {
		return
	}
	w := a.stderr
	if o.DryRun {
		w = a.stdout
	}
	all, mine := sess.Rows()
	key := ""
	if o.ShardKey != shard.KeySent {
		key = " (--shard-key " + o.ShardKey.String() + ")"
	}
	fmt.Fprintf(w, "pcsync: shard %s%s: %d of the input's %d rows are this shard's; the other shards' rows are neither sent nor recorded by this run\n",
		o.Shard.String(), key, mine, all)
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
		if i == 0 && !o.Resume && o.State == "" {
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

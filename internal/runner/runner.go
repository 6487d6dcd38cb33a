// Package runner runs one sync: it streams rows from the input, validates
// them, sends the valid ones through the worker pool and writes every row's
// result as it finishes.
package runner

import (
	"context"
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/dedupe"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/summary"
	"github.com/pcsync/pcsync/internal/worker"
)

// Sink records results; Flush hands what was recorded to the operating
// system. Write must not keep r, which is reused for the next result.
type Sink interface {
	Write(r *job.Result) error
	Flush() error
}

var _ job.Rows = (*csvsource.Source)(nil)

// Config is one run.
type Config struct {
	Source   job.Rows
	Defaults job.Defaults
	Pool     *worker.Pool
	Workers  int // the pool's worker count (informational)
	Sink     Sink
	// Sync makes what was flushed durable (fsync); it is called at least
	// every SyncEvery while results are being written, and at the end.
	Sync      func() error
	SyncEvery time.Duration
	// Summary, when set, counts every result once it is written (not one
	// that failed to write); its counts may be read while Run runs.
	Summary *summary.Summary
	// Skip, when set, names rows already done (a resumed run): they are
	// read but neither sent nor recorded again.
	Skip func(row int) bool
	// Dedupe, when set, sends exact duplicates (same action, contact and
	// parameters) once and records the others as duplicates of the first.
	Dedupe *dedupe.Table
	// Incremental, when set, keeps from sending the writing rows an earlier
	// run applied with the same parameters (they are recorded unchanged),
	// and learns the rows this run applies (--state).
	Incremental Incremental
	// Halt, when set, is asked after every result is counted in Summary
	// whether the run must stop: its first error stops sending (as an
	// interrupt does: the rows not sent are recorded skipped), and Run
	// returns it.
	Halt func(*summary.Summary) error
	// Then, when set, yields tasks to send once the input's last row has
	// been read (the removals of --mirror). Their rows are not input rows:
	// their Origin is job.OriginMirror.
	Then worker.Feed
}

// ErrSink wraps a failure to record results: the run stops sending at once.
var ErrSink = errors.New("cannot write results")

// stopCause is why a run stopped itself before its end (the results could
// not be written, the state could not be read or recorded): the cause of
// the run's context, so that the pool sends nothing more and the rows not
// sent are recorded skipped "(why)"; Run returns err.
type stopCause struct {
	why string
	err error
}

func (c *stopCause) Error() string { return c.why }
func (c *stopCause) Unwrap() error { return c.err }

// Run processes every row of cfg.Source. When ctx is cancelled it stops
// sending, lets the requests in flight finish, records their results, goes
// on reading the input to record every row not sent as skipped, and returns
// ctx's error. An input error (a broken CSV record) also stops the run and
// is returned. A failure to write results (wrapped in ErrSink), or to read
// or record the state, stops the run the way a cancel does: every row read
// still gets its result counted in cfg.Summary (and, when it did not end
// done, in the failed-rows file if that can still be written), and Run
// returns the failure. Every row read from the source gets exactly one
// result.
//
// The pool's workers pull rows through the feeder and record results
// through the recorder themselves: no goroutine stands between the input,
// the requests and the results file, so a row costs no hand-off.
func Run(ctx context.Context, cfg Config) error {
	parent := ctx
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	rec := newRecorder(cfg)
	rec.stop = stop // with a failure's *stopCause, or Config.Halt's error
	finish := rec.start()
	f := &feeder{cfg: cfg, emit: rec.emit, stop: stop}
	err := cfg.Pool.Run(ctx, f, rec.emit)
	if werr := finish(); werr != nil {
		return errors.Join(ErrSink, werr)
	}
	var sc *stopCause
	switch {
	case errors.As(context.Cause(ctx), &sc):
		return sc.err
	case err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, ErrSink):
		return err
	case parent.Err() == nil && ctx.Err() != nil:
		return context.Cause(ctx) // Config.Halt's
	}
	return parent.Err()
}

// feeder is the pool's Feed: it reads the input, records the rows that are
// not to be sent (invalid, duplicate, unchanged) and yields the others as
// tasks, then the tasks of Config.Then. The pool calls it from one worker at
// a time.
type feeder struct {
	cfg     Config
	emit    func(job.Result) error
	stop    context.CancelCauseFunc
	srcDone bool // the source said io.EOF: on to Config.Then
	noState bool // the state failed: it is asked no more
}

var _ worker.Feed = (*feeder)(nil)

// Next returns the next row to send, io.EOF after the last, or the input's
// error.
func (f *feeder) Next() (job.Task, error) {
	for {
		if f.srcDone {
			return f.cfg.Then.Next()
		}
		row, err := f.cfg.Source.Next()
		if err == io.EOF && f.cfg.Then != nil {
			f.srcDone = true
			continue
		}
		if err != nil {
			return job.Task{}, err
		}
		if f.cfg.Skip != nil && f.cfg.Skip(row.Index) {
			continue
		}
		j, err := job.Build(&row.Record, f.cfg.Defaults)
		if err != nil {
			err = f.emit(job.Result{Row: row, Action: j.Action, Status: job.StatusInvalid, Error: err.Error()})
		} else if first, dup := firstOf(f.cfg.Dedupe, &j, row.Index); dup {
			err = f.emit(job.Result{Row: row, Action: j.Action, Status: job.StatusDuplicate,
				Error: "not sent: same as row " + strconv.Itoa(first)})
		} else if since, same, uerr := unchanged(f.incremental(), &j); uerr != nil {
			// The run stops; this row and the rest are skipped by the pool.
			f.noState = true
			f.stop(&stopCause{why: "the state could not be read", err: uerr})
			return job.Task{Row: row, Job: j}, nil
		} else if same {
			err = f.emit(job.Result{Row: row, Action: j.Action, Status: job.StatusUnchanged,
				Error: unchangedText(since)})
		} else {
			return job.Task{Row: row, Job: j}, nil
		}
		if err != nil {
			return job.Task{}, err
		}
	}
}

// incremental is the state to ask, nil once it failed.
func (f *feeder) incremental() Incremental {
	if f.noState {
		return nil
	}
	return f.cfg.Incremental
}

// firstOf returns the first row with j's fingerprint and whether that is
// an earlier row; without a table every row is its own first.
func firstOf(t *dedupe.Table, j *job.Job, row int) (int, bool) {
	if t == nil {
		return row, false
	}
	return t.First(j.Fingerprint(), row)
}

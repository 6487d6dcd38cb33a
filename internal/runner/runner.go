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

	"golang.org/x/sync/errgroup"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/dedupe"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/worker"
)

// RowSource yields input rows until io.EOF.
type RowSource interface {
	Next() (csvsource.Row, error)
}

// Sink records results; Flush hands what was recorded to the operating
// system.
type Sink interface {
	Write(r *worker.Result) error
	Flush() error
}

var _ RowSource = (*csvsource.Source)(nil)

// Config is one run.
type Config struct {
	Source   RowSource
	Defaults job.Defaults
	Pool     *worker.Pool
	Workers  int // sizes the queues; the pool's worker count
	Sink     Sink
	// Sync makes what was flushed durable (fsync); it is called at least
	// every SyncEvery while results are being written, and at the end.
	Sync      func() error
	SyncEvery time.Duration
	Tally     *Tally // counts written results; may be read while Run runs
	// Skip, when set, names rows already done (a resumed run): they are
	// read but neither sent nor recorded again.
	Skip func(row int) bool
	// Dedupe, when set, sends exact duplicates (same action, contact and
	// parameters) once and records the others as duplicates of the first.
	Dedupe *dedupe.Table
}

// ErrSink wraps a failure to record results: the run stops sending at once.
var ErrSink = errors.New("cannot write results")

// Run processes every row of cfg.Source. When ctx is cancelled it stops
// taking rows, lets the requests in flight finish, records their results
// and returns ctx's error. An input error (a broken CSV record) also stops
// the run and is returned; so is a failure to write results, wrapped in
// ErrSink. Every row read from the source gets exactly one result.
func Run(ctx context.Context, cfg Config) error {
	workers := max(cfg.Workers, 1)
	tasks := make(chan worker.Task, workers)
	results := make(chan worker.Result, 4*workers)
	writerDone := make(chan struct{})

	emit := func(r worker.Result) error {
		select {
		case results <- r:
			return nil
		case <-writerDone:
			return ErrSink
		}
	}

	var writeErr error
	go func() {
		defer close(writerDone)
		writeErr = write(results, cfg)
	}()

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return feed(gctx, cfg, tasks, emit) })
	g.Go(func() error { return cfg.Pool.Run(gctx, tasks, emit) })
	err := g.Wait()
	close(results)
	<-writerDone

	switch {
	case writeErr != nil:
		return errors.Join(ErrSink, writeErr)
	case err != nil && !errors.Is(err, context.Canceled):
		return err
	}
	return ctx.Err()
}

// feed reads every row of the input, emits the invalid ones' results and
// queues the others. Once ctx is done it sends nothing more but goes on
// reading, recording each row not sent as skipped, so that the results
// account for every input row and the failed-rows file holds all that is
// left to do.
func feed(ctx context.Context, cfg Config, tasks chan<- worker.Task, emit func(worker.Result) error) error {
	defer close(tasks)
	for {
		row, err := cfg.Source.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if cfg.Skip != nil && cfg.Skip(row.Index) {
			continue
		}
		j, err := job.Build(&row.Record, cfg.Defaults)
		if err != nil {
			err = emit(worker.Result{Row: row, Action: j.Action, Status: worker.StatusInvalid, Error: err.Error()})
		} else if first, dup := firstOf(cfg.Dedupe, &j, row.Index); dup {
			err = emit(worker.Result{Row: row, Action: j.Action, Status: worker.StatusDuplicate,
				Error: "not sent: same as row " + strconv.Itoa(first)})
		} else if ctx.Err() != nil {
			err = emit(skipped(row, j.Action))
		} else {
			select {
			case tasks <- worker.Task{Row: row, Job: j}:
			case <-ctx.Done():
				err = emit(skipped(row, j.Action))
			}
		}
		if err != nil {
			return err
		}
	}
}

// firstOf returns the first row with j's fingerprint and whether that is
// an earlier row; without a table every row is its own first.
func firstOf(t *dedupe.Table, j *job.Job, row int) (int, bool) {
	if t == nil {
		return row, false
	}
	return t.First(j.Fingerprint(), row)
}

func skipped(row csvsource.Row, a job.Action) worker.Result {
	return worker.Result{Row: row, Action: a, Status: worker.StatusSkipped, Error: "not sent: the run was stopped"}
}

// write is the one goroutine that owns the sink. A result is flushed as soon
// as no other is waiting, and synced at least every SyncEvery.
func write(results <-chan worker.Result, cfg Config) error {
	every := cfg.SyncEvery
	if every <= 0 {
		every = time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	dirty := false
	for {
		select {
		case r, ok := <-results:
			if !ok {
				return flushSync(cfg)
			}
			if err := cfg.Sink.Write(&r); err != nil {
				return err
			}
			if cfg.Tally != nil {
				cfg.Tally.add(&r)
			}
			dirty = true
			if len(results) == 0 {
				if err := cfg.Sink.Flush(); err != nil {
					return err
				}
			}
		case <-tick.C:
			if dirty {
				if err := flushSync(cfg); err != nil {
					return err
				}
				dirty = false
			}
		}
	}
}

func flushSync(cfg Config) error {
	if err := cfg.Sink.Flush(); err != nil {
		return err
	}
	if cfg.Sync != nil {
		return cfg.Sync()
	}
	return nil
}

package runner

import (
	"errors"
	"sync"
	"time"

	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/proc"
)

// flushGap is the least time between two flushes of the results to the
// operating system: a finished row reaches the file within about this long
// (so a crash loses little more than the rows in flight), and a busy run
// writes its results in batches instead of one system call per row.
const flushGap = time.Millisecond

// recorder writes results to the sink for the pool's workers, one at a time
// under its lock, and a goroutine of its own flushes them soon after: as
// soon as a result is written when the run is quiet, at most every
// flushGap when it is busy. Everything is made durable (Config.Sync) at
// least every SyncEvery while results come, and at the end.
type recorder struct {
	cfg    Config
	kick   chan struct{} // a result was written: flush soon
	halted bool          // Config.Halt stopped the run (under mu)

	// stop stops the run (Run's context) with a *stopCause, or with
	// Config.Halt's error; nil: no one to tell.
	stop func(error)

	mu    sync.Mutex
	cur   job.Result // the result being recorded
	err   error      // first failure to write: later results are only counted (and listed as failed)
	dirty bool       // written since the last flush
	fresh bool       // flushed since the last sync

	noState bool // a commit of the state failed: no more are tried (sync's alone)
}

// failedWriter is a Sink that can still list rows in the failed-rows file
// once the results file cannot be written (results.Writer).
type failedWriter interface {
	WriteFailed(r *job.Result) error
	FlushFailed() error
}

func newRecorder(cfg Config) *recorder {
	return &recorder{cfg: cfg, kick: make(chan struct{}, 1)}
}

// emit records r. Once writing has failed (the run is then stopping),
// results are still counted in the summary, and those that did not end
// done listed in the failed-rows file when it can still be written, so
// that the summary counts every row.
func (rec *recorder) emit(r job.Result) error {
	rec.mu.Lock()
	// The result is handed on from a field, not from r, which would then
	// escape to the heap: one allocation less per row. No one keeps it.
	rec.cur = r
	cur := &rec.cur
	if rec.err == nil {
		if err := rec.cfg.Sink.Write(cur); err != nil {
			rec.failLocked(err, cur.Row.Index)
		}
	}
	if rec.err != nil {
		if fw, ok := rec.cfg.Sink.(failedWriter); ok {
			fw.WriteFailed(cur) // best effort: the failed file may be on the full disk too
		}
	} else if inc := rec.cfg.Incremental; inc != nil && cur.Status == job.StatusOK && cur.Job.Action.Writes() {
		inc.Applied(&cur.Job)
	}
	if sum := rec.cfg.Summary; sum != nil {
		sum.Add(cur)
		if rec.cfg.Halt != nil && rec.stop != nil && !rec.halted {
			if err := rec.cfg.Halt(sum); err != nil {
				rec.halted = true
				rec.stop(err)
			}
		}
	}
	rec.dirty = true
	rec.mu.Unlock()
	select {
	case rec.kick <- struct{}{}:
	default: // a flush is already due
	}
	return nil
}

// failLocked records err, the first failure to write, and stops the run;
// row is the input row being recorded (0: none). rec.mu must be held.
func (rec *recorder) failLocked(err error, row int) {
	if rec.err != nil {
		return
	}
	rec.err = &WriteError{Err: err, Row: row}
	if rec.stop != nil {
		rec.stop(&stopCause{why: "cannot write results", err: errors.Join(ErrSink, rec.err)})
	}
}

// WriteError is a failure to write or sync the results: Row is the input
// row whose result was being recorded when it was met (0: met while
// flushing or syncing).
type WriteError struct {
	Err error
	Row int
}

func (e *WriteError) Error() string { return e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// failed returns the first failure to write, if any.
func (rec *recorder) failed() error {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.err
}

// flush hands what was written to the operating system.
func (rec *recorder) flush() {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.flushLocked()
}

// flushLocked is flush with rec.mu held.
func (rec *recorder) flushLocked() {
	if !rec.dirty {
		return
	}
	rec.dirty = false
	if rec.err != nil {
		if fw, ok := rec.cfg.Sink.(failedWriter); ok {
			fw.FlushFailed()
		}
		return
	}
	rec.fresh = true
	if err := rec.cfg.Sink.Flush(); err != nil {
		rec.failLocked(err, 0)
	}
}

// sync flushes, then makes durable what was flushed since the last sync,
// then commits the Incremental notes of the rows flushed: the state never
// runs ahead of the results file. The fsync and the commit run outside the
// lock: workers go on writing meanwhile.
func (rec *recorder) sync() error {
	inc := rec.cfg.Incremental
	rec.mu.Lock()
	rec.flushLocked()
	err, fresh := rec.err, rec.fresh
	rec.fresh = false
	if err == nil && inc != nil {
		inc.Cut()
	}
	rec.mu.Unlock()
	if err != nil {
		return err
	}
	if fresh && rec.cfg.Sync != nil {
		if err := rec.cfg.Sync(); err != nil {
			return rec.fail(err)
		}
	}
	if inc != nil && !rec.noState {
		if err := inc.Commit(); err != nil {
			// The results are sound: the run stops, and records the
			// rest as skipped, but results go on being written.
			rec.noState = true
			if rec.stop != nil {
				rec.stop(&stopCause{why: "the state could not be recorded", err: err})
			}
		}
	}
	return nil
}

// fail records err as the failure to write, unless one came first, and
// returns the first.
func (rec *recorder) fail(err error) error {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.failLocked(err, 0)
	return rec.err
}

// start runs the flushing goroutine until the returned function is called;
// that function flushes and syncs what is left and returns the first
// failure to write, if any.
func (rec *recorder) start() (finish func() error) {
	every := rec.cfg.SyncEvery
	if every <= 0 {
		every = time.Second
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer proc.PanicCleanup()
		defer wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		gap := time.NewTimer(flushGap)
		defer gap.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				rec.sync()
			case <-rec.kick:
				rec.flush()
				// Let the next results gather for a moment.
				gap.Reset(flushGap)
				select {
				case <-done:
					return
				case <-gap.C:
				}
			}
		}
	}()
	return func() error {
		close(done)
		wg.Wait()
		rec.mu.Lock()
		rec.fresh = true // the end is always synced
		rec.mu.Unlock()
		return rec.sync()
	}
}

package runner

import (
	"sync"
	"time"

	"github.com/pcsync/pcsync/internal/job"
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
	halt   func(error)   // stops the run, for Config.Halt
	halted bool          // Config.Halt stopped the run (under mu)

	mu    sync.Mutex
	cur   job.Result // the result being recorded
	err   error      // first failure to write: every later emit fails
	dirty bool       // written since the last flush
	fresh bool       // flushed since the last sync
}

func newRecorder(cfg Config) *recorder {
	return &recorder{cfg: cfg, kick: make(chan struct{}, 1)}
}

// emit records r; it fails with ErrSink once writing has failed.
func (rec *recorder) emit(r job.Result) error {
	rec.mu.Lock()
	if rec.err != nil {
		rec.mu.Unlock()
		return ErrSink
	}
	// The result is handed on from a field, not from r, which would then
	// escape to the heap: one allocation less per row. No one keeps it.
	rec.cur = r
	cur := &rec.cur
	if err := rec.cfg.Sink.Write(cur); err != nil {
		rec.err = err
		rec.mu.Unlock()
		return ErrSink
	}
	if sum := rec.cfg.Summary; sum != nil {
		sum.Add(cur)
		if rec.cfg.Halt != nil && rec.halt != nil && !rec.halted {
			if err := rec.cfg.Halt(sum); err != nil {
				rec.halted = true
				rec.halt(err)
			}
		}
	}
	if inc := rec.cfg.Incremental; inc != nil && cur.Status == job.StatusOK && cur.Job.Action.Writes() {
		inc.Applied(&cur.Job)
	}
	rec.dirty = true
	rec.mu.Unlock()
	select {
	case rec.kick <- struct{}{}:
	default: // a flush is already due
	}
	return nil
}

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
	if rec.err != nil || !rec.dirty {
		return
	}
	rec.dirty = false
	rec.fresh = true
	if err := rec.cfg.Sink.Flush(); err != nil {
		rec.err = err
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
	if inc != nil {
		if err := inc.Commit(); err != nil {
			return rec.fail(err)
		}
	}
	return nil
}

// fail records err as the failure to write, unless one came first, and
// returns it.
func (rec *recorder) fail(err error) error {
	rec.mu.Lock()
	if rec.err == nil {
		rec.err = err
	}
	rec.mu.Unlock()
	return err
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

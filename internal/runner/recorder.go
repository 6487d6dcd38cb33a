package runner

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pcsync/pcsync/internal/worker"
)

// recorder writes results to the sink for the pool's workers, one at a time
// under its lock. A result is flushed to the operating system as soon as no
// other is waiting for the lock, so that a finished row reaches the file at
// once (a crash loses only rows still in flight); everything is made
// durable at least every SyncEvery and at the end.
type recorder struct {
	cfg     Config
	waiting atomic.Int32 // emitters waiting for mu

	mu    sync.Mutex
	err   error // first failure to write: every later emit fails
	dirty bool  // written since the last sync
}

func newRecorder(cfg Config) *recorder { return &recorder{cfg: cfg} }

// emit records r; it fails with ErrSink once writing has failed.
func (rec *recorder) emit(r worker.Result) error {
	rec.waiting.Add(1)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.waiting.Add(-1)
	if rec.err != nil {
		return ErrSink
	}
	if err := rec.cfg.Sink.Write(&r); err != nil {
		rec.err = err
		return ErrSink
	}
	if rec.cfg.Tally != nil {
		rec.cfg.Tally.add(&r)
	}
	rec.dirty = true
	if rec.waiting.Load() == 0 {
		if err := rec.cfg.Sink.Flush(); err != nil {
			rec.err = err
			return ErrSink
		}
	}
	return nil
}

// failed returns the first failure to write, if any.
func (rec *recorder) failed() error {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.err
}

// sync flushes and makes durable what was written since the last sync. The
// fsync runs outside the lock: workers go on writing meanwhile.
func (rec *recorder) sync(force bool) error {
	rec.mu.Lock()
	if rec.err != nil {
		rec.mu.Unlock()
		return rec.err
	}
	if !rec.dirty && !force {
		rec.mu.Unlock()
		return nil
	}
	rec.dirty = false
	err := rec.cfg.Sink.Flush()
	rec.mu.Unlock()
	if err == nil && rec.cfg.Sync != nil {
		err = rec.cfg.Sync()
	}
	if err != nil {
		rec.mu.Lock()
		if rec.err == nil {
			rec.err = err
		}
		rec.mu.Unlock()
	}
	return err
}

// syncEvery syncs every d (a second when d <= 0) until the returned function
// is called.
func (rec *recorder) syncEvery(d time.Duration) (stop func()) {
	if d <= 0 {
		d = time.Second
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(d)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if rec.sync(false) != nil {
					return
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// close flushes and syncs what is left; the run's last word on the sink.
func (rec *recorder) close() error {
	if err := rec.failed(); err != nil {
		return nil // already reported through failed
	}
	return rec.sync(true)
}

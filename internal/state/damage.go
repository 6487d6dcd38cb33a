package state

import (
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrDamaged is the error of a state file whose pages do not hold
// together: found by the check Open makes, or met by a read or a write
// later (bbolt panics on a page that is not what it expects; every call
// into it is guarded, so that the panic becomes this error).
var ErrDamaged = errors.New("the state file is damaged: move it away to start afresh (every row will then be sent)")

// recoverDamage turns a panic inside bbolt, or a fault reading its map,
// into ErrDamaged in *err. Defer it directly, after guardFaults.
//
// bbolt may panic with its locks held (a write transaction's rollback
// rereads the free list): once damage was met, every later call returns
// it at once instead of calling bbolt, and Close does not wait for it.
func (s *Store) recoverDamage(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: %w (%v)", s.path, ErrDamaged, r)
		s.damage.CompareAndSwap(nil, err)
	}
}

// damaged returns the damage met earlier, if any.
func (s *Store) damaged() error {
	if p := s.damage.Load(); p != nil {
		return *p
	}
	return nil
}

// closeDB closes the bbolt file; after damage, without waiting for locks
// a panic inside bbolt may have left held (the file is closed when the
// process ends).
func (s *Store) closeDB() error {
	if s.damaged() != nil {
		go s.db.Close()
		return nil
	}
	return s.db.Close()
}

// guardFaults makes a fault reading the map (a page number past its end)
// a panic, which recoverDamage recovers, rather than a crash; the returned
// function restores the goroutine's setting. Use:
//
//	defer s.recoverDamage(&err)
//	defer guardFaults()()
func guardFaults() func() {
	old := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(old) }
}

// checkReleaseEvery is how often the pages the consistency check has read
// are dropped from the process: a few MiB of the file at most in between.
const checkReleaseEvery = 200 * time.Microsecond

// verify runs bbolt's consistency check over the whole file (every page
// reachable once, free or in use, keys in order) in a read transaction,
// and drops the pages it read from the process afterwards.
func (s *Store) verify() (err error) {
	defer s.recoverDamage(&err)
	defer guardFaults()()
	return s.db.View(func(tx *bolt.Tx) error {
		defer release(tx)
		// The check reads every page: drop them as it goes (release is safe
		// while tx is open), or the whole file would be resident at once.
		stop, stopped := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(stopped)
			t := time.NewTicker(checkReleaseEvery)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					release(tx)
				}
			}
		}()
		var first error
		n := 0
		for cerr := range tx.Check() { // drained: the check runs until its channel closes
			if n++; first == nil {
				first = cerr
			}
		}
		close(stop)
		<-stopped
		if first != nil {
			return fmt.Errorf("%s: %w (%v; %d problems found)", s.path, ErrDamaged, first, n)
		}
		return nil
	})
}

package state

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/job"
)

// readsPerTx is how many lookups one read transaction serves before the
// next is begun, so that pages freed by commits can be reused.
const readsPerTx = 4096

// readsPerRelease is how many lookups are made between two releases: the
// kernel maps in up to 16 neighbouring pages at each fault, so this keeps
// at most a few tens of MiB of the file resident.
const readsPerRelease = 128

// putsPerTx bounds the notes one write transaction commits: each may
// rewrite a page of the file, and a transaction holds its pages in memory
// until it commits.
const putsPerTx = 4096

// Run is one run's use of the state: it tells the feeder which rows are
// unchanged and takes the recorder's notes of the rows applied, committing
// them in one transaction per batch. It implements runner.Incremental.
type Run struct {
	s      *Store
	mirror api.SegmentID // the segment a --mirror run mirrors, or ""

	// Lookups: one read transaction serves many, and is closed by each
	// commit (so that a commit that must grow the file's map never waits
	// on it); while a commit runs, each lookup has a transaction of its own.
	txMu       sync.Mutex
	tx         *bolt.Tx
	applied    *bolt.Bucket // tx's
	reads      int
	key        []byte
	committing atomic.Bool

	mu        sync.Mutex
	pending   []record // noted since the last cut
	cut       []record // cut, not yet committed
	committed atomic.Int64
}

// record is one key and value to put.
type record struct{ key, value []byte }

// Run returns the state's view for one run. mirror is the segment of a
// --mirror run ("" for none): its segments/add rows count as unchanged only
// if a mirrored run applied them, and are recorded as mirrored. Close it
// before the Store.
func (s *Store) Run(mirror api.SegmentID) *Run {
	return &Run{s: s, mirror: mirror}
}

// mirrors reports whether j is an add to the mirrored segment.
func (r *Run) mirrors(j *job.Job) bool {
	return r.mirror != "" && j.Action == job.SegmentsAdd && j.SegmentID == r.mirror
}

// Unchanged reports whether j's key was last applied by the very same
// call, and when.
func (r *Run) Unchanged(j *job.Job) (since time.Time, unchanged bool, err error) {
	if r.s.db == nil {
		return time.Time{}, false, nil
	}
	r.txMu.Lock()
	defer r.txMu.Unlock()
	if err := r.s.damaged(); err != nil {
		return time.Time{}, false, err
	}
	defer r.s.recoverDamage(&err)
	defer guardFaults()()
	if r.key = appendKey(r.key[:0], j); r.key == nil {
		return time.Time{}, false, nil
	}
	judge := func(v []byte) error {
		if v == nil {
			return nil
		}
		if len(v) < valTail || int(v[valAction]) >= len(job.Actions) {
			return fmt.Errorf("%s: %w (key %q)", r.s.path, errBadValue, r.key)
		}
		since = time.Unix(int64(binary.BigEndian.Uint64(v[valAt:])), 0).UTC()
		unchanged = job.Actions[v[valAction]] == j.Action && binary.BigEndian.Uint64(v[valHash:]) == hashOf(j) &&
			(!r.mirrors(j) || v[valFlags]&flagMirrored != 0)
		return nil
	}
	if r.committing.Load() {
		r.closeTx()
		err = r.s.db.View(func(tx *bolt.Tx) error {
			if r.reads++; r.reads%readsPerRelease == 0 {
				release(tx)
			}
			return judge(tx.Bucket(bucketApplied).Get(r.key))
		})
		return since, unchanged, err
	}
	if r.tx == nil || r.reads >= readsPerTx {
		r.closeTx()
		if r.tx, err = r.s.db.Begin(false); err != nil {
			return time.Time{}, false, fmt.Errorf("state %s: %w", r.s.path, err)
		}
		r.applied = r.tx.Bucket(bucketApplied)
	}
	if r.reads++; r.reads%readsPerRelease == 0 {
		release(r.tx)
	}
	err = judge(r.applied.Get(r.key))
	return since, unchanged, err
}

// closeTx ends the lookups' read transaction, dropping the pages it read;
// r.txMu must be held.
func (r *Run) closeTx() {
	if r.tx != nil && r.s.damaged() != nil {
		r.tx, r.applied, r.reads = nil, nil, 0 // bbolt may be in no state to end it
		return
	}
	if r.tx != nil {
		release(r.tx)
		r.tx.Rollback()
		r.tx, r.applied, r.reads = nil, nil, 0
	}
}

// Applied notes that j was applied: the API answered success and the
// result is written. It is recorded at the next Commit after a Cut.
func (r *Run) Applied(j *job.Job) {
	key := appendKey(nil, j)
	if key == nil {
		return
	}
	e := Entry{Action: j.Action, Mirrored: r.mirrors(j), Hash: hashOf(j), At: r.s.now(), Contact: j.Contact}
	value := appendValue(nil, &e, job.ContactKey(j.Contact.Email, j.Contact.Phone))
	r.mu.Lock()
	r.pending = append(r.pending, record{key, value})
	r.mu.Unlock()
}

// Cut closes the batch of notes taken so far.
func (r *Run) Cut() {
	r.mu.Lock()
	r.cut = append(r.cut, r.pending...)
	clear(r.pending)
	r.pending = r.pending[:0]
	r.mu.Unlock()
}

// Commit records the notes cut so far, in key order, in transactions of at
// most putsPerTx notes; two notes of one key are put in the order they were
// taken, so the last applied wins.
func (r *Run) Commit() (err error) {
	r.mu.Lock()
	batch := r.cut
	r.cut = nil
	r.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	slices.SortStableFunc(batch, func(a, b record) int { return bytes.Compare(a.key, b.key) })
	r.committing.Store(true)
	defer r.committing.Store(false)
	r.txMu.Lock()
	r.closeTx()
	r.txMu.Unlock()
	if err := r.s.damaged(); err != nil {
		return err
	}
	defer r.s.recoverDamage(&err)
	defer guardFaults()()
	for chunk := range slices.Chunk(batch, putsPerTx) {
		err := r.s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketApplied)
			for _, rec := range chunk {
				if err := b.Put(rec.key, rec.value); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("cannot record the state in %s: %w", r.s.path, err)
		}
		r.committed.Add(int64(len(chunk)))
	}
	return nil
}

// Committed returns how many notes were committed.
func (r *Run) Committed() int64 { return r.committed.Load() }

// Close ends the lookups. Notes not committed are dropped: their rows are
// sent again by the next run.
func (r *Run) Close() {
	r.txMu.Lock()
	r.closeTx()
	r.txMu.Unlock()
}

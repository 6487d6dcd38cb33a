// Package state is the record pcsync keeps of what it applied (--state): for
// each key (a contact and what was done to it), the last call the API
// answered success for, with a hash of its parameters and when. A run with
// a state sends only the writing rows whose parameters changed since.
//
// It is an embedded bbolt database: one file, a B+tree on disk read through
// a memory map, so that millions of keys cost disk, not heap. The file
// holds a format version and the shop it records; only one run at a time
// may write it (a file lock).
//
// Nothing is recorded before the results file says it: a run notes the
// rows the API applied and commits them in one transaction once their
// results are synced to disk (see runner.Incremental). A crash loses at
// most the notes not yet committed, and their rows are sent again by the
// next run, which is harmless: every writing call is idempotent.
package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FormatVersion is the layout of the keys and values; a file of another
// version is refused.
const FormatVersion = 1

var (
	bucketMeta    = []byte("meta")
	bucketApplied = []byte("applied")
	metaFormat    = []byte("format")
	metaShop      = []byte("shop_id")
	metaCreated   = []byte("created")
)

// Errors of Open, to be told apart with errors.Is.
var (
	ErrLocked      = errors.New("another pcsync run is using it (the file is locked)")
	ErrNotState    = errors.New("not a pcsync state file")
	ErrVersion     = errors.New("written by another version of pcsync")
	ErrOtherTarget = errors.New("it records another shop")
)

// Options configures Open.
type Options struct {
	// ReadOnly opens for a dry run: nothing is ever written, and a missing
	// file is an empty state, not created.
	ReadOnly bool
	// ShopID is the shop the run writes to. A state that records another
	// shop is refused (its rows were applied there, not here); a new state
	// records it. "" skips the check.
	ShopID string
	// LockTimeout is how long to wait for another run's lock; zero (or
	// less) is DefaultLockTimeout. Tests that meet a lock pass a short one.
	LockTimeout time.Duration
	// Now is the clock of the records (default time.Now).
	Now func() time.Time

	// initialMmap is the address space mapped at first (default mmapSize);
	// tests map less, so that commits must grow the map.
	initialMmap int
}

// DefaultLockTimeout is how long Open waits for another run's lock when
// Options.LockTimeout is zero.
const DefaultLockTimeout = time.Second

// Store is an open state file.
type Store struct {
	db     *bolt.DB // nil: a read-only state whose file does not exist
	path   string
	now    func() time.Time
	damage atomic.Pointer[error] // the damage met, if any (damage.go)
}

// mmapSize is the address space mapped at first, so that the map rarely
// has to grow (which waits for every reader): it is virtual memory, not
// resident; pages are read in as they are used.
const mmapSize = 1 << 30

// Open opens (with ReadOnly: reads) the state file at path, creating it if
// need be.
func Open(path string, opt Options) (*Store, error) {
	opt = opt.withDefaults()
	s := &Store{path: path, now: opt.Now}
	if opt.ReadOnly {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return s, nil
		}
	}
	if !opt.ReadOnly {
		// An existing file is checked through a read-only opening first:
		// opening it to write loads its free list, and bbolt panics on a
		// damaged one with the file open and locked.
		if _, err := os.Stat(path); err == nil {
			ro := opt
			ro.ReadOnly = true
			checked, err := Open(path, ro)
			if err != nil {
				return nil, err
			}
			checked.Close()
		}
	}
	db, err := s.open(path, opt)
	switch {
	case errors.Is(err, ErrDamaged):
		return nil, err
	case errors.Is(err, bolt.ErrTimeout):
		return nil, fmt.Errorf("%s: %w", path, ErrLocked)
	case errors.Is(err, bolt.ErrInvalid), errors.Is(err, bolt.ErrVersionMismatch), errors.Is(err, bolt.ErrChecksum):
		return nil, fmt.Errorf("%s: %w (%v)", path, ErrNotState, err)
	case err != nil:
		return nil, err
	}
	s.db = db
	// Nothing is read or written before the whole file is found sound: a
	// damaged state is reported, never acted upon.
	if opt.ReadOnly {
		err = s.verify()
	}
	if err == nil {
		err = s.readMeta(opt)
	}
	if err != nil {
		s.closeDB()
		return nil, err
	}
	return s, nil
}

// open opens the bbolt file, a panic inside bbolt (a damaged page met
// while loading the free list) becoming ErrDamaged.
func (s *Store) open(path string, opt Options) (db *bolt.DB, err error) {
	defer s.recoverDamage(&err)
	defer guardFaults()()
	return bolt.Open(path, 0o600, &bolt.Options{
		Timeout: opt.LockTimeout, ReadOnly: opt.ReadOnly, InitialMmapSize: opt.initialMmap,
		FreelistType: bolt.FreelistMapType,
	})
}

// readMeta checks the file's format and shop (and readies a new file).
func (s *Store) readMeta(opt Options) (err error) {
	defer s.recoverDamage(&err)
	defer guardFaults()()
	if opt.ReadOnly {
		return s.db.View(func(tx *bolt.Tx) error { return s.checkMeta(tx, opt.ShopID) })
	}
	return s.db.Update(func(tx *bolt.Tx) error { return s.initMeta(tx, opt.ShopID) })
}

// withDefaults fills in the defaults of the options left zero.
func (opt Options) withDefaults() Options {
	if opt.LockTimeout <= 0 {
		opt.LockTimeout = DefaultLockTimeout
	}
	if opt.initialMmap <= 0 {
		opt.initialMmap = mmapSize
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return opt
}

// initMeta readies a new file, or checks an existing one.
func (s *Store) initMeta(tx *bolt.Tx, shop string) error {
	if tx.Bucket(bucketMeta) == nil {
		if err := tx.ForEach(func([]byte, *bolt.Bucket) error { return ErrNotState }); err != nil {
			return fmt.Errorf("%s: %w (a bbolt database of something else)", s.path, err)
		}
		meta, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucket(bucketApplied); err != nil {
			return err
		}
		meta.Put(metaFormat, []byte(strconv.Itoa(FormatVersion)))
		meta.Put(metaCreated, []byte(s.now().UTC().Format(time.RFC3339)))
	}
	if err := s.checkMeta(tx, shop); err != nil {
		return err
	}
	if meta := tx.Bucket(bucketMeta); shop != "" && meta.Get(metaShop) == nil {
		return meta.Put(metaShop, []byte(shop))
	}
	return nil
}

// checkMeta refuses a file of another format or shop.
func (s *Store) checkMeta(tx *bolt.Tx, shop string) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil || tx.Bucket(bucketApplied) == nil {
		return fmt.Errorf("%s: %w (a bbolt database of something else)", s.path, ErrNotState)
	}
	if v := string(meta.Get(metaFormat)); v != strconv.Itoa(FormatVersion) {
		return fmt.Errorf("%s: %w (format %q; this pcsync reads format %d): delete it to start afresh", s.path, ErrVersion, v, FormatVersion)
	}
	if had := string(meta.Get(metaShop)); shop != "" && had != "" && had != shop {
		return fmt.Errorf("%s: %w (shop ID %q, not %q): use one state file per shop", s.path, ErrOtherTarget, had, shop)
	}
	return nil
}

// Path returns the file's path.
func (s *Store) Path() string { return s.path }

// Exists reports whether the file exists: false only for a read-only
// state whose file was missing.
func (s *Store) Exists() bool { return s.db != nil }

// Close closes the file. Every Run must be closed first.
func (s *Store) Close() error {
	if s.db == nil {
		return nil
	}
	return s.closeDB()
}

// Len returns how many keys the state holds.
func (s *Store) Len() (n int, err error) {
	if s.db == nil {
		return 0, nil
	}
	if err := s.damaged(); err != nil {
		return 0, err
	}
	defer s.recoverDamage(&err)
	defer guardFaults()()
	err = s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketApplied).Stats().KeyN
		return nil
	})
	return n, err
}

// Each calls fn for every entry, in key order, with the key's contact part
// ("e:" and the email, or "p:" and the phone), until fn returns an error.
func (s *Store) Each(fn func(contactKey string, e Entry) error) (err error) {
	if s.db == nil {
		return nil
	}
	if err := s.damaged(); err != nil {
		return err
	}
	defer s.recoverDamage(&err)
	defer guardFaults()()
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketApplied).ForEach(func(k, v []byte) error {
			var keyed Entry
			ck := decodeKey(k, &keyed)
			e, err := decodeValue(v, ck)
			if err != nil {
				return err
			}
			e.SegmentID, e.Event = keyed.SegmentID, keyed.Event
			return fn(ck, e)
		})
	})
}

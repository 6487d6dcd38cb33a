// Package keysort sorts a stream of keys too large to hold in memory: it
// keeps a bounded batch in memory, spills each batch sorted to a temporary
// file, and merges the files, yielding every key once, in ascending byte
// order. A mirrored run (--mirror) uses it to compare the contacts of a
// file of millions of rows with those the state holds, with flat memory.
//
// Why not a temporary bbolt file (put every key, then iterate in order;
// about 90 lines against these 200): issue 12 weighed it, and on 2 million
// random keys of 20 bytes it took 7 times as long and 40 times the memory.
// Sorted batches of random keys land all over the B+tree, so each write
// transaction rewrites most of it and holds its nodes in the heap. Measured
// in child processes of one test run (TestVersusBbolt, medians of 3
// rotating rounds; the baseline makes the same keys without sorting
// them): this package 0.65 s and +18 MiB peak RSS over the baseline (8 MiB
// budget, 40 MiB of spilled runs); bbolt with 8 MiB batches 4.6 s and
// +759 MiB (589 MiB of heap, a 193 MiB file); with 1 MiB batches 14.4 s
// and +558 MiB. See BENCHMARKS.md.
package keysort

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// DefaultBudget is the memory a Sorter holds keys in before it spills.
const DefaultBudget = 8 << 20

// perKey approximates what a key costs in memory beyond its bytes (its
// string header and allocation rounding).
const perKey = 24

// Sorter collects keys, then yields them sorted with repeats dropped. The
// zero value is not usable: call New. It is not safe for concurrent use.
type Sorter struct {
	dir    string
	budget int
	keys   []string
	size   int        // bytes held in keys, perKey included
	runs   []*os.File // spilled sorted runs, removed by Close
	sorted bool
}

// New returns a Sorter that holds about budget bytes of keys in memory
// (DefaultBudget if budget <= 0) and spills the rest to temporary files in
// dir ("" for the system's temporary directory).
func New(dir string, budget int) *Sorter {
	if budget <= 0 {
		budget = DefaultBudget
	}
	return &Sorter{dir: dir, budget: budget}
}

// Add adds a key. It fails once Sorted was called, or if a spill fails.
func (s *Sorter) Add(key string) error {
	if s.sorted {
		return errors.New("keysort: Add after Sorted")
	}
	s.keys = append(s.keys, key)
	s.size += len(key) + perKey
	if s.size >= s.budget {
		return s.spill()
	}
	return nil
}

// spill writes the keys held, sorted and without repeats, to a new run.
func (s *Sorter) spill() error {
	keys := sortUnique(s.keys)
	f, err := os.CreateTemp(s.dir, "pcsync-keys-*")
	if err != nil {
		return fmt.Errorf("keysort: %w", err)
	}
	os.Remove(f.Name()) // unlinked at once: nothing is left behind, even by a kill
	s.runs = append(s.runs, f)
	w := bufio.NewWriterSize(f, 64<<10)
	var n [binary.MaxVarintLen64]byte
	for _, k := range keys {
		w.Write(n[:binary.PutUvarint(n[:], uint64(len(k)))])
		w.WriteString(k)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("keysort: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("keysort: %w", err)
	}
	clear(s.keys)
	s.keys, s.size = s.keys[:0], 0
	return nil
}

func sortUnique(keys []string) []string {
	slices.Sort(keys)
	return slices.Compact(keys)
}

// Sorted ends the adding and returns an iterator over every key added, in
// ascending byte order, each once.
func (s *Sorter) Sorted() (*Iter, error) {
	s.sorted = true
	it := &Iter{}
	if len(s.runs) == 0 {
		it.mem = sortUnique(s.keys)
		return it, nil
	}
	if len(s.keys) > 0 {
		if err := s.spill(); err != nil {
			return nil, err
		}
	}
	for _, f := range s.runs {
		r := &run{r: bufio.NewReaderSize(f, 64<<10)}
		if r.advance() {
			it.heap = append(it.heap, r)
		} else if r.err != nil {
			return nil, r.err
		}
	}
	heap.Init(&it.heap)
	return it, nil
}

// Close removes the temporary files.
func (s *Sorter) Close() error {
	var errs []error
	for _, f := range s.runs {
		errs = append(errs, f.Close())
	}
	s.runs, s.keys = nil, nil
	return errors.Join(errs...)
}

// Iter yields sorted keys. Next returns false at the end or on an error,
// which Err then reports.
type Iter struct {
	mem  []string
	heap runHeap
	last string
	some bool
	err  error
}

// Next returns the next key, and false after the last.
func (it *Iter) Next() (string, bool) {
	if it.heap == nil {
		if len(it.mem) == 0 {
			return "", false
		}
		k := it.mem[0]
		it.mem = it.mem[1:]
		return k, true
	}
	for len(it.heap) > 0 {
		r := it.heap[0]
		k := r.key
		if r.advance() {
			heap.Fix(&it.heap, 0)
		} else {
			if r.err != nil {
				it.err = r.err
				return "", false
			}
			heap.Pop(&it.heap)
		}
		if it.some && k == it.last {
			continue // the same key spilled in two runs
		}
		it.last, it.some = k, true
		return k, true
	}
	return "", false
}

// Err returns the error that ended the iteration, if any.
func (it *Iter) Err() error { return it.err }

// run is one spilled file being merged.
type run struct {
	r   *bufio.Reader
	key string
	buf []byte
	err error
}

// advance reads the run's next key; false at its end or on an error.
func (r *run) advance() bool {
	n, err := binary.ReadUvarint(r.r)
	if err == io.EOF {
		return false
	}
	if err == nil {
		r.buf = slices.Grow(r.buf[:0], int(n))[:n]
		_, err = io.ReadFull(r.r, r.buf)
	}
	if err != nil {
		r.err = fmt.Errorf("keysort: reading a spilled run: %w", err)
		return false
	}
	r.key = string(r.buf)
	return true
}

// runHeap orders runs by their current key.
type runHeap []*run

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return h[i].key < h[j].key }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*run)) }
func (h *runHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	*h = old[:len(old)-1]
	return r
}

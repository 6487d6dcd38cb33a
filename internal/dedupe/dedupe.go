// Package dedupe remembers which rows were seen, by a 64-bit fingerprint,
// in a compact open-addressed table: 12 bytes a slot, at most 3/4 full, so
// 16 bytes per distinct row when sized from the row count up front (10
// million distinct rows: 160 MiB). No row text is kept.
//
// Why not a Go map: issue 12 asked for one unless it cost more than a
// quarter more memory at 2 million distinct rows, and it does. A
// map[uint64]uint32 sized for 2 million entries takes 72 MiB (Go 1.26's
// Swiss tables: 16-byte slots, padded, in tables of 1024 slots whose count
// rounds up to a power of two) against this table's 30.5 MiB. Measured by
// `go run ./cmd/pcbench -only dedupe -bin MAP -against TABLE` (the map was
// commit 5d19308), dry runs of 2 million distinct rows, medians of 3
// rotating rounds in one run: peak RSS 108.6 MiB with the map, 71.9 MiB
// with the table (1.51x; 1.25x was the limit), +81.9 MiB and +45.1 MiB
// over a plain dry run (26.8 MiB). See BENCHMARKS.md.
package dedupe

import "math/bits"

// Table maps fingerprints to the first row that had them.
type Table struct {
	keys []uint64 // 0 marks an empty slot; a fingerprint of 0 is stored as 1
	rows []uint32
	n    int
}

// New returns a table sized for hint entries without growing.
func New(hint int) *Table {
	size := max(1024, hint/3*4+4)
	return &Table{keys: make([]uint64, size), rows: make([]uint32, size)}
}

// slot maps a fingerprint onto [0, len(keys)) without a division
// (Lemire's multiply-shift, after a Fibonacci mix so that even small or
// patterned fingerprints spread), so the table need not be a power of two.
func (t *Table) slot(fp uint64) int {
	hi, _ := bits.Mul64(fp*0x9E3779B97F4A7C15, uint64(len(t.keys)))
	return int(hi)
}

// First records fp for row, unless a row had fp already: then it returns
// that earlier row and true.
func (t *Table) First(fp uint64, row int) (int, bool) {
	if fp == 0 {
		fp = 1
	}
	if (t.n+1)*4 > len(t.keys)*3 {
		t.grow()
	}
	for i := t.slot(fp); ; i = t.next(i) {
		switch t.keys[i] {
		case fp:
			return int(t.rows[i]), true
		case 0:
			t.keys[i], t.rows[i] = fp, uint32(row)
			t.n++
			return row, false
		}
	}
}

// Len returns how many distinct fingerprints the table holds.
func (t *Table) Len() int { return t.n }

// Bytes returns the memory the table's slots take.
func (t *Table) Bytes() int { return 12 * len(t.keys) }

func (t *Table) grow() {
	old, oldRows := t.keys, t.rows
	t.keys, t.rows = make([]uint64, 2*len(old)), make([]uint32, 2*len(old))
	for j, k := range old {
		if k == 0 {
			continue
		}
		i := t.slot(k)
		for t.keys[i] != 0 {
			i = t.next(i)
		}
		t.keys[i], t.rows[i] = k, oldRows[j]
	}
}

func (t *Table) next(i int) int {
	if i++; i == len(t.keys) {
		return 0
	}
	return i
}

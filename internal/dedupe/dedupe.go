// Package dedupe remembers which rows were seen, by a 64-bit fingerprint,
// in a Go map from fingerprint to the first row that had it. No row text is
// kept.
package dedupe

// Table maps fingerprints to the first row that had them.
type Table struct {
	m    map[uint64]uint32
	hint int
}

// New returns a table sized for hint entries without growing.
func New(hint int) *Table {
	hint = max(hint, 0)
	return &Table{m: make(map[uint64]uint32, hint), hint: hint}
}

// First records fp for row, unless a row had fp already: then it returns
// that earlier row and true.
func (t *Table) First(fp uint64, row int) (int, bool) {
	if r, ok := t.m[fp]; ok {
		return int(r), true
	}
	t.m[fp] = uint32(row)
	return row, false
}

// Len returns how many distinct fingerprints the table holds.
func (t *Table) Len() int { return len(t.m) }

// Bytes returns an estimate of the memory the map takes: Go's map (a Swiss
// table since Go 1.24) keeps groups of 8 slots of 16 bytes (the key, the
// value, padding) and 8 control bytes, in tables of at most 1024 slots kept
// at most 7/8 full, their count and each one's slots powers of two.
func (t *Table) Bytes() int { return mapBytes(max(t.hint, len(t.m))) }

const (
	groupSlots = 8
	groupBytes = groupSlots*16 + 8
	maxTable   = 1024 // slots
	tableBytes = 48   // a table's header, and its pointer in the directory
)

func mapBytes(n int) int {
	if n <= groupSlots {
		return groupBytes
	}
	want := (n*8 + 6) / 7 // slots, at most 7/8 full
	dir := pow2((want + maxTable - 1) / maxTable)
	slots := max(pow2((want+dir-1)/dir), groupSlots)
	return dir * (slots/groupSlots*groupBytes + tableBytes)
}

// pow2 is the least power of two >= n (n >= 1).
func pow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}

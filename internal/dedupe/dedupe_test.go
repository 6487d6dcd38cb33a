package dedupe

import (
	"math/rand/v2"
	"runtime"
	"testing"
)

func TestFirst(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		hint int
	}{
		{"no hint: grows", 0},
		{"an unknown count", -1},
		{"sized up front", 50_000},
		{"sized too small: grows", 2_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tab := New(tt.hint)
			ref := map[uint64]int{}
			rng := rand.New(rand.NewPCG(1, 2))
			for row := 1; row <= 200_000; row++ {
				fp := rng.Uint64() % 50_000 // many repeats
				if row%1000 == 0 {
					fp = 0 // the reserved value works too
				}
				got, dup := tab.First(fp, row)
				key := fp
				if key == 0 {
					key = 1 // 0 is stored as 1, by design
				}
				want, seen := ref[key]
				if !seen {
					ref[key], want = row, row
				}
				if dup != seen || got != want {
					t.Fatalf("row %d fp %d: First = %d, %v; want %d, %v", row, fp, got, dup, want, seen)
				}
			}
			if tab.Len() != len(ref) {
				t.Errorf("Len = %d, want %d", tab.Len(), len(ref))
			}
		})
	}
}

// TestBytesIsTheHeapTheTableTakes checks Bytes, which feeds pcsync's
// memory limit, against the heap a table sized from its hint takes. Not parallel: it reads the process's
// heap.
func TestBytesIsTheHeapTheTableTakes(t *testing.T) {
	for _, hint := range []int{0, 100, 5000, 100_000, 1_000_000, 2_000_000} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		tab := New(hint)
		for i := range hint {
			tab.First(uint64(i)*0x9E3779B97F4A7C15, i)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := int(after.HeapAlloc) - int(before.HeapAlloc)
		est := tab.Bytes()
		if hint >= 100_000 && (est < heap*9/10 || est > heap*11/10) {
			t.Errorf("hint %d: Bytes = %d, the heap grew by %d", hint, est, heap)
		}
		if est <= 0 {
			t.Errorf("hint %d: Bytes = %d", hint, est)
		}
		runtime.KeepAlive(tab)
	}
}

func BenchmarkFirst(b *testing.B) {
	tab := New(0)
	rng := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tab.First(rng.Uint64(), i)
	}
}

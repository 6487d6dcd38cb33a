package dedupe

import (
	"math/rand/v2"
	"testing"
)

func TestFirst(t *testing.T) {
	tab := New(0)
	ref := map[uint64]int{}
	rng := rand.New(rand.NewPCG(1, 2))
	for row := 1; row <= 200_000; row++ {
		fp := rng.Uint64() % 50_000 // many repeats, forces several resizes
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
}

func BenchmarkFirst(b *testing.B) {
	tab := New(0)
	rng := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tab.First(rng.Uint64(), i)
	}
}

package keysort

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

func TestSorterYieldsEveryKeyOnceInOrder(t *testing.T) {
	tests := []struct {
		name   string
		keys   int
		budget int
	}{
		{"none", 0, 0},
		{"in memory", 1000, 0},
		{"spilled to many runs", 5000, 2000},
		{"one key per run", 50, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			rng := rand.New(rand.NewPCG(1, 2))
			s := New(dir, tt.budget)
			want := map[string]bool{}
			for range tt.keys {
				k := fmt.Sprintf("e:user%d@example.com", rng.IntN(tt.keys/2+1)) // many repeats
				want[k] = true
				if err := s.Add(k); err != nil {
					t.Fatal(err)
				}
			}
			it, err := s.Sorted()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for k, ok := it.Next(); ok; k, ok = it.Next() {
				got = append(got, k)
			}
			if it.Err() != nil {
				t.Fatal(it.Err())
			}
			if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
				t.Errorf("keys not sorted and unique: %q", got[:min(len(got), 10)])
			}
			if len(got) != len(want) {
				t.Errorf("%d keys, want %d", len(got), len(want))
			}
			for _, k := range got {
				if !want[k] {
					t.Errorf("key %q was never added", k)
				}
			}
			if tt.budget > 0 && tt.keys > 0 && len(s.runs) < 2 {
				t.Errorf("%d runs: the budget did not make it spill", len(s.runs))
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("files left behind: %v", entries)
			}
		})
	}
}

func TestAddAfterSortedFails(t *testing.T) {
	s := New("", 0)
	s.Add("a")
	if _, err := s.Sorted(); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("b"); err == nil {
		t.Error("Add after Sorted succeeded")
	}
}

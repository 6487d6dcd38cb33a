package summary

import (
	"sync"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/job"
)

func TestProgress(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		counts  map[job.Status]int
		total   int64
		elapsed time.Duration
		done    int64
		rate    float64
		eta     time.Duration // -1: unknown
	}{
		{"nothing yet", nil, 100, 0, 0, 0, -1},
		{"a quarter at 10 rows/s", map[job.Status]int{job.StatusOK: 20, job.StatusFailed: 3, job.StatusInvalid: 2}, 100, 2500 * time.Millisecond, 25, 10, 8 * time.Second},
		{"eta rounds up", map[job.Status]int{job.StatusOK: 3}, 4, 2 * time.Second, 3, 1.5, time.Second},
		{"skipped rows are not done", map[job.Status]int{job.StatusOK: 30, job.StatusSkipped: 70}, 100, 3 * time.Second, 30, 10, 7 * time.Second},
		{"duplicates and unchanged are done", map[job.Status]int{job.StatusDuplicate: 2, job.StatusUnchanged: 4}, 6, time.Second, 6, 6, 0},
		{"total unknown", map[job.Status]int{job.StatusOK: 9}, -1, 3 * time.Second, 9, 3, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := New(Options{})
			for st, n := range tt.counts {
				for range n {
					s.AddRow(0, st, 1, "")
				}
			}
			p := s.Progress(tt.total, tt.elapsed)
			if p.Done != tt.done || p.RowsPerSecond() != tt.rate || p.Skipped != int64(tt.counts[job.StatusSkipped]) {
				t.Errorf("done %d at %v rows/s, %d skipped; want %d at %v", p.Done, p.RowsPerSecond(), p.Skipped, tt.done, tt.rate)
			}
			eta, ok := p.ETA()
			if want := tt.eta; (want < 0) == ok || (ok && eta != want) {
				t.Errorf("ETA() = %v, %v; want %v", eta, ok, want)
			}
		})
	}
}

// TestWatch holds that a reading is shown at every tick, with the counts
// and the time of that moment, and a last one, final, when it stops; and
// that nothing is shown after stop returns.
func TestWatch(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	clock := time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	ticks := make(chan time.Time)
	shown := make(chan Progress)
	var finals []Progress
	stop := s.Watch(3, ticks, now, func(p Progress, final bool) {
		if final {
			finals = append(finals, p)
			return
		}
		shown <- p
	})
	s.AddRow(0, job.StatusOK, 1, "")
	mu.Lock()
	clock = clock.Add(2 * time.Second)
	mu.Unlock()
	ticks <- time.Time{}
	if p := <-shown; p.Done != 1 || p.OK != 1 || p.Total != 3 || p.Elapsed != 2*time.Second {
		t.Errorf("first reading: %+v", p)
	}
	s.AddRow(0, job.StatusFailed, 3, "boom")
	stop()
	if len(finals) != 1 || finals[0].Done != 2 || finals[0].Failed != 1 {
		t.Fatalf("final readings: %+v", finals)
	}
	select {
	case ticks <- time.Time{}:
		t.Error("a tick was taken after stop")
	default:
	}
}

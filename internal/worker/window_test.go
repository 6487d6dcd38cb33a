package worker

import (
	"context"
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

func TestWindowAdmit(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	w := newWindow(2, 1, time.Second) // 3 starts a second
	steps := []struct {
		at      time.Time
		want    time.Time
		started bool
	}{
		{ms(0), ms(0), true},
		{ms(10), ms(10), true},
		{ms(20), ms(20), true},
		{ms(30), ms(1000), false},   // a fourth start within a second of the first
		{ms(999), ms(1000), false},  // still
		{ms(1000), ms(1000), true},  // a second after the first
		{ms(1005), ms(1010), false}, // a second after the second
		{ms(1010), ms(1010), true},
		{ms(5000), ms(5000), true}, // long after: free
	}
	for i, s := range steps {
		got, ok := w.admit(s.at)
		if ok != s.started || !got.Equal(s.want) {
			t.Errorf("step %d at %v: admit = %v, %v; want %v, %v", i, s.at.Sub(t0), got.Sub(t0), ok, s.want.Sub(t0), s.started)
		}
	}
}

func TestNewWindow(t *testing.T) {
	tests := []struct {
		rate  float64
		burst int
		size  int // 0: no window
	}{
		{0, 1, 0},
		{-1, 1, 0},
		{1e9, 1, 0},
		{0.5, 1, 1},
		{10, 1, 11},
		{1000, 5, 1005},
		{99.9, 1, 100},
	}
	for _, tt := range tests {
		w := newWindow(tt.rate, tt.burst, time.Second)
		size := 0
		if w != nil {
			size = len(w.start)
		}
		if size != tt.size {
			t.Errorf("newWindow(%v, %d) holds %d starts, want %d", tt.rate, tt.burst, size, tt.size)
		}
	}
}

// TestWindowBoundsEverySpan feeds the window attempts that arrive in
// bunches, as workers waking late from their waits do, retrying each at the
// time the window names, and checks that no span ever holds more starts
// than the window's size, while the rate stays what was asked.
func TestWindowBoundsEverySpan(t *testing.T) {
	const rate, burst, n = 1000, 1, 20000
	rng := rand.New(rand.NewPCG(1, 2))
	w := newWindow(rate, burst, time.Second)
	t0 := time.Unix(0, 0)
	var starts []time.Time
	for i := range n {
		// The schedule, plus up to 3ms of lateness, bunching with later slots.
		at := t0.Add(time.Duration(i) * time.Second / rate).Add(time.Duration(rng.IntN(3000)) * time.Microsecond)
		if len(starts) > 0 && at.Before(starts[len(starts)-1]) {
			at = starts[len(starts)-1] // the lock orders them
		}
		for {
			next, ok := w.admit(at)
			if ok {
				break
			}
			at = next
		}
		starts = append(starts, at)
	}
	if !sort.SliceIsSorted(starts, func(i, j int) bool { return starts[i].Before(starts[j]) }) {
		t.Fatal("starts out of order")
	}
	if got, limit := busiest(starts, time.Second), rate+burst; got > limit {
		t.Errorf("a rolling second holds %d starts, more than %d", got, limit)
	}
	achieved := float64(n-1) / starts[n-1].Sub(starts[0]).Seconds()
	if achieved < 0.99*rate {
		t.Errorf("achieved %.1f/s, asked %d/s", achieved, rate)
	}
}

// busiest returns the most times in any half-open interval of length span;
// at is sorted.
func busiest(at []time.Time, span time.Duration) int {
	most, j := 0, 0
	for i := range at {
		for at[i].Sub(at[j]) >= span {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

// TestPacerKeepsSchedule: a wait that oversleeps delays that attempt only,
// not the ones after it (the bucket's next slot is n/rate from the start).
func TestPacerKeepsSchedule(t *testing.T) {
	clk := &fakeClock{now: time.Unix(0, 0)}
	late := 40 * time.Millisecond
	p := NewPacer(10, 1).WithClock(clk.Now, func(ctx context.Context, d time.Duration) error {
		if d <= 0 {
			return ctx.Err()
		}
		return clk.sleep(ctx, d+late) // every wake-up 40ms late
	})
	for range 101 {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// 100 intervals of 100ms after the first (free) attempt, the last one late.
	// (Sleeping one interval from each wake-up would take 14s.)
	got, want := clk.Now().Sub(time.Unix(0, 0)), 10*time.Second+late
	if d := got - want; d < -time.Millisecond || d > time.Millisecond {
		t.Errorf("101 attempts at 10/s took %v, want %v", got, want)
	}
}

func TestPacerWindowWaitStopsOnCancel(t *testing.T) {
	clk := &fakeClock{now: time.Unix(0, 0)}
	p := NewPacer(1, 1).WithClock(clk.Now, clk.sleep)
	ctx, cancel := context.WithCancel(context.Background())
	for range 2 {
		if err := p.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if err := p.Wait(ctx); err != context.Canceled {
		t.Errorf("Wait = %v, want context.Canceled", err)
	}
}
